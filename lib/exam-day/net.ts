/** Address checks on exam day, with Node's own BlockList (IPv4 and IPv6). */
import { BlockList, isIPv4, isIPv6 } from "node:net";

function family(ip: string): "ipv4" | "ipv6" | null {
  return isIPv4(ip) ? "ipv4" : isIPv6(ip) ? "ipv6" : null;
}

/** Whether the network `cidr` (a.b.c.d/n or v6) holds the address `ip`. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [net, bits] = cidr.split("/");
  const f = family(net);
  if (!f || family(ip) !== f) return false;
  const list = new BlockList();
  list.addSubnet(net, Number(bits ?? (f === "ipv4" ? 32 : 128)), f);
  return list.check(ip, f);
}

/** Whether the network `inner` lies inside one of `outer`. */
export function cidrInside(inner: string, outer: readonly string[]): boolean {
  const [net, bits] = inner.split("/");
  const f = family(net);
  if (!f) return false;
  const max = f === "ipv4" ? 32 : 128;
  return outer.some((o) => {
    const [onet, obits] = o.split("/");
    return family(onet) === f && Number(obits ?? max) <= Number(bits ?? max) && cidrContains(o, net);
  });
}
