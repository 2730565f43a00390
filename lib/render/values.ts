/** Z2JH chart values per hub. */
import { createHash } from "node:crypto";
import YAML from "yaml";
import { type Hub, type RenderModel, courseIdOf } from "./model";
import { buildHubTermOrder } from "./profiles";
import { CLOUD_METADATA_IP } from "./netpol";
import { EXAM_AUTHENTICATOR, examHubAccepting, examHubSettings } from "./exam";
import { sortKeys, stableJson } from "./stable";

export const CONFIG_D = "/usr/local/etc/jupyterhub/jupyterhub_config.d";
export const LDAP_PASSWORD_ENV = "E2X_LDAP_BIND_PASSWORD";

export type HubValues = Record<string, unknown>;
export type HubSettings = Record<string, unknown>;

/** The ConfigMap the portal owns in each hub namespace: its hub-side Python and hub settings. */
export const HUB_CONFIG_CONFIGMAP = "e2x-portal-hub";
const HUB_CONFIG_VOLUME = "e2x-portal-hub";
/** Where the chart's values mount that ConfigMap in the hub pod (`E2X_PORTAL_DIR`). */
export const HUB_PORTAL_DIR = "/usr/local/etc/jupyterhub/e2x-portal";
export const PORTAL_DIR_ENV = "E2X_PORTAL_DIR";
/** The one key mounted into jupyterhub_config.d: the chart exec()s it. */
export const HUB_CONFIG_FILE = "e2x_portal_config.py";
export const HUB_SETTINGS_FILE = "e2x-portal-settings.json";
/** Pod-template annotation with the digest of the chart values (set by Helm from `hub.annotations`). */
export const VALUES_DIGEST_ANNOTATION = "e2x-portal/values-digest";
/** Pod-template annotation with the digest of the hub's ConfigMap, set by the portal when it restarts the hub. */
export const CONFIG_DIGEST_ANNOTATION = "e2x-portal/config-digest";

function ldapConfig(model: RenderModel): Record<string, unknown> {
  const ldap = model.ldap!;
  const url = new URL(ldap.url);
  const ldaps = url.protocol === "ldaps:";
  return {
    server_address: url.hostname,
    server_port: url.port ? Number(url.port) : ldaps ? 636 : 389,
    tls_strategy: ldaps ? "on_connect" : ldap.useStartTls ? "before_bind" : "insecure",
    lookup_dn: true,
    lookup_dn_search_user: ldap.bindDn,
    lookup_dn_search_filter: ldap.searchFilter,
    lookup_dn_user_dn_attribute: ldap.userAttribute,
    use_lookup_dn_username: false,
    user_search_base: ldap.searchBase,
    user_attribute: ldap.userAttribute,
    escape_userdn: false,
  };
}

/** The Z2JH singleuser egress defaults of the teaching hubs, made explicit. */
function egressAllowRules() {
  return {
    cloudMetadataServer: false,
    dnsPortsCloudMetadataServer: true,
    dnsPortsKubeSystemNamespace: true,
    dnsPortsPrivateIPs: true,
    nonPrivateIPs: true,
    privateIPs: false,
  };
}

/** Jupyter Server settings of the restricted exam UI. */
const EXAM_SERVER_CONFIG = {
  ServerApp: { terminals_enabled: false },
  ContentsManager: { allow_hidden: false },
};

/** The authenticator of a hub without one of its own: refuses every sign-in. */
export const FAIL_CLOSED_AUTHENTICATOR = "e2x_portal_auth.FailClosedAuthenticator";
/** The Z2JH chart these values are for, and where Helm gets it (the helm command the portal shows; the tests run this chart). */
export const Z2JH_CHART_VERSION = "4.4.0";
export const Z2JH_CHART_REPO = "https://hub.jupyter.org/helm-chart/";
/** The chart's default singleuser image, for a hub that offers no course term yet. */
const CHART_SINGLEUSER_IMAGE = { name: "quay.io/jupyterhub/k8s-singleuser-sample", tag: Z2JH_CHART_VERSION };

