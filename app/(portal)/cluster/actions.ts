"use server";
import { z } from "zod";
import { ActionError, defineAction } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { pushOutcomeView, recordPush } from "@/lib/deployment/history";
import { executePush, previewPush, PushBusyError } from "@/lib/deployment/push";
import { parseSettingsForm, saveSettings } from "@/lib/deployment/settings";
import type { PlanView, PushOutcomeView } from "@/lib/deployment/views";

const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean());
const optionalId = z.preprocess((v) => (v === "" || v == null ? undefined : v), z.coerce.number().int().positive().optional());

/** The dry run: what a push would change. Read-only, so it needs only `cluster.view`. */
export const previewPushAction = defineAction({
  schema: z.object({}),
  capability: "cluster.view",
  prepare: async () => previewPush(getDb()),
  run: (_input, _ctx, outcome): { message: string; data: PlanView } => {
    if (!outcome.ok) throw new ActionError(outcome.error);
    const s = outcome.plan.summary;
    const pending = s.create + s.change + s.prune + s.conflict + s.error;
    return {
      message: pending ? `Preview ready: ${s.create} to create, ${s.change} to change, ${s.prune} to prune${s.conflict ? `, ${s.conflict} in conflict` : ""}. Nothing has been written yet.` : "Everything is up to date: nothing to push.",
      data: outcome.plan,
    };
  },
});

export type ApplyData = { kind: "done"; outcome: PushOutcomeView } | { kind: "stale"; plan: PlanView };

/**
 * Renders the current data, plans again and applies, if the plan is still the one previewed
 * (otherwise returns the new plan). The outcome is stored, failed or not.
 */
export const applyPushAction = defineAction({
  schema: z.object({
    fingerprint: z.string().min(8, "Preview the changes first."),
    forceConflicts: checkbox,
    prune: checkbox,
    retryOf: optionalId,
  }),
  capability: "cluster.push",
  prepare: async (input) => {
    try {
      return await executePush(getDb(), {
        forceConflicts: input.forceConflicts,
        prune: input.prune,
        retryOf: input.retryOf ?? null,
        expectedFingerprint: input.fingerprint,
      });
    } catch (e) {
      if (e instanceof PushBusyError) throw new ActionError(e.message);
      throw e;
    }
  },
  run: (_input, ctx, executed): { message: string; data: ApplyData } => {
    if (executed.stale) {
      return {
        message: "The data or the cluster changed since your preview. Nothing was applied: check the new preview and apply again.",
        data: { kind: "stale", plan: executed.stale },
      };
    }
    const id = recordPush(ctx.tx, { id: ctx.principal.id, username: ctx.principal.username }, ctx.audit, executed);
    const outcome = pushOutcomeView(ctx.tx, id)!;
    return {
      message: outcome.status === "ok" ? `Push #${id} done: ${outcome.appliedCount} object${outcome.appliedCount === 1 ? "" : "s"} written.` : `Push #${id} failed: ${outcome.error ?? "see the objects below"}`,
      data: { kind: "done", outcome },
    };
  },
  revalidate: () => ["/cluster"],
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
