/**
 * The push preview's plain-words sentences, from the plan's summary (lib/deployment/change-summary.ts).
 * Pure functions of a translator of the `pushWords` catalogue section and a formatter, so the
 * preview and its tests word a plan the same way.
 */
import type { Formatter } from "@/lib/i18n/format";
import type { ChangeSummaryView, HubPartView, TermChangeView, TermFieldView, TermHubChangeView } from "@/lib/deployment/views";

export type WordsT = (key: string, values?: Record<string, string | number>) => string;

function value(f: Formatter, field: TermFieldView["field"], v: string | number | undefined): string {
  if (v === undefined) return "—";
  if (typeof v === "string") return v;
  return field === "memGuarantee" || field === "memLimit" ? f.bytes(v) : f.number(v, 3);
}

function fieldPhrases(t: WordsT, f: Formatter, h: TermHubChangeView): string[] {
  const out = h.fields.map((c) => t(`field.${c.field}`, { before: value(f, c.field, c.before), after: value(f, c.field, c.after) }));
  if (h.mounts) out.push(t("field.mounts"));
  return out;
}

function memberPhrases(t: WordsT, h: TermHubChangeView): string[] {
  return h.members.map((m) =>
    m.listChanged ? t(`members.${m.role}.list`, { count: m.after }) : m.after > m.before ? t(`members.${m.role}.added`, { count: m.after - m.before }) : t(`members.${m.role}.removed`, { count: m.before - m.after }),
  );
}

/** A term changes when one of its hubs does. */
export function termChanges(c: TermChangeView): boolean {
  return c.hubs.some((h) => h.state !== "unchanged");
}

/** "mathe1 WS25". */
export function termLabel(c: Pick<TermChangeView, "course" | "term">): string {
  return `${c.course} ${c.term}`;
}

/**
 * What the push changes for one course term, e.g. "300 Studierende hinzugefügt auf dem
 * Übungs-Hub; Prüfungs-Hub unverändert; CPU-Limit 1 → 2"; null when nothing changes. Changes of
 * image, resources and mounts that are the same on every changed hub are said once, at the end.
 */
export function termSentence(t: WordsT, f: Formatter, c: TermChangeView): string | null {
  if (!termChanges(c)) return null;
  const changed = c.hubs.filter((h) => h.state === "changed");
  const perHub = new Map(changed.map((h) => [h.hub, fieldPhrases(t, f, h)]));
  const first = changed.length ? perHub.get(changed[0].hub)!.join("\u0000") : "";
  const shared = changed.length > 0 && first !== "" && changed.every((h) => perHub.get(h.hub)!.join("\u0000") === first);
  const segments: string[] = [];
  for (const h of c.hubs) {
    const at = t(`hubAt.${h.hub}`);
    switch (h.state) {
      case "unchanged":
        segments.push(t("unchanged", { hub: t(`hubName.${h.hub}`) }));
        break;
      case "unknown":
        segments.push(t("unknown", { hub: t(`hubName.${h.hub}`) }));
        break;
      case "removed":
        segments.push(t("withdrawnPlain", { hub: t(`hubFrom.${h.hub}`) }));
        break;
      case "added": {
        const all = h.members.map((m) => t(`members.${m.role}.all`, { count: m.after }));
        segments.push(all.length ? `${t("offered", { hub: at })}: ${all.join(", ")}` : t("offered", { hub: at }));
        break;
      }
      case "changed": {
        const parts = [...memberPhrases(t, h), ...(shared ? [] : perHub.get(h.hub)!)];
        if (parts.length) segments.push(t("at", { what: parts.join(", "), hub: at }));
        else if (!shared) segments.push(t("changedNoDetail", { hub: at }));
        break;
      }
    }
  }
  if (shared) segments.push(perHub.get(changed[0].hub)!.join(", "));
  return segments.join("; ");
}

/** "Netzwerkregeln des Prüfungs-Hubs geändert". */
export function hubWideSentence(t: WordsT, h: HubPartView): string {
  return `${t(`part.${h.part}`, { hub: t(`hubOf.${h.hub ?? "none"}`) })} ${t(`action.${h.action}`)}`;
}

/** What pruning deletes, one line per hub and part. */
export function deleteSentence(t: WordsT, h: HubPartView): string {
  const hub = t(`hubOf.${h.hub ?? "none"}`);
  if (h.part === "profiles") return t("deleteProfiles", { count: h.count, hub });
  const names = h.names.join(", ") + (h.count > h.names.length ? " …" : "");
  return t("deleteOther", { what: t(`part.${h.part}`, { hub }), count: h.count, names });
}

/** Every sentence of a summary, in the order the preview shows them (for tests and the confirmation). */
export function summarySentences(t: WordsT, f: Formatter, s: ChangeSummaryView): { terms: string[]; hubWide: string[]; deletes: string[] } {
  return {
    terms: s.terms.flatMap((c) => {
      const w = termSentence(t, f, c);
      return w ? [`${termLabel(c)}: ${w}`] : [];
    }),
    hubWide: s.hubWide.map((h) => hubWideSentence(t, h)),
    deletes: s.deletes.map((h) => deleteSentence(t, h)),
  };
}
