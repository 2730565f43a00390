// A full disk under the data directory and under the export target: small tmpfs file systems
// made by the test in a mount namespace of its own (`unshare --user --map-root-user --mount`:
// no root needed where unprivileged user namespaces are allowed). The scenario runs in that
// namespace (support/full-disk.ts) through the portal's own code; this test judges what it saw.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import de from "@/lib/i18n/messages/de.json";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "e2x-disk-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function runInNamespace(): Promise<{ code: number | null; out: string; err: string }> {
  const data = path.join(root, "data");
  const exp = path.join(root, "export");
  fs.mkdirSync(data);
  fs.mkdirSync(exp);
  const script = [
    "set -e",
    `mount -t tmpfs -o size=24m tmpfs "${data}"`,
    `mount -t tmpfs -o size=2m tmpfs "${exp}"`,
    `exec "${process.execPath}" --conditions=react-server --import tsx tests/integration/support/full-disk.ts "${data}" "${exp}"`,
  ].join("\n");
  return new Promise((resolve) => {
    const child = spawn("unshare", ["--user", "--map-root-user", "--mount", "--propagation", "private", "/bin/sh", "-c", script], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => resolve({ code, out, err }));
  });
}

describe("a full disk", () => {
  it("data directory: the import fails with a clear error, the database stays intact, the retry works; export target: the push fails clearly and the previous export stays as it was", { timeout: 180_000 }, async () => {
    const r = await runInNamespace();
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const o = JSON.parse(r.out.trim().split("\n").at(-1)!);

    // the data directory
    expect(o.dataBefore.check).toBe("ok");
    expect(o.importOnFullDisk).toEqual({ ok: false, code: "SQLITE_FULL", key: "errors.dbFull", message: de.errors.dbFull });
    expect(o.dataWhileFull).toEqual(o.dataBefore);
    expect(o.importRetried.added).toBe(3000);
    expect(o.dataAfter).toEqual({ check: "ok", students: o.dataBefore.students + 3000 });

    // the export target
    expect(o.firstPush).toBe("ok");
    expect(o.exportFiles).toBeGreaterThan(5);
    expect(o.planned.create + o.planned.change).toBeGreaterThan(1);
    expect(o.pushOnFullDisk.status).toBe("failed");
    expect(o.pushOnFullDisk.applied).toBe(0);
    expect(o.pushOnFullDisk.error).toMatch(
      // the script runs as the portal does, in German: the push's error is worded for a German admin
      /^Abgebrochen nach 0 der geplanten Schreibvorgänge: Der Datenträger des Exportordners ist voll \(ENOSPC\) beim Schreiben von .*\.yaml\. Im Exportordner wurde nichts geändert; schaffen Sie Platz und übertragen Sie erneut\./,
    );
    expect(o.exportUnchanged).toBe(true);
    expect(o.leftovers).toEqual([]);
    expect(o.pushRetried).toBe("ok");
    expect(o.afterRetry).toMatchObject({ create: 0, change: 0, prune: 0, error: 0 });
  });
});
