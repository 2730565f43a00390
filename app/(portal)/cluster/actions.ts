"use server";
import { z } from "zod";
import { ActionError, defineAction } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { previewPush } from "@/lib/deployment/push";
import { parseSettingsForm, saveSettings } from "@/lib/deployment/settings";
import type { PlanView } from "@/lib/deployment/views";
import { t } from "@/lib/i18n/t";

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
        ? t("clusterActions.previewReady", { create: s.create, change: s.change, prune: s.prune, conflict: s.conflict, restarts })
        : restarts
          ? t("clusterActions.previewRestarts", { restarts })
          : t("clusterActions.upToDate"),
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
    if (!parsed.ok) throw new ActionError(t("clusterActions.correctFields"), parsed.fieldErrors);
    saveSettings(parsed.settings, ctx);
    return { message: t("clusterActions.settingsSaved") };
  },
  revalidate: () => ["/cluster"],
});
