"use client";
import { Check, Copy } from "lucide-react";
import { useState } from "react";
import { useTranslations } from "next-intl";

/** A command to copy: selectable text and a copy button. */
export function CopyText({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const t = useTranslations("hubValues");
  return (
    <div className="flex items-start gap-2 rounded-md bg-slate-900 px-3 py-2 text-slate-100">
      <code className="min-w-0 flex-1 break-all font-mono text-xs leading-5">{text}</code>
      <button
        type="button"
        className="shrink-0 rounded p-1 text-slate-300 hover:bg-slate-700 hover:text-white focus-visible:outline focus-visible:outline-2 focus-visible:outline-white"
        aria-label={copied ? t("copied") : label}
        title={copied ? t("copied") : label}
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(text);
            setCopied(true);
            setTimeout(() => setCopied(false), 2000);
          } catch {
            setCopied(false);
          }
        }}
      >
        {copied ? <Check className="size-4" aria-hidden /> : <Copy className="size-4" aria-hidden />}
      </button>
    </div>
  );
}
