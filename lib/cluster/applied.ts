/** What to remember after a push: per object, the digest sent and the resourceVersion got back. */
import { refKey } from "./diff";
import type { AppliedState, PushResult } from "./types";

/**
 * The changes a push makes to the remembered state (`lastApplied`): objects written or found
 * unchanged are remembered with the resourceVersion they have now; pruned, failed and
 * conflicting ones are forgotten (the next plan compares them in full); skipped ones keep
 * whatever was remembered.
 */
export function appliedStateChanges(result: PushResult): { remember: Map<string, AppliedState>; forget: string[] } {
  const remember = new Map<string, AppliedState>();
  const forget: string[] = [];
  if (result.target !== "cluster") return { remember, forget };
  for (const it of result.items) {
    const key = refKey(it.ref);
    if ((it.action === "created" || it.action === "configured" || it.action === "unchanged") && it.digest && it.resourceVersion) {
      remember.set(key, { digest: it.digest, resourceVersion: it.resourceVersion, ...(it.uid ? { uid: it.uid } : {}) });
    } else if (it.action !== "skipped") forget.push(key);
  }
  return { remember, forget };
}
