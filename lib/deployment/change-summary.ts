/**
 * The push preview in plain words: per course term and hub what the push changes (members per
 * role, image, resources, mounts), the hub-wide changes (network rules, hub configuration,
 * access rights, the password Secret), and what pruning would delete.
 *
 * Nothing here compares objects again: the words come from the plan's own field diff of each
 * hub's profile index, whose `term.<course>.<term>` keys summarize every course term
 * (lib/render/profiles.ts `termSummaries`), and from the plan items' kinds and actions. The render
 * model adds the course titles and which hubs a term is offered on (to say "unchanged").
 */
import { HUB_CONFIG_CONFIGMAP, indexConfigMapName, LABEL_HUB, LABEL_PART, TERM_SUMMARY_PREFIX, TERM_SUMMARY_VERSION_KEY, type RenderModelInput, type TermSummary } from "@/lib/render";
import type { PlanItem } from "@/lib/cluster";
import { HUBS, type HubName, type ProfileRole } from "@/lib/constants";
import type { ChangeSummaryView, HubPartView, TermChangeView, TermFieldView, TermHubChangeView } from "./views";

const FIELDS = [
  ["image", "image"],
  ["cpu_guarantee", "cpuGuarantee"],
  ["cpu_limit", "cpuLimit"],
  ["mem_guarantee", "memGuarantee"],
  ["mem_limit", "memLimit"],
] as const satisfies readonly (readonly [keyof TermSummary, TermFieldView["field"]])[];

const ROLE_ORDER: ProfileRole[] = ["student", "grader", "instructor"];

/** `data["term.mathe1.WS25"]` -> `term.mathe1.WS25`; other paths -> null. */
function dataKey(path: string): string | null {
  const m = /^data\["(.+)"\]$/.exec(path) ?? /^data\.(.+)$/.exec(path);
  return m ? m[1] : null;
}

function parseSummary(v: unknown): TermSummary | null | "unreadable" {
  if (v === undefined) return null;
  if (typeof v !== "string") return "unreadable";
  try {
    const s = JSON.parse(v) as TermSummary;
    return s && typeof s.course === "string" && typeof s.term === "string" ? s : "unreadable";
  } catch {
    return "unreadable";
  }
}

/** What an object is for people: the hub it belongs to and which part of the hub. */
function partOf(it: PlanItem, hubOfNamespace: Map<string, HubName[]>): { hub: HubName | null; part: HubPartView["part"] } {
  const label = it.desired?.metadata?.labels?.[LABEL_HUB] as HubName | undefined;
  const name = it.ref.name;
  const candidates = hubOfNamespace.get(it.ref.namespace ?? "") ?? [];
  const byName = HUBS.find((h) => name === indexConfigMapName(h) || name.startsWith(`${indexConfigMapName(h)}-`));
  const hub = label && HUBS.includes(label) ? label : (byName ?? (candidates.length === 1 ? candidates[0] : (candidates[0] ?? null)));
  const kind = it.ref.kind;
  if (kind === "NetworkPolicy") return { hub, part: "network" };
  if (kind === "Role" || kind === "RoleBinding" || kind === "ServiceAccount") return { hub, part: "access" };
  if (kind === "Secret") return { hub, part: "passwords" };
  if (kind === "Namespace") return { hub: null, part: "namespace" };
  if (kind === "ConfigMap") {
    if (name === HUB_CONFIG_CONFIGMAP) return { hub, part: "config" };
    const p = it.desired?.metadata?.labels?.[LABEL_PART];
    if (p === "index" || (byName && name === indexConfigMapName(byName))) return { hub, part: "index" };
    if (p === "users" || p === "profiles" || byName) return { hub, part: "profiles" };
  }
  return { hub, part: "other" };
}

/**
 * The plain-words summary of a plan. `model` is the render model the plan was made from (course
 * titles, the hubs of each term); `namespaces` maps each hub to its namespace.
 */
