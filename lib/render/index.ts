/**
 * lib/render: pure, deterministic functions from portal data to Kubernetes objects and
 * Z2JH values. Same model in, byte-identical output out.
 */
import { type HubName, type RenderModel, HUB_NAMES, parseRenderModel } from "./model";
import { type KubeObject, kindRank } from "./kube";
import { renderNetworkPolicies } from "./netpol";
import {
  DEFAULT_SHARD_BUDGET_BYTES,
  type ProfileConfigMapStats,
  buildHubProfileData,
  renderProfileConfigMaps,
} from "./profiles";
import { renderHubRbac } from "./rbac";
import { buildExamProfileData, renderExamPasswordSecret, type ExamSecretStats } from "./exam";
import { sortKeys } from "./stable";
import { type HubSettings, type HubValues, renderHubSettings, renderHubValues, valuesToYaml } from "./values";
import { renderHubConfigMap } from "./hub-config";

export * from "./model";
export * from "./exam-model";
export {
  EXAM_AUTHENTICATOR,
  EXAM_PASSWORDS_KEY,
  EXAM_PASSWORDS_SECRET,
  EXAM_STATE_FILE,
  type ExamSecretStats,
  buildExamProfileData,
  examHubAccepting,
  examPasswordsJson,
  examProfileKey,
  renderExamPasswordSecret,
} from "./exam";
export * from "./kube";
export { fnv1a32, shardOf } from "./hash";
export { cpuToCores, memToBytes } from "./quantity";
export { stableJson, sortKeys } from "./stable";
export {
  CONFIGMAP_LIMIT_BYTES,
  DEFAULT_SHARD_BUDGET_BYTES,
  type HubProfileData,
  type ProfileConfigMapStats,
  type ProfileEntry,
  type ProfileOverride,
  type ShardMeta,
  type TermSummary,
  TERM_SUMMARY_PREFIX,
  TERM_SUMMARY_VERSION_KEY,
  termSummaries,
  buildHubProfileData,
  expandTemplate,
  indexConfigMapName,
  packShards,
  profileKey,
  profileSlug,
  renderProfileConfigMaps,
} from "./profiles";
export { renderHubRbac, PROFILE_READER_ROLE, HUB_SERVICE_ACCOUNT } from "./rbac";
export { renderNetworkPolicies } from "./netpol";
export {
  type HubValues,
  renderHubValues,
  valuesToYaml,
  splitImage,
  type HubSettings,
  renderHubSettings,
  valuesDigest,
  hubAuthenticator,
  hubRefusesSignIn,
  FAIL_CLOSED_AUTHENTICATOR,
  HUB_CONFIG_CONFIGMAP,
  HUB_CONFIG_FILE,
  HUB_SETTINGS_FILE,
  HUB_PORTAL_DIR,
  VALUES_DIGEST_ANNOTATION,
  CONFIG_DIGEST_ANNOTATION,
  Z2JH_CHART_VERSION,
  Z2JH_CHART_REPO,
} from "./values";
export { HUB_CONFIG_PART, renderHubConfigMap, hubConfigDigest, hubPythonFiles } from "./hub-config";
export { type HaproxyOptions, renderHaproxyConfig } from "./haproxy";
export { NBGRADER_CONFIG_PATH, nbgraderConfig } from "./profiles";
export { readPythonFile, PYTHON_FILES } from "./python-files";

export interface RenderStats {
  profiles: Partial<Record<HubName, ProfileConfigMapStats>>;
  /** The exam hub's password Secret. */
  examPasswords?: ExamSecretStats;
  objects: number;
  objectsByKind: Record<string, number>;
  warnings: string[];
}

export interface RenderResult {
  /** Apply in this order (RBAC, policies, profile shards, each hub's index, its hub ConfigMap); prune after. */
  objects: KubeObject[];
  values: Partial<Record<HubName, HubValues>>;
  valuesYaml: Partial<Record<HubName, string>>;
  /** The hub settings each hub's ConfigMap `e2x-portal-hub` carries (pushed, not Helm values). */
  hubSettings: Partial<Record<HubName, HubSettings>>;
  stats: RenderStats;
}

export interface RenderOptions {
  /** Target size of one profile shard's data (default 768 KiB; always below 1 MiB). */
  shardBudgetBytes?: number;
}

/** Everything the portal pushes for every hub of the model. Validates the model first. */
export function renderAll(input: unknown, options: RenderOptions = {}): RenderResult {
  const model: RenderModel = parseRenderModel(input);
  const budget = options.shardBudgetBytes ?? DEFAULT_SHARD_BUDGET_BYTES;
  const hubs = HUB_NAMES.map((n) => model.hubs.find((h) => h.name === n)).filter((h) => h !== undefined);

  const objects: KubeObject[] = [];
  const values: Partial<Record<HubName, HubValues>> = {};
  const valuesYaml: Partial<Record<HubName, string>> = {};
  const hubSettings: Partial<Record<HubName, HubSettings>> = {};
  const profiles: Partial<Record<HubName, ProfileConfigMapStats>> = {};
  const warnings: string[] = [];

  let examPasswords: ExamSecretStats | undefined;
  for (const hub of hubs) {
    const data = hub.name === "exam" ? buildExamProfileData(model) : buildHubProfileData(model, hub.name);
    warnings.push(...data.warnings);
    const cms = renderProfileConfigMaps(data, hub.namespace, budget);
    profiles[hub.name] = cms.stats;
    const hubObjects = [...renderHubRbac(hub), ...renderNetworkPolicies(hub), ...cms.objects, renderHubConfigMap(model, hub)];
    if (hub.name === "exam") {
      const secret = renderExamPasswordSecret(model, hub);
      hubObjects.push(secret.object);
      examPasswords = secret.stats;
      warnings.push(...secret.warnings);
    }
    // stable: kinds in apply order, the renderer's order within a kind
    hubObjects
      .map((o, i) => ({ o, i }))
      .sort((a, b) => kindRank(a.o.kind) - kindRank(b.o.kind) || a.i - b.i)
      .forEach(({ o }) => objects.push(sortKeys(o)));
    values[hub.name] = renderHubValues(model, hub);
    valuesYaml[hub.name] = valuesToYaml(values[hub.name]!);
    hubSettings[hub.name] = renderHubSettings(model, hub);
  }

  const objectsByKind: Record<string, number> = {};
  for (const o of objects) objectsByKind[o.kind] = (objectsByKind[o.kind] ?? 0) + 1;
  return {
    objects,
    values,
    valuesYaml,
    hubSettings,
    stats: { profiles, ...(examPasswords ? { examPasswords } : {}), objects: objects.length, objectsByKind: sortKeys(objectsByKind), warnings },
  };
}
