// np-guard's offline NetworkPolicy connectivity analysis for tests: which workloads may talk to
// which under a directory of policies and pods, as "src => dst : conn" lines in one canonical
// spelling whichever analyzer ran.
//
// Analyzer: .cache/bin/k8snetpolicy (np-guard netpol-analyzer, `list --dirpath DIR -o json`), or
// np-guard's Network Config Analyzer (`nca --connectivity -r DIR -o txt_no_fw_rules`) when the Go
// build failed; scripts/provision/netpol.sh provides one of them.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

export function analyzeConnectivity(dir: string): { analyzer: "k8snetpolicy" | "nca"; lines: string[] } {
  execFileSync("bash", [path.join(ROOT, "scripts/provision/netpol.sh")], { stdio: "inherit", cwd: ROOT });
  const bin = path.join(ROOT, ".cache/bin");
  if (fs.existsSync(path.join(bin, "k8snetpolicy"))) {
    const items = JSON.parse(execFileSync(path.join(bin, "k8snetpolicy"), ["list", "--dirpath", dir, "-o", "json"], { encoding: "utf8" })) as {
      src: string;
      dst: string;
      conn: string;
    }[];
    return { analyzer: "k8snetpolicy", lines: mergeRanges(items.map((i) => [i.src, i.dst, canonicalConn(i.conn)])) };
  }
  const out = execFileSync(path.join(bin, "nca"), ["--connectivity", "-r", dir, "-o", "txt_no_fw_rules"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const lines = mergeRanges(
    out
      .split("\n")
      .filter((l) => l.includes(" => "))
      .map((l) => {
        const m = /^(.*?) => (.*?) : (.*)$/.exec(l.trim())!;
        return [m[1], m[2], canonicalConn(m[3])];
      }),
  );
  return { analyzer: "nca", lines };
}

function canonicalConn(conn: string): string {
  const c = conn.trim();
  if (/^all connections$/i.test(c) || c === "All") return "All";
  const nca = /^\{protocols:([^,]+(?:, *[A-Z]+)*),dst_ports:([^}]+)\}$/.exec(c);
  const parts: string[] = [];
  if (nca) for (const proto of nca[1].split(",").map((p) => p.trim())) parts.push(`${proto} ${nca[2]}`);
  else for (const p of c.split(/[,;]/).map((x) => x.trim())) parts.push(p);
  return parts.sort().join(",");
}

const ipNum = (ip: string) => ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
const numIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");

/** Adjacent address ranges with the same source and connection as one range (analyzers split them differently). */
function mergeRanges(rows: string[][]): string[] {
  const ranges = new Map<string, [number, number][]>();
  const out: string[] = [];
  for (const [src, dst, conn] of rows) {
    const m = /^(\d+\.\d+\.\d+\.\d+)(?:-(\d+\.\d+\.\d+\.\d+))?$/.exec(dst.trim());
    if (!m) {
      out.push(`${src.trim()} => ${dst.trim()} : ${conn}`);
      continue;
    }
    const key = `${src.trim()}\u0000${conn}`;
    const list = ranges.get(key) ?? [];
    list.push([ipNum(m[1]), ipNum(m[2] ?? m[1])]);
    ranges.set(key, list);
  }
  for (const [key, list] of ranges) {
    const [src, conn] = key.split("\u0000");
    list.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const r of list) {
      const last = merged[merged.length - 1];
      if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
      else merged.push([...r]);
    }
    for (const [a, b] of merged) out.push(`${src} => ${a === b ? numIp(a) : `${numIp(a)}-${numIp(b)}`} : ${conn}`);
  }
  return out.sort();
}
