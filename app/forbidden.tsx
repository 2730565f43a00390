import { ShieldAlert } from "lucide-react";
import { getTranslations } from "next-intl/server";
import { ButtonLink } from "@/components/ui/button";

export default async function Forbidden() {
  const t = await getTranslations("pages.forbidden");
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-md text-center">
        <ShieldAlert className="mx-auto size-10 text-amber-500" aria-hidden />
        <h1 className="mt-3 text-xl font-semibold text-slate-900">{t("title")}</h1>
        <p className="mt-2 text-sm text-slate-600">{t("body")}</p>
        <ButtonLink href="/" className="mt-5" variant="secondary">
          {t("back")}
        </ButtonLink>
      </div>
    </main>
  );
}
