import Link from "next/link";
import { redirect } from "next/navigation";
import { currentPrincipal } from "@/lib/auth/guard";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/account";
import { getTranslations } from "next-intl/server";
import { PasswordForm } from "./password-form";

export async function generateMetadata() {
  return { title: (await getTranslations("password"))("title") };
}

export default async function PasswordPage() {
  const principal = await currentPrincipal();
  if (!principal) redirect("/sign-in");
  const forced = !!principal.mustChangePassword;
  const t = await getTranslations("password");
  return (
    <main className="flex min-h-screen items-center justify-center bg-gradient-to-b from-brand-50 to-slate-100 px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <div className="mx-auto mb-3 flex size-12 items-center justify-center rounded-xl bg-brand-600 text-lg font-bold text-white shadow">E2x</div>
          <h1 className="text-xl font-semibold text-slate-900">{forced ? t("forcedTitle") : t("title")}</h1>
          <p className="mt-1 text-sm text-slate-600">
            {principal.displayName} ({principal.username})
          </p>
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          {principal.source === "ldap" ? (
            <p className="text-sm text-slate-700">{t("ldap")}</p>
          ) : (
            <>
              {forced && (
                <p className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800 ring-1 ring-amber-200">
                  {t("forced")}
                </p>
              )}
              <PasswordForm minLength={MIN_PASSWORD_LENGTH} />
              <p className="mt-4 text-xs text-slate-600">{t("rules", { min: MIN_PASSWORD_LENGTH })}</p>
            </>
          )}
          {!forced && (
            <p className="mt-4 text-center text-sm">
              <Link href="/" className="text-brand-700 hover:underline">
                {t("back")}
              </Link>
            </p>
          )}
        </div>
      </div>
    </main>
  );
}
