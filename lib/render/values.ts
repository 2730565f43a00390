/** Z2JH chart values per hub. */
import YAML from "yaml";
import { type Hub, type RenderModel, courseIdOf } from "./model";
import { buildHubTermOrder } from "./profiles";
import { CLOUD_METADATA_IP } from "./netpol";
import { readPythonFile } from "./python-files";
import { EXAM_AUTHENTICATOR, addExamHubValues, examHubAccepting, type ExamHubValuesTarget } from "./exam";
import { sortKeys } from "./stable";

export const CONFIG_D = "/usr/local/etc/jupyterhub/jupyterhub_config.d";
export const CULL_TIMEOUT_SECONDS = 7200;
export const LDAP_PASSWORD_ENV = "E2X_LDAP_BIND_PASSWORD";

export type HubValues = Record<string, unknown>;

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

/** Small glue only: the LDAP bind password comes from a Secret through the environment. */
const LDAP_PASSWORD_GLUE = [
  "import os",
  `c.LDAPAuthenticator.lookup_dn_search_password = os.environ.get("${LDAP_PASSWORD_ENV}", "")`,
  "",
].join("\n");

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

/** Where the chart's jupyterhub_config.py lives; it puts this directory on `sys.path`. */
export const HUB_CONFIG_DIR = "/usr/local/etc/jupyterhub";
/** The authenticator of a hub without one of its own: refuses every sign-in. */
export const FAIL_CLOSED_AUTHENTICATOR = "e2x_portal_auth.FailClosedAuthenticator";
/** The chart's default singleuser image, for a hub that offers no course term yet. */
const CHART_SINGLEUSER_IMAGE = { name: "quay.io/jupyterhub/k8s-singleuser-sample", tag: "4.4.0" };

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

export function renderHubValues(model: RenderModel, hub: Hub): HubValues {
  const exam = hub.name === "exam";
  const authenticator = hubAuthenticator(model, hub);
  const useLdap = authenticator === "ldapauthenticator.LDAPAuthenticator" && model.ldap !== undefined;
  const extraEnv: Record<string, unknown> = {};
  const jupyterHub: Record<string, unknown> = { authenticator_class: authenticator };
  if (hub.host) jupyterHub.public_url = `https://${hub.host}${hub.baseUrl}`;
  // tornado skips exactly these addresses in X-Forwarded-For when it records the client address
  if (model.network.trustedProxies.length) jupyterHub.trusted_downstream_ips = [...model.network.trustedProxies];
  const admins = [...new Set(model.admins)].sort();
  const config: Record<string, unknown> = {
    JupyterHub: jupyterHub,
    // only rostered users and admins sign in (python/e2x_portal_auth.py decides; no allow_all)
    Authenticator: { admin_users: admins, allow_all: false, allow_existing_users: false },
    KubeSpawner: { http_timeout: 120, disable_user_config: true },
  };
  const extraConfig: Record<string, string> = {};
  if (useLdap) {
    const ref = model.ldap!.bindPasswordSecret;
    extraEnv[LDAP_PASSWORD_ENV] = { valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } };
    config.LDAPAuthenticator = ldapConfig(model);
    extraConfig["10-e2x-ldap-bind-password"] = LDAP_PASSWORD_GLUE;
  }

  const courseIds = model.terms.filter((t) => t.hubs.includes(hub.name)).map(courseIdOf).sort();
  const images = termImages(model, hub);
  const service: Record<string, unknown> = { type: hub.proxyServiceType };
  if (hub.proxyServiceType === "NodePort" && hub.nodePort) service.nodePorts = { http: hub.nodePort };
  // the chart writes loadBalancerSourceRanges only for type LoadBalancer; behind the E2x load
  // balancer VM the room restriction is HAProxy's (haproxy.ts) and the hub's own check
  if (exam && hub.proxyServiceType === "LoadBalancer") service.loadBalancerSourceRanges = [...model.exam.sourceCidrs];
  const prePulled = Object.fromEntries(images.map((ref, i) => [`e2x-term-${i + 1}`, splitImage(ref)]));
  const values: HubValues = {
    hub: {
      baseUrl: hub.baseUrl,
      concurrentSpawnLimit: model.concurrentSpawnLimit,
      config,
      extraConfig,
      extraEnv,
      extraFiles: {
        // the config file the chart exec()s, and the modules it imports (beside jupyterhub_config.py)
        "e2x-portal-config": {
          mountPath: `${CONFIG_D}/e2x_portal_config.py`,
          stringData: readPythonFile("e2x_portal_config.py"),
        },
        "e2x-portal-profiles": {
          mountPath: `${HUB_CONFIG_DIR}/e2x_portal_profiles.py`,
          stringData: readPythonFile("e2x_portal_profiles.py"),
        },
        "e2x-portal-auth": {
          mountPath: `${HUB_CONFIG_DIR}/e2x_portal_auth.py`,
          stringData: readPythonFile("e2x_portal_auth.py"),
        },
      },
      networkPolicy: { enabled: true },
      ...(authenticator === FAIL_CLOSED_AUTHENTICATOR ? { templateVars: { announcement_login: NO_SIGN_IN_NOTICE } } : {}),
    },
    custom: {
      e2xPortal: {
        hub: hub.name,
        cacheTtlSeconds: model.profileCacheTtlSeconds,
        staleGraceSeconds: model.profileCacheGraceSeconds,
        admins,
        trustedProxies: [...model.network.trustedProxies],
        ...(exam ? { examRooms: [...model.exam.sourceCidrs] } : {}),
      },
    },
    prePuller: { extraImages: prePulled },
    proxy: {
      chp: { networkPolicy: { enabled: true } },
      service,
    },
    singleuser: {
      cloudMetadata: { blockWithIptables: true, ip: CLOUD_METADATA_IP },
      defaultUrl: exam ? model.exam.defaultUrl : "/lab",
      extraEnv: { E2X_HUB: hub.name, E2X_COURSE_IDS: courseIds.join(",") },
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
    cull: { enabled: true, timeout: CULL_TIMEOUT_SECONDS, every: 600, users: false },
    ingress: { enabled: false },
  };
  if (exam) addExamHubValues(values as unknown as ExamHubValuesTarget, model, HUB_CONFIG_DIR);
  return sortKeys(values);
}

export function valuesToYaml(values: HubValues): string {
  return YAML.stringify(values, { lineWidth: 0, blockQuote: "literal", sortMapEntries: true });
}
