"use client";
import { AlertTriangle, RotateCcw } from "lucide-react";
import { useTranslations } from "next-intl";
import { Button, ButtonLink } from "@/components/ui/button";

/** Shown when a page fails unexpectedly; nothing was changed by a failed render. */
export default function PortalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useTranslations("pages.error");
  return (
    <div className="mx-auto max-w-lg py-16 text-center" role="alert">
      <AlertTriangle className="mx-auto size-10 text-amber-500" aria-hidden />
      <h1 className="mt-3 text-xl font-semibold text-slate-900">{t("title")}</h1>
      <p className="mt-2 text-sm text-slate-600">
        {t("body")}
      </p>
      {error.digest && <code className="mt-2 inline-block rounded bg-slate-100 px-2 py-1 text-xs text-slate-700">{error.digest}</code>}
      <div className="mt-6 flex justify-center gap-2">
        <Button type="button" onClick={reset}>
          <RotateCcw className="size-4" aria-hidden /> {t("retry")}
        </Button>
        <ButtonLink href="/" variant="secondary">
          {t("dashboard")}
        </ButtonLink>
      </div>
    </div>
  );
}
