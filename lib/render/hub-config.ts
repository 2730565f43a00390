/**
 * The portal's ConfigMap in each hub namespace (`e2x-portal-hub`): the hub-side Python and the
 * hub settings, mounted by the chart's values (values.ts) and read by the hub when it starts.
 * Its digest is what the hub Deployment's pod template carries once the portal restarted the hub
 * for it (`e2x-portal/config-digest`).
 */
import { createHash } from "node:crypto";
import type { Hub, RenderModel } from "./model";
import { LABEL_PART, type KubeObject, hubLabels } from "./kube";
import { PYTHON_FILES, type PythonFile, readPythonFile } from "./python-files";
import { stableJson } from "./stable";
import { CONFIG_DIGEST_ANNOTATION, HUB_CONFIG_CONFIGMAP, HUB_SETTINGS_FILE, renderHubSettings } from "./values";

/** The label value (`e2x-portal/part`) of the hub ConfigMap: exam pushes leave it to cluster pushes. */
export const HUB_CONFIG_PART = "hub-config";

/** Digest of a hub ConfigMap's data: equal data, equal digest. */
export function hubConfigDigest(data: Record<string, string>): string {
  return createHash("sha256").update(stableJson(data)).digest("hex").slice(0, 16);
}

/** The modules a hub gets: all of them, the one-time-password sign-in only on the exam hub. */
export function hubPythonFiles(hub: Hub): PythonFile[] {
  return PYTHON_FILES.filter((f) => f !== "e2x_portal_exam.py" || hub.name === "exam");
}

export function renderHubConfigMap(model: RenderModel, hub: Hub): KubeObject {
  const data: Record<string, string> = {};
  for (const f of hubPythonFiles(hub)) data[f] = readPythonFile(f);
  data[HUB_SETTINGS_FILE] = JSON.stringify(renderHubSettings(model, hub), null, 2) + "\n";
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: HUB_CONFIG_CONFIGMAP,
      namespace: hub.namespace,
      labels: { ...hubLabels(hub.name), [LABEL_PART]: HUB_CONFIG_PART },
      annotations: { [CONFIG_DIGEST_ANNOTATION]: hubConfigDigest(data) },
    },
    data,
  };
}
