/**
 * The cluster page's data in one load: the portal rendered once, the target connected once
 * (status, access review and drift share the connection, which closes when both are done).
 * The slow parts come as promises, so the page streams them in.
 */
import { t as tr } from "@/lib/i18n/t";
import { CONFIGMAP_LIMIT_BYTES } from "@/lib/render";
import { HUBS } from "@/lib/constants";
import type { PushTarget } from "@/lib/cluster";
import type { DbOrTx } from "@/lib/db/client";
import { listPushes } from "./history";
import { hubAccessNotes } from "./hub-access";
import { hubDrift } from "./hub-drift";
import { hubNamespaces, type PortalRender } from "./model";
import { ACCESS_METHOD, accessView, targetView, usable } from "./overview";
import { closeTarget, previewRendered, safeResolveTarget, tryRender } from "./push";
import { errorInfoOf, explainClusterError } from "./errors";
import { getSettings, settingsToForm } from "./settings";
import type { AccessView, ClusterPageView, DriftView, HistoryView, HubValuesView, RenderView } from "./views";

const HISTORY_PAGE_SIZE = 15;

export interface ClusterPageOptions {
  /** Page of the push history (1-based). */
  page?: number;
  /** Where pushes go; resolveTarget() when omitted (then the loader closes it). */
  target?: PushTarget;
}

export async function loadClusterPage(db: DbOrTx, { page = 1, target: given }: ClusterPageOptions = {}): Promise<ClusterPageView> {
  const stored = getSettings(db);
  const namespaces = hubNamespaces(stored.settings);
  const r = tryRender(db);
  const resolved = given ? { target: given } : safeResolveTarget();
  const { view: target, status } = await targetView(resolved);

  let access: Promise<AccessView> | null = null;
  let drift: Promise<DriftView> | null = null;
  let hubValues: Promise<HubValuesView> | null = null;
  if ("target" in resolved) {
    const t = resolved.target;
    if (t.kind === "cluster") {
      access = status && usable(status) ? accessView(t.connection, namespaces) : Promise.resolve({ matrix: null, method: ACCESS_METHOD });
    }
    if ("rendered" in r) {
      const unusable = status && !usable(status);
      drift = unusable ? Promise.resolve({ ok: false, error: target.problem ?? tr("pushErrors.cannotAsk") }) : previewRendered(db, r.rendered, t).then(driftOf);
      hubValues = unusable ? Promise.resolve({ ok: false, error: target.problem ?? tr("pushErrors.cannotAsk") }) : hubValuesOf(db, r.rendered, t);
    }
    if (!given) void Promise.allSettled([access, drift, hubValues]).then(() => closeTarget(t));
  } else if ("rendered" in r) {
    drift = Promise.resolve({ ok: false, error: target.problem ?? tr("pushErrors.noTarget") });
    hubValues = Promise.resolve({ ok: false, error: target.problem ?? tr("pushErrors.noTarget") });
  }

  return {
    target,
    hubs: HUBS.map((hub) => ({ hub, namespace: stored.settings.hubs[hub].namespace, releaseName: stored.settings.hubs[hub].releaseName, host: stored.settings.hubs[hub].host })),
    hubAccess: "rendered" in r ? hubAccessNotes(r.rendered) : null,
    hubValues,
    access,
    render: "rendered" in r ? renderView(r.rendered) : { error: r.error, counts: { courses: 0, terms: 0, students: 0, staff: 0 }, objects: 0, hubs: [], configMaps: [], warnings: [] },
    drift,
    settings: { saved: stored.saved, updatedAt: stored.updatedAt, placeholders: stored.placeholders, form: settingsToForm(stored.settings) },
    history: historyView(db, page),
  };
}

function driftOf(p: Awaited<ReturnType<typeof previewRendered>>): DriftView {
  if (!p.ok) return { ok: false, error: p.error };
  const s = p.plan.summary;
  return { ok: true, summary: s, items: p.plan.items, drift: s.create + s.change + s.prune + s.conflict + s.error };
}

async function hubValuesOf(db: DbOrTx, rendered: PortalRender, t: PushTarget): Promise<HubValuesView> {
  try {
    return { ok: true, drift: await hubDrift(db, rendered, t) };
  } catch (e) {
    return { ok: false, error: explainClusterError(errorInfoOf(e)) };
  }
}

function renderView(r: PortalRender): RenderView {
  return {
    counts: r.counts,
    objects: r.render.stats.objects,
    hubs: HUBS.map((hub) => {
      const s = r.render.stats.profiles[hub];
      return { hub, namespace: r.settings.hubs[hub].namespace, users: s?.users ?? 0, profiles: s?.profiles ?? 0, configMaps: s?.configMaps ?? 0 };
    }),
    configMaps: HUBS.flatMap((hub) =>
      Object.entries(r.render.stats.profiles[hub]?.bytesByConfigMap ?? {}).map(([name, bytes]) => ({
        namespace: r.settings.hubs[hub].namespace,
        name,
        bytes,
        percent: (bytes / CONFIGMAP_LIMIT_BYTES) * 100,
      })),
    ),
    warnings: r.warnings,
  };
}

function historyView(db: DbOrTx, page: number): HistoryView {
  const h = listPushes(db, { page, pageSize: HISTORY_PAGE_SIZE });
  return {
    page: h.page,
    pages: Math.max(1, Math.ceil(h.total / h.pageSize)),
    total: h.total,
    rows: h.rows.map((p) => ({
      id: p.id,
      retryOf: p.retryOf,
      startedAt: p.startedAt,
      actorName: p.actorName,
      target: p.target,
      location: p.location,
      status: p.status,
      created: p.planCounts.create,
      changed: p.planCounts.change,
      pruned: p.resultCounts.pruned ?? 0,
      written: p.appliedCount,
    })),
  };
}
