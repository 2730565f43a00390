import { ShieldAlert } from "lucide-react";
import { getTranslations } from "next-intl/server";
import { ButtonLink } from "@/components/ui/button";

/**
 * The "not found" and "no access" pages. Outside the portal they are the whole page (`main`,
 * centred on the screen); inside it they sit in the portal's own `main`, beside its navigation.
 */
export async function StatusPage({ kind, inPortal }: { kind: "notFound" | "forbidden"; inPortal: boolean }) {
  const t = await getTranslations(`pages.${kind}`);
  const Tag = inPortal ? "section" : "main";
  return (
    <Tag className={inPortal ? "flex justify-center px-4 py-16" : "flex min-h-screen items-center justify-center px-4"} aria-labelledby="status-title">
      <div className="max-w-md text-center">
        {kind === "notFound" ? <p className="text-sm font-semibold text-brand-600">404</p> : <ShieldAlert className="mx-auto size-10 text-amber-500" aria-hidden />}
        <h1 id="status-title" className={kind === "notFound" ? "mt-1 text-xl font-semibold text-slate-900" : "mt-3 text-xl font-semibold text-slate-900"}>
          {t("title")}
        </h1>
        <p className="mt-2 text-sm text-slate-600">{t("body")}</p>
        <ButtonLink href="/" className="mt-5" variant="secondary">
          {t("back")}
        </ButtonLink>
      </div>
    </Tag>
  );
}
