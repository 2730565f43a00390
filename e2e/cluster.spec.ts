import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { DB_FILE, query, shot, signIn, signOut } from "./helpers";

// The e2e server has no KUBECONFIG: pushes go to the export target under its data dir.
const EXPORT_DIR = path.join(path.dirname(DB_FILE), "export");

test("admin previews, applies and sees the push in the history; a grader is refused", async ({ page }) => {
  await signIn(page, "admin");
  await page.getByRole("link", { name: "Cluster" }).click();
  await expect(page.getByRole("heading", { name: "Cluster", level: 1 })).toBeVisible();
  await expect(page.getByTestId("target")).toContainText("Export target:");
  await expect(page.getByTestId("target")).toContainText(EXPORT_DIR);
  await expect(page.getByText("Profile ConfigMaps and the 1 MiB limit")).toBeVisible();
  await expect(page.getByRole("meter").first()).toBeVisible();
  // Nothing exported yet: the drift lists every object as missing.
  await expect(page.getByTestId("drift")).toContainText("missing");
  await expect(page.getByRole("heading", { name: "Nothing pushed yet" })).toBeVisible();
  await shot(page, "cluster-overview-empty");

  // Settings: a wrong CIDR is refused next to the field, a valid one is saved.
  const cidrs = page.getByLabel("Exam source networks (CIDR, one per line)");
  await cidrs.fill("192.0.2.0/24\n300.0.0.0/8");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("300.0.0.0/8: A CIDR such as")).toBeVisible();
  await expect(cidrs).toHaveValue("192.0.2.0/24\n300.0.0.0/8");
  await cidrs.fill("192.0.2.0/24\n198.51.100.0/25");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  expect(query<{ n: number }>("select count(*) n from audit_log where action = 'cluster.settings'")[0].n).toBe(1);

  // Preview (keyboard), then apply through the confirmation dialog.
  await page.getByRole("link", { name: "Preview and push" }).click();
  await expect(page.getByRole("heading", { name: "Preview and push" })).toBeVisible();
  const previewButton = page.getByRole("button", { name: "Preview changes" });
  await previewButton.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("push-preview")).toBeVisible();
  await expect(page.getByText(/Preview ready: \d+ to create/)).toBeVisible();
  const creates = await page.locator('[data-testid="plan-item"][data-action="create"]').count();
  expect(creates).toBeGreaterThan(10);
  // a first push deletes nothing: the preview says so instead of offering a box for "delete 0 objects"
  await expect(page.getByTestId("prune-nothing")).toHaveText("There is nothing to clean up.");
  await expect(page.getByRole("checkbox", { name: /prune/ })).toHaveCount(0);
  expect(fs.existsSync(EXPORT_DIR) ? fs.readdirSync(EXPORT_DIR) : []).toEqual([]); // a preview writes nothing
  await shot(page, "cluster-preview");

  await page.getByRole("button", { name: "Apply…" }).click();
  const dialog = page.getByRole("dialog", { name: "Apply these changes?" });
  await expect(dialog).toBeVisible();
  await shot(page, "cluster-confirm");
  const streamed = page.waitForResponse((r) => r.url().endsWith("/api/cluster/push") && r.request().method() === "POST");
  await dialog.getByRole("button", { name: "Apply now" }).click();
  // The push streams its progress, object by object (the stream itself is read below).
  expect((await streamed).headers()["content-type"]).toContain("application/x-ndjson");
  await expect(page.getByTestId("push-result")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("push-result")).toContainText("Succeeded");
  await expect(page.getByTestId("push-progress-label")).toContainText(`${creates} of ${creates} objects done`);
  await expect(page.getByTestId("push-progress-recent").getByRole("listitem")).toHaveCount(6);
  await shot(page, "cluster-result");
  expect(fs.existsSync(path.join(EXPORT_DIR, "e2x-exam", "configmap-e2x-profiles-exam.yaml"))).toBe(true);
  const pushes = query<{ id: number; status: string; applied_count: number }>("select id, status, applied_count from pushes");
  expect(pushes).toEqual([{ id: 1, status: "ok", applied_count: creates }]);

  // The history row on the overview, and the push detail page.
  await page.getByRole("link", { name: "Cluster", exact: true }).first().click();
  const history = page.getByTestId("push-history");
  await expect(history.getByRole("row")).toHaveCount(2);
  await expect(history).toContainText("admin");
  await expect(history).toContainText("ok");
  await expect(page.getByTestId("drift")).toContainText("In sync");
  await shot(page, "cluster-overview-after");
  await history.getByRole("link", { name: "#1" }).click();
  await expect(page.getByRole("heading", { name: /Push #1/ })).toBeVisible();
  await expect(page.getByText(`${creates} objects in`)).toBeVisible();
  await shot(page, "cluster-push-detail");

  // Someone edits an exported object by hand: the overview shows the drift, a repeat of
  // push #1 (with current data) shows the field before -> after and puts it back.
  const indexFile = path.join(EXPORT_DIR, "e2x-exam", "configmap-e2x-profiles-exam.yaml");
  fs.writeFileSync(indexFile, fs.readFileSync(indexFile, "utf8").replace(/meta\.json: .*/, 'meta.json: "{}"'));
  await page.getByRole("link", { name: "Cluster", exact: true }).first().click();
  await expect(page.getByTestId("drift")).toContainText("1 object differ");
  await expect(page.getByTestId("drift")).toContainText("e2x-exam/e2x-profiles-exam");
  await page.goto("/cluster/pushes/1");
  await page.getByRole("link", { name: "Push again with current data" }).click();
  await expect(page.getByRole("heading", { name: "Push again (repeats #1)" })).toBeVisible();
  await page.getByRole("button", { name: "Preview changes" }).click();
  const changed = page.locator('[data-testid="plan-item"][data-action="change"]');
  await expect(changed).toHaveCount(1);
  await expect(changed).toContainText('data["meta.json"]');
  await expect(changed.locator("code").first()).toHaveText("{}");
  await expect(page.getByRole("button", { name: "Preview again" })).toBeEnabled();
  await shot(page, "cluster-preview-change");
  await page.getByRole("button", { name: "Apply…" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Apply now" }).click();
  await expect(page.getByTestId("push-result")).toContainText("1 written");
  expect(query<{ retry_of: number | null; applied_count: number }>("select retry_of, applied_count from pushes where id = 2")).toEqual([{ retry_of: 1, applied_count: 1 }]);

  // The stream itself: a plan that is no longer the previewed one is refused with the new plan;
  // applying that one streams a line per object, then the stored outcome.
  type Line = { type: string; done?: number; total?: number; plan?: { fingerprint: string; items: unknown[] }; outcome?: { pushId: number } };
  const post = async (fingerprint: string) => {
    const r = await page.request.post("/api/cluster/push", { data: { fingerprint, prune: true } });
    expect(r.headers()["content-type"]).toContain("application/x-ndjson");
    return (await r.text()).trim().split("\n").map((l) => JSON.parse(l) as Line);
  };
  const stale = await post("0".repeat(32));
  expect(stale.map((l) => l.type)).toEqual(["step", "step", "stale"]);
  const fresh = stale[2].plan!;
  const lines = await post(fresh.fingerprint);
  expect(lines.map((l) => l.type).slice(0, 3)).toEqual(["step", "step", "apply"]);
  const objects = lines.filter((l) => l.type === "object");
  expect(objects).toHaveLength(fresh.items.length);
  expect(objects.map((l) => l.done)).toEqual(objects.map((_, i) => i + 1));
  expect(lines.at(-1)).toMatchObject({ type: "done", outcome: { pushId: 3 } });

  // Downloads.
  const bundle = await page.request.get("/api/cluster/bundle.yaml");
  expect(bundle.status()).toBe(200);
  const bundleText = await bundle.text();
  expect(bundleText).toContain("kind: NetworkPolicy");
  // the exam rooms are a hub setting: in the hub's ConfigMap the portal pushes, not in the chart values
  expect(bundleText).toContain("name: e2x-portal-hub");
  expect(bundleText).toContain("198.51.100.0/25");
  const values = await page.request.get("/api/cluster/values/exam.yaml");
  expect(values.status()).toBe(200);
  const valuesText = await values.text();
  expect(valuesText).toMatch(/e2x-portal\/values-digest: [0-9a-f]{16}/);
  expect(valuesText).toContain("mountPath: /usr/local/etc/jupyterhub/jupyterhub_config.d/e2x_portal_config.py");
  expect(valuesText).not.toContain("198.51.100.0/25");
  expect((await page.request.get("/api/cluster/values/nope.yaml")).status()).toBe(404);
  // The push endpoint takes JSON from the portal's pages only (no form posts from elsewhere).
  expect((await page.request.post("/api/cluster/push", { form: { fingerprint: "x".repeat(32) } })).status()).toBe(403);
  expect((await page.request.post("/api/cluster/push", { data: { fingerprint: "x".repeat(32) }, headers: { origin: "https://evil.example" } })).status()).toBe(403);
  await signOut(page);

  // A grader has no cluster rights.
  await signIn(page, "gustav");
  await expect(page.getByRole("link", { name: "Cluster" })).toHaveCount(0);
  await page.goto("/cluster");
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  await page.goto("/cluster/push");
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  expect((await page.request.get("/api/cluster/bundle.yaml")).status()).toBe(403);
  expect((await page.request.post("/api/cluster/push", { data: { fingerprint: "x".repeat(32), prune: true } })).status()).toBe(403);
  expect(query<{ n: number }>("select count(*) n from pushes")[0].n).toBe(3);
  await shot(page, "cluster-forbidden");
});
