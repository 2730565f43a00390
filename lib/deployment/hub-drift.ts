/**
 * Drift of the chart values: what Helm installed on each hub against what the portal renders now.
 *
 * The values carry their digest as the hub pod annotation `e2x-portal/values-digest`
 * (`hub.annotations`); the live hub Deployment's pod template shows which values Helm installed.
 * The portal keeps the values it rendered, a row per change (`hub_values_versions`), so it can
 * say since when the installed ones are out of date and what changed. Only Helm changes these
 * values; everything else the portal pushes itself (the Cluster page lists which is which).
 */
import { and, asc, desc, eq, gt, lt } from "drizzle-orm";
import { readHubDeployment, type PushTarget } from "@/lib/cluster";
import type { DbOrTx } from "@/lib/db/client";
import { hubValuesVersions } from "@/lib/db/schema";
import { HUB_NAMES, VALUES_DIGEST_ANNOTATION, Z2JH_CHART_REPO, Z2JH_CHART_VERSION, valuesDigest, type HubName, type HubValues } from "@/lib/render";
import { errorInfoOf, explainClusterError } from "./errors";
import type { PortalRender } from "./model";
import type { HubDriftView } from "./views";

/** Rows kept per hub (older ones are dropped). */
const KEEP_VERSIONS = 100;

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Top-level value paths (two levels deep) that differ. */
function changedPaths(a: unknown, b: unknown, prefix = "", depth = 0): string[] {
  if (same(a, b)) return [];
  if (depth < 2 && a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => changedPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k, depth + 1));
  }
  return [prefix];
}

/** What changed between the installed values and the current ones, in plain words. */
export function describeValuesChange(installed: HubValues, current: HubValues): string[] {
  const paths = changedPaths(installed, current).filter((p) => p !== "hub.annotations");
  const out: string[] = [];
  const take = (pred: (p: string) => boolean, words: string) => {
    const hit = paths.filter(pred);
    if (!hit.length) return;
    out.push(words);
    for (const p of hit) paths.splice(paths.indexOf(p), 1);
  };
  take((p) => p.startsWith("prePuller") || p === "singleuser.image", "the term images changed");
  take((p) => p === "proxy.service", "the proxy Service changed (type, NodePort or source ranges)");
  take((p) => p.startsWith("ingress"), "the ingress changed");
  take((p) => p.endsWith("networkPolicy") || p === "proxy.chp", "the chart's NetworkPolicies changed");
  take((p) => p === "hub.extraVolumes" || p === "hub.extraVolumeMounts", "how the hub mounts the portal's configuration changed");
  take((p) => p === "hub.extraEnv", "the hub's environment changed (the LDAP bind password Secret reference)");
  take((p) => p === "hub.baseUrl", "the hub's base URL changed");
  take((p) => p.startsWith("singleuser."), "the defaults for new servers changed");
  if (paths.length) out.push(`other chart values changed (${paths.join(", ")})`);
  return out;
}

/**
 * Remembers the values each hub renders now, a row when they differ from the last one. Cheap and
 * idempotent: called wherever the portal renders values for people (cluster page, download, push).
 */
export function recordValuesVersions(db: DbOrTx, values: Partial<Record<HubName, HubValues>>, now = new Date()): void {
  for (const hub of HUB_NAMES) {
    const v = values[hub];
    if (!v) continue;
    const digest = valuesDigest(v);
    const last = db.select({ id: hubValuesVersions.id, digest: hubValuesVersions.digest }).from(hubValuesVersions).where(eq(hubValuesVersions.hub, hub)).orderBy(desc(hubValuesVersions.id)).limit(1).get();
    if (last?.digest === digest) continue;
    db.insert(hubValuesVersions).values({ hub, digest, values: v, renderedAt: now }).run();
    const keep = db.select({ id: hubValuesVersions.id }).from(hubValuesVersions).where(eq(hubValuesVersions.hub, hub)).orderBy(desc(hubValuesVersions.id)).limit(1).offset(KEEP_VERSIONS - 1).get();
    if (keep) db.delete(hubValuesVersions).where(and(eq(hubValuesVersions.hub, hub), lt(hubValuesVersions.id, keep.id))).run();
  }
}

/** Since when the installed values (by digest) are out of date, and the values they were. */
function installedHistory(db: DbOrTx, hub: HubName, installedDigest: string): { since: Date | null; installed: HubValues | null } {
  const row = db
    .select()
    .from(hubValuesVersions)
    .where(and(eq(hubValuesVersions.hub, hub), eq(hubValuesVersions.digest, installedDigest)))
    .orderBy(desc(hubValuesVersions.id))
    .limit(1)
    .get();
  if (!row) return { since: null, installed: null };
  const next = db
    .select({ renderedAt: hubValuesVersions.renderedAt })
    .from(hubValuesVersions)
    .where(and(eq(hubValuesVersions.hub, hub), gt(hubValuesVersions.id, row.id)))
    .orderBy(asc(hubValuesVersions.id))
    .limit(1)
    .get();
  return { since: next?.renderedAt ?? null, installed: row.values };
}

export function helmCommand(release: string, namespace: string, hub: HubName, installed: boolean): string {
  return `helm upgrade${installed ? "" : " --install"} ${release} jupyterhub --repo ${Z2JH_CHART_REPO} --version ${Z2JH_CHART_VERSION} --namespace ${namespace} --values values-${hub}.yaml`;
}

/** The drift of every hub's chart values. Records the current values first. */
export async function hubDrift(db: DbOrTx, rendered: PortalRender, target: PushTarget): Promise<HubDriftView[]> {
  recordValuesVersions(db, rendered.render.values);
  // the hubs one beside the other (one round trip for the page, not three)
  const one = async (hub: HubName): Promise<HubDriftView | null> => {
    const values = rendered.render.values[hub];
    if (!values) return null;
    const { namespace, releaseName } = rendered.settings.hubs[hub];
    const currentDigest = valuesDigest(values);
    const base: HubDriftView = {
      hub,
      namespace,
      release: releaseName,
      state: "unknown",
      currentDigest,
      installedDigest: null,
      since: null,
      reasons: [],
      helmCommand: helmCommand(releaseName, namespace, hub, true),
    };
    if (target.kind === "export") {
      return { ...base, state: "export", helmCommand: helmCommand(releaseName, namespace, hub, false) };
    }
    let deployment;
    try {
      deployment = await readHubDeployment(target.connection, namespace);
    } catch (e) {
      return { ...base, error: explainClusterError(errorInfoOf(e)) };
    }
    if (!deployment) {
      return { ...base, state: "not-installed", helmCommand: helmCommand(releaseName, namespace, hub, false) };
    }
    const installedDigest = deployment.templateAnnotations[VALUES_DIGEST_ANNOTATION] ?? null;
    if (!installedDigest) {
      return { ...base, state: "no-digest", since: deployment.createdAt ?? null };
    }
    if (installedDigest === currentDigest) {
      return { ...base, state: "up-to-date", installedDigest };
    }
    const { since, installed } = installedHistory(db, hub, installedDigest);
    return {
      ...base,
      state: "out-of-date",
      installedDigest,
      since: since?.toISOString() ?? null,
      reasons: installed ? describeValuesChange(installed, values) : [],
      known: installed !== null,
    };
  };
  return (await Promise.all(HUB_NAMES.map(one))).filter((v) => v !== null);
}
