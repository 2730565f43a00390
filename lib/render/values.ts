/** Z2JH chart values per hub. */
import YAML from "yaml";
import { type Hub, type RenderModel, courseIdOf } from "./model";
import { CLOUD_METADATA_IP } from "./netpol";
import { readPythonFile } from "./python-files";
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

function egressAllowRules(exam: boolean) {
  return exam
    ? {
        cloudMetadataServer: false,
        dnsPortsCloudMetadataServer: false,
        dnsPortsKubeSystemNamespace: true,
        dnsPortsPrivateIPs: false,
        nonPrivateIPs: false,
        privateIPs: false,
      }
    : {
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

export function renderHubValues(model: RenderModel, hub: Hub): HubValues {
  const exam = hub.name === "exam";
  const useLdap = !exam && model.ldap !== undefined;
  const extraEnv: Record<string, unknown> = {
    E2X_PORTAL_CACHE_TTL: String(model.profileCacheTtlSeconds),
    E2X_PORTAL_HUB: hub.name,
    E2X_PORTAL_NAMESPACE: hub.namespace,
  };
  const jupyterHub: Record<string, unknown> = {};
  if (hub.host) jupyterHub.public_url = `https://${hub.host}${hub.baseUrl}`;
  const config: Record<string, unknown> = {
    JupyterHub: jupyterHub,
    KubeSpawner: { http_timeout: 120 },
  };
  const extraConfig: Record<string, string> = {};
  if (useLdap) {
    const ref = model.ldap!.bindPasswordSecret;
    extraEnv[LDAP_PASSWORD_ENV] = { valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } };
    jupyterHub.authenticator_class = "ldapauthenticator.LDAPAuthenticator";
    config.LDAPAuthenticator = ldapConfig(model);
    // who may spawn what is decided by the portal's profiles, not by an allow list
    config.Authenticator = { allow_all: true };
    extraConfig["10-e2x-ldap-bind-password"] = LDAP_PASSWORD_GLUE;
  }

  if (hub.authenticatorClass) jupyterHub.authenticator_class = hub.authenticatorClass;

  const courseIds = model.terms.filter((t) => t.hubs.includes(hub.name)).map(courseIdOf).sort();
  const values: HubValues = {
    hub: {
      baseUrl: hub.baseUrl,
      config,
      extraConfig,
      extraEnv,
      extraFiles: {
        "e2x-portal-config": {
          mountPath: `${CONFIG_D}/e2x_portal_config.py`,
          stringData: readPythonFile("e2x_portal_config.py"),
        },
        "e2x-portal-profiles": {
          mountPath: `${CONFIG_D}/e2x_portal_profiles.py`,
          stringData: readPythonFile("e2x_portal_profiles.py"),
        },
      },
      networkPolicy: { enabled: true },
    },
    proxy: {
      chp: { networkPolicy: { enabled: true } },
      service: {
        type: hub.proxyServiceType,
        ...(exam ? { loadBalancerSourceRanges: [...model.exam.sourceCidrs] } : {}),
        ...(exam && hub.proxyServiceType !== "ClusterIP" ? { extraSpec: { externalTrafficPolicy: "Local" } } : {}),
      },
    },
    singleuser: {
      cloudMetadata: { blockWithIptables: true, ip: CLOUD_METADATA_IP },
      defaultUrl: exam ? model.exam.defaultUrl : "/lab",
      extraEnv: { E2X_HUB: hub.name, E2X_COURSE_IDS: courseIds.join(",") },
      networkPolicy: {
        enabled: true,
        allowedIngressPorts: [],
        egress: [],
        egressAllowRules: egressAllowRules(exam),
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
  return sortKeys(values);
}

export function valuesToYaml(values: HubValues): string {
  return YAML.stringify(values, { lineWidth: 0, blockQuote: "literal", sortMapEntries: true });
}
