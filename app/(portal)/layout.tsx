import { KeyRound, LogOut } from "lucide-react";
import Link from "next/link";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { ClientMessages } from "@/components/i18n/client-messages";
import { LocaleSwitch } from "@/components/shell/locale-switch";
import { Nav, ShellBar, type NavItem } from "@/components/shell/nav";
import { StudentSearch } from "@/components/shell/student-search";
import { Suspense } from "react";
import { can, coursesWith } from "@/lib/auth/capabilities";
import { pagePrincipal, PASSWORD_CHANGE_PATH, requestedPath } from "@/lib/auth/guard";
import { signInHref } from "@/lib/auth/next-path";
import { getDb } from "@/lib/db/client";
import { pendingChanges } from "@/lib/deployment/staleness";
import { signOutAction } from "./actions";

export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  const principal = await pagePrincipal();
  if (!principal) {
    const jar = await cookies();
    const hadSession = jar.getAll().some((c) => c.name.endsWith("authjs.session-token"));
    redirect(signInHref(await requestedPath(), hadSession ? { expired: "1" } : {}));
  }
  if (principal.mustChangePassword) redirect(PASSWORD_CHANGE_PATH);
  const t = await getTranslations("shell");
  const items: NavItem[] = [{ href: "/", label: t("nav.dashboard"), icon: "dashboard" }];
  // the course list only for whoever may see or create a course (a supervisor sees their exams only)
  const courseList = coursesWith(principal, "course.view");
  if (courseList === "all" || courseList.length > 0 || can(principal, "course.create")) items.push({ href: "/courses", label: t("nav.courses"), icon: "courses" });
  items.push({ href: "/exams", label: t("nav.exams"), icon: "exams" });
  if (can(principal, "staff.manage")) items.push({ href: "/staff", label: t("nav.staff"), icon: "staff" });
  // Admins see how many changes wait for the next push (in the navigation and on the phone's menu button).
  const pending = can(principal, "cluster.view") && can(principal, "cluster.push") ? pendingChanges(getDb()).pending : 0;
  if (can(principal, "cluster.view")) {
    items.push({ href: "/cluster", label: t("nav.cluster"), icon: "cluster", badge: pending ? { count: pending, label: t("pendingChanges", { count: pending }) } : undefined });
  }
  if (can(principal, "audit.view")) items.push({ href: "/audit", label: t("nav.audit"), icon: "audit" });
  // the student search, for whoever may see a roster
  const rosters = coursesWith(principal, "roster.view");
  const search = rosters === "all" || rosters.length > 0;
  return (
    <ClientMessages of="app/(portal)">
    <div className="flex min-h-screen flex-col md:flex-row">
      <a href="#main" className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium text-brand-700 shadow focus:not-sr-only focus:fixed focus:left-3 focus:top-3">
        {t("skipToContent")}
      </a>
      <ShellBar pending={pending} openLabel={t("openMenu")} closeLabel={t("closeMenu")} appName="Hub Portal" search={search && <Suspense><StudentSearch /></Suspense>}>
        <Nav items={items} label={t("mainNav")} />
        <div className="border-t border-slate-100 pt-3">
          <div className="px-2 text-sm">
            <div className="font-medium text-slate-900" data-testid="current-user" translate="no">
              {principal.displayName}
            </div>
            <div className="text-xs text-slate-600">
              <span translate="no">{principal.username}</span> · {t(`roles.${principal.role}`)}
            </div>
          </div>
          <LocaleSwitch className="mt-2 px-1" />
          {principal.source === "local" && (
            <Link href={PASSWORD_CHANGE_PATH} className="mt-2 flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-sm text-slate-700 hover:bg-slate-100">
              <KeyRound className="size-4" aria-hidden /> {t("changePassword")}
            </Link>
          )}
          <form action={signOutAction}>
            <button className="flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-sm text-slate-700 hover:bg-slate-100" type="submit">
              <LogOut className="size-4" aria-hidden /> {t("signOut")}
            </button>
          </form>
        </div>
      </ShellBar>
      <main id="main" tabIndex={-1} className="min-w-0 flex-1 px-4 py-6 outline-none sm:px-6 md:px-8 md:py-8">
        <div className="mx-auto max-w-6xl">{children}</div>
      </main>
    </div>
    </ClientMessages>
  );
}
