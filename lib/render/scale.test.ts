import { expect, it } from "vitest";
import { largeModel } from "./fixtures";
import { CONFIGMAP_LIMIT_BYTES, renderAll } from "./index";

it("20,000 users x 3 courses fit in ConfigMaps below 1 MiB each", () => {
  const started = performance.now();
  const result = renderAll(largeModel(20_000, 3, 120));
  const ms = Math.round(performance.now() - started);
  const s = result.stats.profiles.assignment!;
  const line =
    `assignment hub: ${s.users} users, ${s.profiles} distinct profiles -> ${s.configMaps} ConfigMaps ` +
    `(${s.userShards} user shards, ${s.profileShards} profile shards, 1 index), ` +
    `total ${s.totalBytes} bytes, largest ${s.maxBytes} bytes (limit ${CONFIGMAP_LIMIT_BYTES}), rendered in ${ms} ms`;
  console.log(line);
  for (const [name, size] of Object.entries(s.bytesByConfigMap)) console.log(`  ${name}: ${size} bytes`);
  expect(s.users).toBe(20_000 + 120); // students + one grader per course
  expect(s.userShards).toBeGreaterThan(1);
  for (const o of result.objects.filter((x) => x.kind === "ConfigMap")) {
    const bytes = Object.entries(o.data as Record<string, string>).reduce(
      (n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v),
      0,
    );
    expect(bytes, o.metadata.name).toBeLessThan(CONFIGMAP_LIMIT_BYTES);
    // the whole object (metadata included) stays below the limit too
    expect(Buffer.byteLength(JSON.stringify(o)), o.metadata.name).toBeLessThan(CONFIGMAP_LIMIT_BYTES);
  }
}, 60_000);
