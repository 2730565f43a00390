"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { CheckCircle2, CircleHelp, Loader2, XCircle } from "lucide-react";
import Link from "next/link";
import { useId, useState } from "react";
import { useTranslations } from "next-intl";
import { useFmt } from "@/lib/i18n/use-fmt";
import { isHashcodeShaped, normalizeHashcode } from "@/lib/submissions/hashcode";
import type { LookupAnswer, LookupMatch } from "@/lib/grading/types";
import { StatusBadge } from "./badges";
import { getJson } from "./query-provider";


function MatchLine({ m, href }: { m: LookupMatch; href: (id: number) => string }) {
  const t = useTranslations("grading.hash");
  const f = useFmt();
  const source = (s: string) => (t.has(`source.${s}` as "source.recorded") ? t(`source.${s}` as "source.recorded") : s);
  return (
    <li className="flex flex-wrap items-center gap-2">
      <Link className="font-medium text-brand-700 underline" href={href(m.id)}>
        {m.student ?? "?"}
      </Link>
      <span className="text-slate-600">{m.assignment}</span>
      {m.submittedAt && <span className="text-slate-600 tabular-nums">{f.dateTimeSeconds(m.submittedAt)}</span>}
      <StatusBadge status={m.status} />
      {!m.counts && <span className="text-xs text-slate-600">{t("superseded")}</span>}
      {m.code && <code className="font-mono text-xs">{m.code}</code>}
      <span className="text-xs text-slate-600">{t("matches", { sources: f.list(m.matchedOn.map(source)) })}</span>
    </li>
  );
}

/** The grader types the code from the student's sheet; case, spaces and dashes do not matter. */
export function HashcodeCheck({ termId, assignment, submissionHref }: { termId: number; assignment?: string; submissionHref: string }) {
  const id = useId();
  const t = useTranslations("grading.hash");
  const [typed, setTyped] = useState("");
  const norm = normalizeHashcode(typed);
  const ready = isHashcodeShaped(typed);
  const { data, isFetching, error } = useQuery({
    queryKey: ["hashcode", termId, assignment ?? "", norm],
    queryFn: ({ signal }) => getJson<LookupAnswer>(`/api/terms/${termId}/grading/hashcode?code=${encodeURIComponent(norm)}${assignment ? `&assignment=${encodeURIComponent(assignment)}` : ""}`, signal),
    enabled: ready,
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
  const href = (sid: number) => `${submissionHref}/${sid}`;
  const answer = ready ? data : undefined;
  const tooLong = norm.length > 12 && norm.length !== 24;
  return (
    <div className="space-y-3">
      <div>
        <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-700">
          {t("label")}
        </label>
        <div className="relative max-w-md">
          <input
            id={id}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            placeholder="1A2B-3C4D-5E6F"
            autoComplete="off"
            spellCheck={false}
            inputMode="text"
            aria-describedby={`${id}-answer`}
            className="block w-full rounded-md border-0 px-3 py-2 font-mono text-base tracking-wider ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500"
          />
          {isFetching && <Loader2 className="absolute right-3 top-2.5 size-5 animate-spin text-slate-500" aria-hidden />}
        </div>
        <p className="mt-1 text-xs text-slate-600">{t("hint")}</p>
      </div>
      <div id={`${id}-answer`} aria-live="polite" data-testid="hashcode-answer">
        {typed.trim() !== "" && !ready && (
          <p className="text-sm text-slate-600">
            {tooLong || /[^0-9a-f]/.test(norm) ? t("notCode") : t("typed", { n: norm.length })}
          </p>
        )}
        {ready && error && <p className="text-sm text-red-700">{(error as Error).message}</p>}
        {answer && answer.answer === "verified" && (
          <div className="rounded-md bg-emerald-50 p-3 text-sm text-emerald-900 ring-1 ring-emerald-200">
            <p className="flex items-center gap-2 font-semibold">
              <CheckCircle2 className="size-5" aria-hidden /> {t("verified")}
            </p>
            <p className="mt-1">{t("verifiedBody")}</p>
            <ul className="mt-2 space-y-1">{answer.matches.map((m) => <MatchLine key={m.id} m={m} href={href} />)}</ul>
          </div>
        )}
        {answer && (answer.answer === "recorded-only" || answer.answer === "files-only") && (
          <div className="rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200">
            <p className="flex items-center gap-2 font-semibold">
              <CircleHelp className="size-5" aria-hidden /> {answer.answer === "recorded-only" ? t("recordedOnly") : t("filesOnly")}
            </p>
            <p className="mt-1">
              {answer.answer === "recorded-only"
                ? t("recordedOnlyBody")
                : t("filesOnlyBody")}
            </p>
            <ul className="mt-2 space-y-1">{answer.matches.map((m) => <MatchLine key={m.id} m={m} href={href} />)}</ul>
          </div>
        )}
        {answer && answer.answer === "no-match" && (
          <div className="rounded-md bg-red-50 p-3 text-sm text-red-900 ring-1 ring-red-200">
            <p className="flex items-center gap-2 font-semibold">
              <XCircle className="size-5" aria-hidden /> {t("noMatch")}
            </p>
            <p className="mt-1">{assignment ? t("noMatchOf", { assignment }) : t("noMatchBody")}</p>
            {answer.nearMatches.length > 0 && (
              <>
                <p className="mt-2">{t("nearMatches")}</p>
                <ul className="mt-1 space-y-1">{answer.nearMatches.map((m) => <MatchLine key={`${m.id}-${m.code}`} m={m} href={href} />)}</ul>
              </>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
