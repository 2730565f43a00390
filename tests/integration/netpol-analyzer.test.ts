/**
 * The portal's own NetworkPolicies alone (tests/integration/z2jh-hubs.test.ts analyses them together
 * with the chart's) through np-guard's offline connectivity analysis: sample pods
 * labelled the way Z2JH labels them, plus an unrelated pod in another namespace and kube-dns,
 * and the exact list of allowed connections.
 *
 * Analyzer: `.cache/bin/k8snetpolicy list --dirpath DIR -o json` (np-guard netpol-analyzer),
 * or np-guard's Network Config Analyzer when the Go module cannot be fetched
 * (`nca --connectivity -r DIR -o txt_no_fw_rules`); scripts/provision/netpol.sh provides one.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { smallModel } from "@/lib/render/fixtures";
import { analyzeConnectivity } from "@/e2e/services/netpol";
import { renderAll } from "@/lib/render/index";

const ns = (name: string) => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name, labels: { "kubernetes.io/metadata.name": name } },
});

const pod = (
  name: string,
  namespace: string,
  labels: Record<string, string>,
  ports: { containerPort: number; name?: string; protocol?: string }[],
) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace, labels },
  spec: { containers: [{ name: "main", image: "example", ports }] },
  status: { phase: "Running", podIP: "10.244.0.10", hostIP: "10.0.0.10" },
});

/** Pods of one Z2JH release with the chart's labels. */
function hubPods(namespace: string, release: string) {
  const base = { app: "jupyterhub", release };
  return [
    pod(
      "hub",
      namespace,
      {
        ...base,
        component: "hub",
        "hub.jupyter.org/network-access-proxy-api": "true",
        "hub.jupyter.org/network-access-proxy-http": "true",
        "hub.jupyter.org/network-access-singleuser": "true",
      },
      [{ containerPort: 8081, name: "http" }],
    ),
    pod(
      "proxy",
      namespace,
      {
        ...base,
        component: "proxy",
        "hub.jupyter.org/network-access-hub": "true",
        "hub.jupyter.org/network-access-singleuser": "true",
      },
      [
        { containerPort: 8000, name: "http" },
        { containerPort: 8001, name: "api" },
      ],
    ),
    pod(
      "jupyter-alice",
      namespace,
      { ...base, component: "singleuser-server", "hub.jupyter.org/network-access-hub": "true" },
      [{ containerPort: 8888, name: "notebook-port" }],
    ),
  ];
}

const ANY = "0.0.0.0-255.255.255.255";
const DNS = "TCP 53,UDP 53";

