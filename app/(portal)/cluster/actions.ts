"use server";
import { z } from "zod";
import { ActionError, defineAction } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { previewPush } from "@/lib/deployment/push";
import { parseSettingsForm, saveSettings } from "@/lib/deployment/settings";
import type { PlanView } from "@/lib/deployment/views";

// Applying a previewed plan streams its progress: POST /api/cluster/push.

/** The dry run: what a push would change. Read-only, so it needs only `cluster.view`. */
export const previewPushAction = defineAction({
  schema: z.object({}),
  capability: "cluster.view",
  prepare: async () => previewPush(getDb()),
  run: (_input, _ctx, outcome): { message: string; data: PlanView } => {
    if (!outcome.ok) throw new ActionError(outcome.error);
    const s = outcome.plan.summary;
    const pending = s.create + s.change + s.prune + s.conflict + s.error;
    const restarts = outcome.plan.hubRestarts?.filter((r) => r.restart).length ?? 0;
    return {
      message: pending
        ? `Preview ready: ${s.create} to create, ${s.change} to change, ${s.prune} to prune${s.conflict ? `, ${s.conflict} in conflict` : ""}${restarts ? `, ${restarts} hub restart${restarts === 1 ? "" : "s"}` : ""}. Nothing has been written yet.`
        : restarts
          ? `Preview ready: the objects are up to date, ${restarts} hub restart${restarts === 1 ? "" : "s"} pending. Nothing has been written yet.`
          : "Everything is up to date: nothing to push.",
      data: outcome.plan,
    };
  },
});

/** The settings card: hub namespaces, NFS, LDAP and exam network. */
export const saveSettingsAction = defineAction({
  schema: z.record(z.string(), z.unknown()),
  capability: "cluster.push",
  run: (form, ctx) => {
    const parsed = parseSettingsForm(form);
    if (!parsed.ok) throw new ActionError("Please correct the marked fields.", parsed.fieldErrors);
    saveSettings(parsed.settings, ctx);
    return { message: "Settings saved. Preview and push to bring them to the cluster." };
  },
  revalidate: () => ["/cluster"],
});