export function changeSummary(items: readonly PlanItem[], model: Pick<RenderModelInput, "courses" | "terms">, namespaces: Record<HubName, string>): ChangeSummaryView {
  const hubOfNamespace = new Map<string, HubName[]>();
  for (const h of HUBS) hubOfNamespace.set(namespaces[h], [...(hubOfNamespace.get(namespaces[h]) ?? []), h]);

  const terms = new Map<string, TermChangeView>();
  const termOf = (course: string, term: string): TermChangeView => {
    const k = `${course}\u0000${term}`;
    let v = terms.get(k);
    if (!v) {
      const title = model.courses.find((c) => c.code === course)?.title ?? null;
      const offered = model.terms.find((t) => t.courseCode === course && t.id === term)?.hubs ?? [];
      v = { course, term, title, hubs: HUBS.filter((h) => offered.includes(h)).map((hub) => ({ hub, state: "unchanged", members: [], fields: [], mounts: false })) };
      terms.set(k, v);
    }
    return v;
  };
  const hubEntry = (t: TermChangeView, hub: HubName): TermHubChangeView => {
    let e = t.hubs.find((h) => h.hub === hub);
    if (!e) {
      e = { hub, state: "unchanged", members: [], fields: [], mounts: false };
      t.hubs.push(e);
      t.hubs.sort((a, b) => HUBS.indexOf(a.hub) - HUBS.indexOf(b.hub));
    }
    return e;
  };
  for (const t of model.terms) termOf(t.courseCode, t.id);

  const hubWide = new Map<string, HubPartView>();
  const deletes = new Map<string, HubPartView>();
  const add = (into: Map<string, HubPartView>, hub: HubName | null, part: HubPartView["part"], action: HubPartView["action"], name: string) => {
    const k = `${hub}\u0000${part}\u0000${action}`;
    const v = into.get(k) ?? { hub, part, action, count: 0, names: [] };
    v.count++;
    if (v.names.length < 20) v.names.push(name);
    into.set(k, v);
  };
  const firstSummary: HubName[] = [];

  for (const it of items) {
    const { hub, part } = partOf(it, hubOfNamespace);
    const label = `${it.ref.kind} ${it.ref.namespace ? `${it.ref.namespace}/` : ""}${it.ref.name}`;
    if (it.action === "prune") add(deletes, hub, part, "prune", label);
    if (it.action === "unchanged" || part === "profiles") continue;
    if (part !== "index" || !hub) {
      if (it.action !== "prune") add(hubWide, hub, part, it.action, label);
      continue;
    }
    if (it.action === "prune") {
      add(hubWide, hub, "index", "prune", label);
      continue;
    }
    if (it.action === "conflict" || it.action === "error") {
      add(hubWide, hub, "index", it.action, label);
      continue;
    }
    // the hub's profile index: per term, before and after
    const pairs: { key: string; before: unknown; after: unknown; truncated: boolean }[] = [];
    if (it.action === "create") {
      for (const [key, value] of Object.entries((it.desired?.data as Record<string, string> | undefined) ?? {})) pairs.push({ key, before: undefined, after: value, truncated: false });
    } else {
      for (const c of it.changes ?? []) {
        const key = dataKey(c.path);
        if (key) pairs.push({ key, before: c.before, after: c.after, truncated: !!c.truncated });
      }
    }
    const unknownBefore = it.action === "change" && pairs.some((p) => p.key === TERM_SUMMARY_VERSION_KEY && p.before === undefined);
    if (unknownBefore) firstSummary.push(hub);
    for (const p of pairs) {
      if (!p.key.startsWith(TERM_SUMMARY_PREFIX)) continue;
      const before = p.truncated ? "unreadable" : parseSummary(p.before);
      const after = p.truncated ? "unreadable" : parseSummary(p.after);
      const known = (after !== "unreadable" && after) || (before !== "unreadable" && before);
      const [course, term] = known ? [known.course, known.term] : p.key.slice(TERM_SUMMARY_PREFIX.length).split(".");
      if (!course || !term) continue;
      const e = hubEntry(termOf(course, term), hub);
      if (before === "unreadable" || after === "unreadable" || (unknownBefore && before === null)) {
        e.state = "unknown";
        continue;
      }
      e.state = before === null ? "added" : after === null ? "removed" : "changed";
      const b = before ?? ({ members: {}, lists: {} } as Partial<TermSummary>);
      const a = after ?? ({ members: {}, lists: {} } as Partial<TermSummary>);
      for (const role of ROLE_ORDER) {
        const nb = b.members?.[role] ?? 0;
        const na = a.members?.[role] ?? 0;
        const listChanged = (b.lists?.[role] ?? null) !== (a.lists?.[role] ?? null);
        if (nb !== na || listChanged) e.members.push({ role, before: nb, after: na, listChanged: nb === na && listChanged });
      }
      if (before && after) {
        for (const [k, field] of FIELDS) {
          if (before[k] !== after[k]) e.fields.push({ field, before: before[k] as string | number | undefined, after: after[k] as string | number | undefined });
        }
        e.mounts = before.mounts !== after.mounts;
      }
    }
  }

  const order = (a: HubPartView, b: HubPartView) => (a.hub === null ? -1 : HUBS.indexOf(a.hub)) - (b.hub === null ? -1 : HUBS.indexOf(b.hub)) || a.part.localeCompare(b.part);
  return {
    terms: [...terms.values()].sort((a, b) => a.course.localeCompare(b.course) || a.term.localeCompare(b.term)),
    hubWide: [...hubWide.values()].sort(order),
    deletes: [...deletes.values()].sort(order),
    firstSummary,
  };
}
