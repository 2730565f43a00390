/**
 * What a push changes in the NFS mounts of the singleuser pods: the profile data the target holds
 * now against the one the portal renders, per hub, course term and role, mount by mount. Shown
 * in the push preview, because a mount decides what a student's pod may read and write.
 */
import { t } from "@/lib/i18n/t";
import fs from "node:fs";
import path from "node:path";
import type { KubeObject, PushTarget } from "@/lib/cluster";
import { parseYamlBundle } from "@/lib/cluster";
import type { ProfileEntry } from "@/lib/render";

export interface MountChangeView {
  hub: string;
  /** `<course>+<role>+<course_id>`. */
  profile: string;
  change: "added" | "removed" | "changed";
  mountPath: string;
  before?: string;
  after?: string;
}

export interface MountChanges {
  changes: MountChangeView[];
  /** More changes than listed. */
  truncated: number;
  /** The target's current data could not be read: no comparison. */
  error?: string;
}

const PROFILE_PART = "profiles";
const LIMIT = 200;

type Mounts = Map<string, string>; // mountPath -> "subPath" or "subPath (read-only)"

function describe(m: { subPath: string; readOnly: boolean }): string {
  return `${m.subPath}${m.readOnly ? " (read-only)" : ""}`;
}

/** hub -> profile key -> mounts, from the profile shard ConfigMaps among `objects`. */
export function profileMounts(objects: readonly KubeObject[]): Map<string, Map<string, Mounts>> {
  const out = new Map<string, Map<string, Mounts>>();
  for (const o of objects) {
    if (o.kind !== "ConfigMap" || o.metadata.labels?.["e2x-portal/part"] !== PROFILE_PART) continue;
    const hub = o.metadata.labels?.["e2x-portal/hub"] ?? "?";
    const text = (o.data as Record<string, string> | undefined)?.["profiles.json"];
    if (!text) continue;
    let profiles: Record<string, ProfileEntry>;
    try {
      profiles = JSON.parse(text);
    } catch {
      continue;
    }
    const byKey = out.get(hub) ?? new Map<string, Mounts>();
    out.set(hub, byKey);
    for (const [key, entry] of Object.entries(profiles)) {
      const raw = entry.choice_override?.volume_mounts ?? {};
      const list = Array.isArray(raw) ? raw : Object.values(raw);
      byKey.set(key, new Map(list.map((m) => [m.mountPath, describe(m)])));
    }
  }
  return out;
}

/** Mount by mount, what differs between two profile data sets. */
export function diffMounts(before: Map<string, Map<string, Mounts>>, after: Map<string, Map<string, Mounts>>): MountChanges {
  const changes: MountChangeView[] = [];
  const hubs = [...new Set([...before.keys(), ...after.keys()])].sort();
  for (const hub of hubs) {
    const b = before.get(hub) ?? new Map<string, Mounts>();
    const a = after.get(hub) ?? new Map<string, Mounts>();
    for (const profile of [...new Set([...b.keys(), ...a.keys()])].sort()) {
      const mb = b.get(profile) ?? new Map<string, string>();
      const ma = a.get(profile) ?? new Map<string, string>();
      for (const mountPath of [...new Set([...mb.keys(), ...ma.keys()])].sort()) {
        const x = mb.get(mountPath);
        const y = ma.get(mountPath);
        if (x === y) continue;
        changes.push({ hub, profile, mountPath, change: x === undefined ? "added" : y === undefined ? "removed" : "changed", before: x, after: y });
      }
    }
  }
  return { changes: changes.slice(0, LIMIT), truncated: Math.max(0, changes.length - LIMIT) };
}

/** The profile shard ConfigMaps the target holds now in the hub namespaces. */
export async function liveProfileObjects(target: PushTarget, namespaces: readonly string[]): Promise<KubeObject[]> {
  const selector = encodeURIComponent(`app.kubernetes.io/managed-by=e2x-portal,e2x-portal/part=${PROFILE_PART}`);
  if (target.kind === "cluster") {
    const out: KubeObject[] = [];
    for (const ns of namespaces) {
      const r = await target.connection.request<{ items: KubeObject[] }>("GET", `/api/v1/namespaces/${encodeURIComponent(ns)}/configmaps?labelSelector=${selector}`);
      out.push(...(r.body?.items ?? []));
    }
    return out;
  }
  const out: KubeObject[] = [];
  for (const ns of namespaces) {
    const dir = path.join(target.dir, ns);
    if (!fs.existsSync(dir)) continue;
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(e.name)) out.push(...parseYamlBundle(fs.readFileSync(p, "utf8")));
      }
    };
    walk(dir);
  }
  return out;
}

/** The preview's mount changes; a target that cannot be read gives an error sentence, never a throw. */
export async function previewMountChanges(desired: readonly KubeObject[], target: PushTarget, namespaces: readonly string[]): Promise<MountChanges> {
  try {
    return diffMounts(profileMounts(await liveProfileObjects(target, namespaces)), profileMounts(desired));
  } catch (e) {
    return { changes: [], truncated: 0, error: t("pushErrors.mountsUnreadable", { detail: e instanceof Error ? e.message : String(e) }) };
  }
}
