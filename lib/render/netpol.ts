/**
 * NetworkPolicies per hub namespace, as explicit objects (policies are additive, so these
 * hold whatever the chart's own policies do).
 *
 * - assignment / grading: the Z2JH 4.x chart defaults made explicit (hub: ingress from
 *   `network-access-hub` pods on 8081, egress open; proxy: http from anywhere, API 8001 from
 *   `network-access-proxy-api` pods, egress open; singleuser: ingress from
 *   `network-access-singleuser` pods on 8888, egress to the hub 8081, DNS in kube-system and in
 *   private ranges, and the internet without private ranges and the cloud metadata server).
 * - exam: hub and proxy as above; singleuser pods may only reach the hub (8081) and cluster
 *   DNS (kube-system, 53 UDP+TCP), and accept only the proxy and hub on 8888.
 */
import type { Hub } from "./model";
import { type KubeObject, hubLabels } from "./kube";

export const HUB_PORT = 8081;
export const PROXY_HTTP_PORT = 8000;
export const PROXY_API_PORT = 8001;
export const NOTEBOOK_PORT = 8888;
export const CLOUD_METADATA_IP = "169.254.169.254";
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

type Selector = { matchLabels: Record<string, string> };

function component(hub: Hub, name: string): Selector {
  return { matchLabels: { app: "jupyterhub", component: name, release: hub.releaseName } };
}

const kubeSystem = { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } };
const dnsPorts = [
  { protocol: "UDP", port: 53 },
  { protocol: "TCP", port: 53 },
];

function policy(hub: Hub, name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace: hub.namespace, labels: hubLabels(hub.name) },
    spec,
  };
}

function hubPolicy(hub: Hub): KubeObject {
  return policy(hub, "e2x-hub", {
    podSelector: component(hub, "hub"),
    policyTypes: ["Ingress", "Egress"],
    ingress: [
      {
        from: [{ podSelector: { matchLabels: { "hub.jupyter.org/network-access-hub": "true" } } }],
        ports: [{ protocol: "TCP", port: HUB_PORT }],
      },
    ],
    egress: [{}],
  });
}

function proxyPolicy(hub: Hub): KubeObject {
  return policy(hub, "e2x-proxy", {
    podSelector: component(hub, "proxy"),
    policyTypes: ["Ingress", "Egress"],
    ingress: [
      { ports: [{ protocol: "TCP", port: PROXY_HTTP_PORT }] },
      {
        from: [{ podSelector: { matchLabels: { "hub.jupyter.org/network-access-proxy-api": "true" } } }],
        ports: [{ protocol: "TCP", port: PROXY_API_PORT }],
      },
    ],
    egress: [{}],
  });
}

function singleuserIngress() {
  return [
    {
      from: [{ podSelector: { matchLabels: { "hub.jupyter.org/network-access-singleuser": "true" } } }],
      ports: [{ protocol: "TCP", port: NOTEBOOK_PORT }],
    },
  ];
}

function singleuserPolicy(hub: Hub): KubeObject {
  return policy(hub, "e2x-singleuser", {
    podSelector: component(hub, "singleuser-server"),
    policyTypes: ["Ingress", "Egress"],
    ingress: singleuserIngress(),
    egress: [
      { to: [{ podSelector: component(hub, "hub") }], ports: [{ protocol: "TCP", port: HUB_PORT }] },
      { to: [{ namespaceSelector: kubeSystem }], ports: dnsPorts },
      { to: PRIVATE_RANGES.map((cidr) => ({ ipBlock: { cidr } })), ports: dnsPorts },
      { to: [{ ipBlock: { cidr: `${CLOUD_METADATA_IP}/32` } }], ports: dnsPorts },
      { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [...PRIVATE_RANGES, `${CLOUD_METADATA_IP}/32`] } }] },
    ],
  });
}

function examSingleuserPolicy(hub: Hub): KubeObject {
  return policy(hub, "e2x-singleuser-lockdown", {
    podSelector: component(hub, "singleuser-server"),
    policyTypes: ["Ingress", "Egress"],
    ingress: singleuserIngress(),
    egress: [
      { to: [{ podSelector: component(hub, "hub") }], ports: [{ protocol: "TCP", port: HUB_PORT }] },
      { to: [{ namespaceSelector: kubeSystem }], ports: dnsPorts },
    ],
  });
}

export function renderNetworkPolicies(hub: Hub): KubeObject[] {
  const singleuser = hub.name === "exam" ? examSingleuserPolicy(hub) : singleuserPolicy(hub);
  return [hubPolicy(hub), proxyPolicy(hub), singleuser];
}
