/** Kubernetes quantities to the units KubeSpawner's traits take. */

/** CPU quantity ("500m", "2", "1.5") to cores as a number (KubeSpawner's `cpu_*` are floats). */
export function cpuToCores(q: string): number {
  const m = /^(\d+)m$/.exec(q);
  if (m) return Number(m[1]) / 1000;
  const n = Number(q);
  if (!Number.isFinite(n) || n < 0) throw new Error(`bad CPU quantity ${q}`);
  return n;
}

const MEM_UNITS: Record<string, number> = {
  "": 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** Memory quantity ("512Mi", "2G") to bytes (KubeSpawner's `mem_*` accept plain integers). */
export function memToBytes(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|K|M|G|T)?$/.exec(q);
  if (!m) throw new Error(`bad memory quantity ${q}`);
  return Math.round(Number(m[1]) * MEM_UNITS[m[2] ?? ""]);
}
