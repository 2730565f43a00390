import { expect, test } from "@playwright/test";
import { shot, signIn } from "./helpers";

test("the cluster page says the exam hub refuses every sign-in; haproxy.cfg follows the settings; the preview shows mount changes", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/cluster");
  const access = page.getByTestId("hub-access");
  await expect(access).toContainText("Exam hub: refuses every sign-in");
  await expect(access).toContainText("Assignment hub: LDAP sign-in");

  // the network in front of the hubs: a wrong address is refused next to its field
  const lb = page.getByLabel("Load balancer addresses (one per line)");
  await lb.fill("192.0.2.10\n999.1.1.1");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("999.1.1.1: An IP address such as")).toBeVisible();
  await lb.fill("192.0.2.10");
  await page.getByLabel("Cluster node addresses (one per line)").fill("192.0.2.21\n192.0.2.22");
  await page.getByLabel("Exam hub NodePort").fill("31123");
  await page.getByLabel("Exam hub host").fill("exam.e2x.example.edu");
  await page.getByLabel("Exam period").fill("PZ2");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await shot(page, "cluster-hub-access");

  const cfg = await page.request.get("/api/cluster/haproxy.cfg");
  expect(cfg.status()).toBe(200);
  const text = await cfg.text();
  expect(text).toContain("acl host-exam hdr(host),field(1,:) -i exam.e2x.example.edu");
  expect(text).toContain("http-request deny deny_status 403 if host-exam !from-exam-rooms");
  expect(text).toContain("server node-2 192.0.2.22:31123 check");
  expect(text).toContain("http-request set-header X-Forwarded-For %[src]");

  // a new exam period moves every exam home: the preview lists it mount by mount
  await page.goto("/cluster/push");
  await page.getByRole("button", { name: "Preview changes" }).click();
  const mounts = page.getByTestId("mount-changes");
  await expect(mounts).toBeVisible();
  await expect(mounts).toContainText("exam hub");
  await expect(mounts).toContainText("/home/jovyan");
  await expect(mounts).toContainText("PZ2");
  await shot(page, "push-preview-mount-changes");

  // back to the first exam period, so later tests see the defaults
  await page.goto("/cluster");
  await page.getByLabel("Exam period").fill("PZ1");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
});
