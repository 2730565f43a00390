import { KeyRound, LogOut } from "lucide-react";
import Link from "next/link";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { Nav, type NavItem } from "@/components/shell/nav";
import { can } from "@/lib/auth/capabilities";
import { currentPrincipal, PASSWORD_CHANGE_PATH } from "@/lib/auth/guard";
import { signOutAction } from "./actions";

export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  const principal = await currentPrincipal();
  if (!principal) {
    const jar = await cookies();
    const hadSession = jar.getAll().some((c) => c.name.endsWith("authjs.session-token"));
    redirect(hadSession ? "/sign-in?expired=1" : "/sign-in");
  }
  if (principal.mustChangePassword) redirect(PASSWORD_CHANGE_PATH);
  const items: NavItem[] = [
    { href: "/", label: "Dashboard", icon: "dashboard" },
    { href: "/courses", label: "Courses", icon: "courses" },
    { href: "/exams", label: "Exams", icon: "exams" },
  ];
  if (can(principal, "staff.manage")) items.push({ href: "/staff", label: "Staff", icon: "staff" });
  if (can(principal, "cluster.view")) items.push({ href: "/cluster", label: "Cluster", icon: "cluster" });
  if (can(principal, "audit.view")) items.push({ href: "/audit", label: "Audit log", icon: "audit" });
  return (
    <div className="flex min-h-screen">
      <aside className="no-print sticky top-0 flex h-screen self-start w-60 shrink-0 flex-col border-r border-slate-200 bg-white px-3 py-4">
        <div className="mb-6 flex items-center gap-2 px-2">
          <div className="flex size-8 items-center justify-center rounded-lg bg-brand-600 text-xs font-bold text-white">E2x</div>
          <span className="text-sm font-semibold text-slate-900">Hub Portal</span>
        </div>
        <Nav items={items} />
        <div className="mt-auto border-t border-slate-100 pt-3">
          <div className="px-2 text-sm">
            <div className="font-medium text-slate-900" data-testid="current-user">
              {principal.displayName}
            </div>
            <div className="text-xs text-slate-500">
              {principal.username} · {principal.role}
            </div>
          </div>
          {principal.source === "local" && (
            <Link href={PASSWORD_CHANGE_PATH} className="mt-2 flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-sm text-slate-600 hover:bg-slate-100">
              <KeyRound className="size-4" aria-hidden /> Change password
            </Link>
          )}
          <form action={signOutAction}>
            <button className="flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-sm text-slate-600 hover:bg-slate-100" type="submit">
              <LogOut className="size-4" aria-hidden /> Sign out
            </button>
          </form>
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-8 py-8">
        <div className="mx-auto max-w-6xl">{children}</div>
      </main>
    </div>
  );
}
