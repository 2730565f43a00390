import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { LocaleSwitch } from "@/components/shell/locale-switch";
import { currentPrincipal } from "@/lib/auth/guard";
import { ldapConfigFromEnv } from "@/lib/auth/ldap";
import { safeNextPath } from "@/lib/auth/next-path";
import { SignInForm } from "./sign-in-form";

export async function generateMetadata() {
  const t = await getTranslations("signIn");
  return { title: t("title") };
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string; expired?: string }> }) {
  const { next: rawNext, expired } = await searchParams;
  const next = safeNextPath(rawNext) ?? undefined;
  if (await currentPrincipal()) redirect(next ?? "/");
  const t = await getTranslations();
  let ldap = false;
  try {
    ldap = ldapConfigFromEnv() !== null;
  } catch {
    // a misconfigured directory is reported in the server log at sign-in; local accounts still work
  }
  return (
    <main className="flex min-h-screen items-center justify-center bg-gradient-to-b from-brand-50 to-slate-100 px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <div className="mx-auto mb-3 flex size-12 items-center justify-center rounded-xl bg-brand-600 text-lg font-bold text-white shadow">E2x</div>
          <h1 className="text-xl font-semibold text-slate-900">{t("common.appName")}</h1>
          <p className="mt-1 text-sm text-slate-600">{t("signIn.tagline")}</p>
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          {expired && <p className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800 ring-1 ring-amber-200">{t("errors.sessionEnded")}</p>}
          {next && <p className="mb-4 text-sm text-slate-600">{t("signIn.afterwards")}</p>}
          <SignInForm next={next} />
          <p className="mt-4 text-center text-xs text-slate-600">{ldap ? t("signIn.hintLdap") : t("signIn.hintLocal")}</p>
        </div>
        <LocaleSwitch className="mt-4 justify-center" />
      </div>
    </main>
  );
}
