/**
 * The load balancer VM's HAProxy configuration (the E2x topology: one VM in front of the hubs'
 * proxy NodePorts). One HTTPS frontend routes by host name to each hub's backend; the exam hub
 * admits only the exam rooms' networks (`exam.sourceCidrs`) and everyone else gets 403 from
 * HAProxy itself. HAProxy is the edge: it replaces any `X-Forwarded-For` a client sends with the
 * address it sees and drops `X-Real-Ip`, so the hub (which trusts the load balancer's address,
 * `network.trustedProxies`) reads the real client address.
 */
import { type HubName, type RenderModel, parseRenderModel } from "./model";

export interface HaproxyOptions {
  /** Where the frontend listens; default `*:443` with TLS and `*:80` redirecting to it. */
  listen?: { address: string; port: number; tls: false };
  /** Directory of the PEM files (certificate + key) per host name; default `/etc/haproxy/certs/`. */
  certDir?: string;
  /** Override the backends (tests on loopback): server address:port and the source address to connect from. */
  backends?: Partial<Record<HubName, { address: string; port: number; source?: string }[]>>;
}

const q = (s: string) => s.replace(/[^A-Za-z0-9._:/-]/g, "");

export function renderHaproxyConfig(input: unknown, options: HaproxyOptions = {}): string {
  const model: RenderModel = parseRenderModel(input);
  const out: string[] = [];
  const warn: string[] = [];
  const tls = options.listen?.tls !== false;
  out.push(
    "# HAProxy on the E2x load-balancer VM, rendered by the E2x Hub Portal. Do not edit: render it again.",
    "global",
    "    log stdout format raw local0",
    "    maxconn 8000",
    "",
    "defaults",
    "    mode http",
    "    log global",
    "    option httplog",
    "    timeout connect 5s",
    "    timeout client 1h",
    "    timeout server 1h",
    // notebooks keep websockets open for hours
    "    timeout tunnel 8h",
    "",
  );
  if (tls) {
    out.push("frontend e2x-http", "    bind *:80", "    http-request redirect scheme https code 301", "");
  }
  out.push("frontend e2x-hubs");
  if (options.listen) out.push(`    bind ${q(options.listen.address)}:${options.listen.port}`);
  else out.push(`    bind *:443 ssl crt ${q(options.certDir ?? "/etc/haproxy/certs/")} alpn h2,http/1.1`);
  out.push(
    // the edge: nobody downstream of this proxy may claim an address
    "    http-request del-header X-Real-Ip",
    "    http-request set-header X-Forwarded-For %[src]",
    `    http-request set-header X-Forwarded-Proto ${tls ? "https" : "http"}`,
  );
  const routed: HubName[] = [];
  for (const hub of model.hubs) {
    if (!hub.host) {
      warn.push(`${hub.name} hub has no host name: not routed`);
      continue;
    }
    out.push(`    acl host-${hub.name} hdr(host),field(1,:) -i ${q(hub.host)}`);
    routed.push(hub.name);
  }
  const exam = model.hubs.find((h) => h.name === "exam" && h.host);
  if (exam) {
    if (model.exam.sourceCidrs.length) {
      out.push(`    acl from-exam-rooms src ${model.exam.sourceCidrs.map(q).join(" ")}`);
      out.push("    http-request deny deny_status 403 if host-exam !from-exam-rooms");
    } else {
      // no rooms set: the exam hub is reachable from nowhere
      out.push("    http-request deny deny_status 403 if host-exam");
      warn.push("exam hub: no exam room networks set, HAProxy refuses every request to it");
    }
  }
  for (const name of routed) out.push(`    use_backend e2x-${name} if host-${name}`);
  out.push("    default_backend e2x-none", "");
  for (const name of routed) {
    const hub = model.hubs.find((h) => h.name === name)!;
    // Every node's NodePort leads to the same proxy: a check is there to find a dead node, not a
    // busy hub. An HTTP check of /hub/health fails while the hub is slow (600 sign-ins at the
    // start of an exam) and then takes every node out at once; a TCP check does not.
    out.push(`backend e2x-${name}`, "    balance roundrobin", "    option redispatch", "    retries 3", "    default-server inter 2s fall 3 rise 2");
    const servers =
      options.backends?.[name] ??
      (hub.nodePort ? model.network.nodeAddresses.map((address) => ({ address, port: hub.nodePort!, source: undefined })) : []);
    if (!servers.length) warn.push(`${name} hub: no NodePort or no node addresses set, the backend has no server`);
    servers.forEach((s, i) => out.push(`    server node-${i + 1} ${q(s.address)}:${s.port} check${s.source ? ` source ${q(s.source)}` : ""}`));
    out.push("");
  }
  out.push("backend e2x-none", "    http-request deny deny_status 404", "");
  if (warn.length) out.splice(1, 0, ...warn.map((w) => `# warning: ${w}`));
  return out.join("\n");
}
