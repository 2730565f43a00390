import { useTranslations } from "next-intl";
import { useFmt } from "@/lib/i18n/use-fmt";
import type { ChangeSummaryView } from "@/lib/deployment/views";
import { hubWideSentence, termChanges, termLabel, termSentence, type WordsT } from "./change-words";

/** The push preview in plain words: per course and term, then what changes hub-wide. */
export function PushWords({ value }: { value: ChangeSummaryView }) {
  const t = useTranslations("pushWords") as unknown as WordsT;
  const f = useFmt();
  const changed = value.terms.filter(termChanges);
  const unchanged = value.terms.length - changed.length;
  return (
    <section aria-labelledby="push-words-title" className="rounded-md border border-slate-200 bg-white p-4" data-testid="push-words">
      <h2 id="push-words-title" className="text-base font-semibold text-slate-900">
        {t("title")}
      </h2>
      <p className="text-sm text-slate-600">{t("intro")}</p>
      {changed.length > 0 ? (
        <ul className="mt-3 space-y-2 text-sm">
          {changed.map((c) => (
            <li key={termLabel(c)} data-testid="term-change" data-term={termLabel(c)} className="break-words">
              <span className="font-semibold text-slate-900">{termLabel(c)}</span>
              {c.title && <span className="text-slate-600"> ({c.title})</span>}: <span className="text-slate-800">{termSentence(t, f, c)}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="mt-3 text-sm text-slate-700">{t("noTermChanges")}</p>
      )}
      {changed.length > 0 && unchanged > 0 && <p className="mt-2 text-xs text-slate-600">{t("unchangedTerms", { count: unchanged })}</p>}
      {value.hubWide.length > 0 && (
        <>
          <h3 className="mt-4 text-sm font-semibold text-slate-800">{t("hubWide")}</h3>
          <ul className="mt-1 list-disc space-y-1 pl-5 text-sm text-slate-800" data-testid="hub-wide-changes">
            {value.hubWide.map((h) => (
              <li key={`${h.hub}-${h.part}-${h.action}`} title={h.names.join("\n")}>
                {hubWideSentence(t, h)}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