/** `registry/name:tag` or `name@sha256:...` as the chart's `{name, tag}` (it joins them with ':'). */
export function splitImage(ref: string): { name: string; tag: string } {
  const at = ref.indexOf("@");
  if (at !== -1) {
    const [algo, digest] = ref.slice(at + 1).split(":");
    return { name: `${ref.slice(0, at)}@${algo}`, tag: digest ?? "" };
  }
  const slash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  if (colon > slash) return { name: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { name: ref, tag: "latest" };
}

/** The authenticator class a hub runs (`hub.config.JupyterHub.authenticator_class`). */
export function hubAuthenticator(model: RenderModel, hub: Hub): string {
  if (hub.authenticatorClass) return hub.authenticatorClass;
  // the exam hub's one-time passwords: it refuses everyone while no exam it holds is open (exam.ts)
  if (hub.name === "exam") return EXAM_AUTHENTICATOR;
  if (model.ldap) return "ldapauthenticator.LDAPAuthenticator";
  return FAIL_CLOSED_AUTHENTICATOR;
}

/** Whether a hub refuses every sign-in (the cluster page says so). */
export function hubRefusesSignIn(model: RenderModel, hub: Hub): boolean {
  const authenticator = hubAuthenticator(model, hub);
  if (authenticator === EXAM_AUTHENTICATOR) return !examHubAccepting(model);
  return authenticator === FAIL_CLOSED_AUTHENTICATOR;
}

const NO_SIGN_IN_NOTICE =
  "Die Anmeldung an diesem Hub ist noch nicht freigeschaltet. Für Prüfungen gibt es die Zugangsdaten in der Prüfung.";

/** Term images of a hub, newest term first, each once. */
function termImages(model: RenderModel, hub: Hub): string[] {
  const order = buildHubTermOrder(model, hub.name);
  return [...new Set(order.map((t) => t.image))];
}

/**
 * The hub settings the portal pushes (`e2x-portal-settings.json` in the ConfigMap
 * `e2x-portal-hub`, applied by python/e2x_portal_hub.py at hub start): who administers the hub,
 * how it signs users in, whom it trusts in front of it, spawn limit and idle culling. A change
 * needs a hub restart, never a helm upgrade.
 */
export function renderHubSettings(model: RenderModel, hub: Hub): HubSettings {
  const exam = hub.name === "exam";
  const authenticator = hubAuthenticator(model, hub);
  const useLdap = authenticator === "ldapauthenticator.LDAPAuthenticator" && model.ldap !== undefined;
  const jupyterHub: Record<string, unknown> = { authenticator_class: authenticator, concurrent_spawn_limit: model.concurrentSpawnLimit };
  if (hub.host) jupyterHub.public_url = `https://${hub.host}${hub.baseUrl}`;
  // tornado skips exactly these addresses in X-Forwarded-For when it records the client address
  if (model.network.trustedProxies.length) jupyterHub.trusted_downstream_ips = [...model.network.trustedProxies];
  if (authenticator === FAIL_CLOSED_AUTHENTICATOR) jupyterHub.template_vars = { announcement_login: NO_SIGN_IN_NOTICE };
  const admins = [...new Set(model.admins)].sort();
  const config: Record<string, unknown> = {
    JupyterHub: jupyterHub,
    // only rostered users and admins sign in (python/e2x_portal_auth.py decides; no allow_all)
    Authenticator: { admin_users: admins, allow_all: false, allow_existing_users: false },
    KubeSpawner: { http_timeout: 120, disable_user_config: true },
  };
  if (useLdap) config.LDAPAuthenticator = ldapConfig(model);
  if (authenticator === EXAM_AUTHENTICATOR) {
    const examSettings = examHubSettings(model);
    Object.assign(config, examSettings.config);
    jupyterHub.template_vars = { announcement_login: examSettings.loginNotice };
  }
  const courseIds = model.terms.filter((t) => t.hubs.includes(hub.name)).map(courseIdOf).sort();
  return sortKeys({
    hub: hub.name,
    config,
    admins,
    trustedProxies: [...model.network.trustedProxies],
    ...(exam ? { examRooms: [...model.exam.sourceCidrs] } : {}),
    ...(useLdap ? { ldapPasswordEnv: LDAP_PASSWORD_ENV } : {}),
    cacheTtlSeconds: model.profileCacheTtlSeconds,
    staleGraceSeconds: model.profileCacheGraceSeconds,
    cullTimeoutSeconds: model.cullTimeoutSeconds,
    spawnerEnvironment: { E2X_HUB: hub.name, E2X_COURSE_IDS: courseIds.join(",") },
  });
}

/**
 * The chart values of a hub: what an admin installs once with `helm upgrade --install` and what
 * only Helm can change (the hub's mounts and environment, the pre-puller images, the default
 * image, the proxy Service, ingress, the chart's NetworkPolicies, singleuser defaults). Everything
 * the portal pushes itself lives in the ConfigMap `e2x-portal-hub` these values mount.
 * `hub.annotations` carries the digest of the rest, so the cluster page sees what is installed.
 */
export function renderHubValues(model: RenderModel, hub: Hub): HubValues {
  const exam = hub.name === "exam";
  const images = termImages(model, hub);
  const service: Record<string, unknown> = { type: hub.proxyServiceType };
  if (hub.proxyServiceType === "NodePort" && hub.nodePort) service.nodePorts = { http: hub.nodePort };
  // the chart writes loadBalancerSourceRanges only for type LoadBalancer; behind the E2x load
  // balancer VM the room restriction is HAProxy's (haproxy.ts) and the hub's own check
  if (exam && hub.proxyServiceType === "LoadBalancer") service.loadBalancerSourceRanges = [...model.exam.sourceCidrs];
  const prePulled = Object.fromEntries(images.map((ref, i) => [`e2x-term-${i + 1}`, splitImage(ref)]));
  const ldapRef = model.ldap?.bindPasswordSecret ?? model.ldapPasswordSecret;
  const extraEnv: Record<string, unknown> = { [PORTAL_DIR_ENV]: HUB_PORTAL_DIR };
  // the bind password Secret an admin creates in the hub namespace; optional, so that a hub
  // without LDAP starts without it (an LDAP hub without it cannot bind: sign-ins fail, never open)
  if (ldapRef) extraEnv[LDAP_PASSWORD_ENV] = { valueFrom: { secretKeyRef: { name: ldapRef.name, key: ldapRef.key, optional: true } } };
  const values: HubValues = {
    hub: {
      baseUrl: hub.baseUrl,
      // without the portal's ConfigMap the hub does not start (the volume is not optional); should
      // it ever start without the portal's config file, this class cannot even be imported
      config: { JupyterHub: { authenticator_class: FAIL_CLOSED_AUTHENTICATOR } },
      extraEnv,
      extraVolumes: [{ name: HUB_CONFIG_VOLUME, configMap: { name: HUB_CONFIG_CONFIGMAP } }],
      extraVolumeMounts: [
        // all of it in a directory of its own (kubelet swaps the whole directory at once) ...
        { name: HUB_CONFIG_VOLUME, mountPath: HUB_PORTAL_DIR, readOnly: true },
        // ... and the one config file where the chart's jupyterhub_config.py exec()s *.py files
        { name: HUB_CONFIG_VOLUME, mountPath: `${CONFIG_D}/${HUB_CONFIG_FILE}`, subPath: HUB_CONFIG_FILE, readOnly: true },
      ],
      networkPolicy: { enabled: true },
    },
    prePuller: { extraImages: prePulled },
    proxy: {
      chp: { networkPolicy: { enabled: true } },
      service,
    },
    singleuser: {
      cloudMetadata: { blockWithIptables: true, ip: CLOUD_METADATA_IP },
      defaultUrl: exam ? model.exam.defaultUrl : "/lab",
      image: images.length ? splitImage(images[0]) : CHART_SINGLEUSER_IMAGE,
      // exam: the chart's own singleuser policy always lets pods reach the proxy (8000) and
      // autohttps; policies add up, so the exam hub turns it off and the portal's lockdown
      // policy (netpol.ts) is the only one: the hub on 8081 and cluster DNS, nothing else
      networkPolicy: exam
        ? { enabled: false }
        : {
            enabled: true,
            allowedIngressPorts: [],
            egress: [],
            egressAllowRules: egressAllowRules(),
            interNamespaceAccessLabels: "ignore",
          },
      // profiles come from the portal at spawn time (c.KubeSpawner.profile_list is a callable)
      profileList: [],
      startTimeout: 600,
      storage: { type: "none" },
      uid: model.uids.student,
      fsGid: model.uids.gid,
      ...(exam
        ? {
            extraFiles: {
              "e2x-exam-server-config": {
                mountPath: "/etc/jupyter/jupyter_server_config.d/e2x-exam.json",
                data: EXAM_SERVER_CONFIG,
              },
            },
          }
        : {}),
    },
    scheduling: {
      userPods: { nodeAffinity: { matchNodePurpose: "require" } },
      userScheduler: { enabled: false },
    },
    // the timeout is the portal's (hub settings); the culler itself is the chart's
    cull: { enabled: true, every: 600, users: false },
    ingress: { enabled: false },
  };
  const sorted = sortKeys(values);
  (sorted.hub as Record<string, unknown>).annotations = { [VALUES_DIGEST_ANNOTATION]: valuesDigest(sorted) };
  return sortKeys(sorted);
}

/** Digest of a hub's chart values, without the annotation that carries it. */
export function valuesDigest(values: HubValues): string {
  const copy = structuredClone(values) as { hub?: Record<string, unknown> };
  if (copy.hub) {
    const annotations = { ...((copy.hub.annotations as Record<string, string> | undefined) ?? {}) };
    delete annotations[VALUES_DIGEST_ANNOTATION];
    if (Object.keys(annotations).length) copy.hub.annotations = annotations;
    else delete copy.hub.annotations;
  }
  return createHash("sha256").update(stableJson(copy)).digest("hex").slice(0, 16);
}

export function valuesToYaml(values: HubValues): string {
  return YAML.stringify(values, { lineWidth: 0, blockQuote: "literal", sortMapEntries: true });
}