/** Everything that may talk to what: the exam lockdown plus the chart defaults of the assignment hub. */
const EXPECTED = [
  // the internet reaches the proxies' http port only; unmanaged namespaces are open
  `${ANY} => e2x-assignment/proxy[Pod] : TCP 8000`,
  `${ANY} => e2x-exam/proxy[Pod] : TCP 8000`,
  `${ANY} => kube-system/kube-dns[Pod] : All`,
  `${ANY} => other/other[Pod] : All`,
  // assignment hub: egress open, reaches its singleuser pods and the proxies
  `e2x-assignment/hub[Pod] => ${ANY} : All`,
  "e2x-assignment/hub[Pod] => e2x-assignment/jupyter-alice[Pod] : TCP 8888",
  "e2x-assignment/hub[Pod] => e2x-assignment/proxy[Pod] : TCP 8000-8001",
  "e2x-assignment/hub[Pod] => e2x-exam/proxy[Pod] : TCP 8000",
  "e2x-assignment/hub[Pod] => kube-system/kube-dns[Pod] : All",
  "e2x-assignment/hub[Pod] => other/other[Pod] : All",
  // assignment singleuser (Z2JH defaults): internet without private ranges and metadata,
  // DNS anywhere private, the hub, kube-dns; no other pod
  "e2x-assignment/jupyter-alice[Pod] => 0.0.0.0-9.255.255.255 : All",
  `e2x-assignment/jupyter-alice[Pod] => 10.0.0.0-10.255.255.255 : ${DNS}`,
  "e2x-assignment/jupyter-alice[Pod] => 11.0.0.0-169.254.169.253 : All",
  `e2x-assignment/jupyter-alice[Pod] => 169.254.169.254 : ${DNS}`,
  "e2x-assignment/jupyter-alice[Pod] => 169.254.169.255-172.15.255.255 : All",
  `e2x-assignment/jupyter-alice[Pod] => 172.16.0.0-172.31.255.255 : ${DNS}`,
  "e2x-assignment/jupyter-alice[Pod] => 172.32.0.0-192.167.255.255 : All",
  `e2x-assignment/jupyter-alice[Pod] => 192.168.0.0-192.168.255.255 : ${DNS}`,
  "e2x-assignment/jupyter-alice[Pod] => 192.169.0.0-255.255.255.255 : All",
  "e2x-assignment/jupyter-alice[Pod] => e2x-assignment/hub[Pod] : TCP 8081",
  `e2x-assignment/jupyter-alice[Pod] => kube-system/kube-dns[Pod] : ${DNS}`,
  // assignment proxy
  `e2x-assignment/proxy[Pod] => ${ANY} : All`,
  "e2x-assignment/proxy[Pod] => e2x-assignment/hub[Pod] : TCP 8081",
  "e2x-assignment/proxy[Pod] => e2x-assignment/jupyter-alice[Pod] : TCP 8888",
  "e2x-assignment/proxy[Pod] => e2x-exam/proxy[Pod] : TCP 8000",
  "e2x-assignment/proxy[Pod] => kube-system/kube-dns[Pod] : All",
  "e2x-assignment/proxy[Pod] => other/other[Pod] : All",
  // exam hub and proxy: as the chart
  `e2x-exam/hub[Pod] => ${ANY} : All`,
  "e2x-exam/hub[Pod] => e2x-assignment/proxy[Pod] : TCP 8000",
  "e2x-exam/hub[Pod] => e2x-exam/jupyter-alice[Pod] : TCP 8888",
  "e2x-exam/hub[Pod] => e2x-exam/proxy[Pod] : TCP 8000-8001",
  "e2x-exam/hub[Pod] => kube-system/kube-dns[Pod] : All",
  "e2x-exam/hub[Pod] => other/other[Pod] : All",
  // exam singleuser: the hub and cluster DNS, nothing else
  "e2x-exam/jupyter-alice[Pod] => e2x-exam/hub[Pod] : TCP 8081",
  `e2x-exam/jupyter-alice[Pod] => kube-system/kube-dns[Pod] : ${DNS}`,
  `e2x-exam/proxy[Pod] => ${ANY} : All`,
  "e2x-exam/proxy[Pod] => e2x-assignment/proxy[Pod] : TCP 8000",
  "e2x-exam/proxy[Pod] => e2x-exam/hub[Pod] : TCP 8081",
  "e2x-exam/proxy[Pod] => e2x-exam/jupyter-alice[Pod] : TCP 8888",
  "e2x-exam/proxy[Pod] => kube-system/kube-dns[Pod] : All",
  "e2x-exam/proxy[Pod] => other/other[Pod] : All",
  // unmanaged pods: only the proxies' http port in the hub namespaces
  `kube-system/kube-dns[Pod] => ${ANY} : All`,
  "kube-system/kube-dns[Pod] => e2x-assignment/proxy[Pod] : TCP 8000",
  "kube-system/kube-dns[Pod] => e2x-exam/proxy[Pod] : TCP 8000",
  "kube-system/kube-dns[Pod] => other/other[Pod] : All",
  `other/other[Pod] => ${ANY} : All`,
  "other/other[Pod] => e2x-assignment/proxy[Pod] : TCP 8000",
  "other/other[Pod] => e2x-exam/proxy[Pod] : TCP 8000",
  "other/other[Pod] => kube-system/kube-dns[Pod] : All",
].sort();

describe("rendered NetworkPolicies under np-guard connectivity analysis", () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-netpol-"));
    const result = renderAll(smallModel());
    const policies = result.objects.filter(
      (o) => o.kind === "NetworkPolicy" && ["e2x-assignment", "e2x-exam"].includes(o.metadata.namespace ?? ""),
    );
    const docs = [
      ns("e2x-assignment"),
      ns("e2x-exam"),
      ns("kube-system"),
      ns("other"),
      ...hubPods("e2x-assignment", "assignment"),
      ...hubPods("e2x-exam", "exam"),
      pod("other", "other", { app: "other" }, [{ containerPort: 80 }]),
      pod("kube-dns", "kube-system", { "k8s-app": "kube-dns" }, [
        { containerPort: 53, protocol: "UDP", name: "dns" },
        { containerPort: 53, protocol: "TCP", name: "dns-tcp" },
      ]),
    ];
    fs.writeFileSync(path.join(dir, "policies.yaml"), policies.map((p) => YAML.stringify(p)).join("---\n"));
    fs.writeFileSync(path.join(dir, "workloads.yaml"), docs.map((d) => YAML.stringify(d)).join("---\n"));
  });

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("allows exactly the expected connections", () => {
    const { analyzer, lines: actual } = analyzeConnectivity(dir);
    console.log(`netpol analyzer: ${analyzer}, ${actual.length} allowed connections`);
    expect(actual).toEqual(EXPECTED);
  });

  it("locks exam singleuser pods down to the hub and cluster DNS", () => {
    const actual = analyzeConnectivity(dir).lines;
    expect(actual.filter((l) => l.startsWith("e2x-exam/jupyter-alice"))).toEqual([
      "e2x-exam/jupyter-alice[Pod] => e2x-exam/hub[Pod] : TCP 8081",
      `e2x-exam/jupyter-alice[Pod] => kube-system/kube-dns[Pod] : ${DNS}`,
    ]);
    expect(actual.filter((l) => / => e2x-exam\/jupyter-alice/.test(l))).toEqual([
      "e2x-exam/hub[Pod] => e2x-exam/jupyter-alice[Pod] : TCP 8888",
      "e2x-exam/proxy[Pod] => e2x-exam/jupyter-alice[Pod] : TCP 8888",
    ]);
  });
});
