import { expect, test } from "@playwright/test";
import { termOf } from "./exam-helpers";
import { query, shot, signIn } from "./helpers";

test("the cluster page says who may sign in to the exam hub; haproxy.cfg follows the settings; the preview shows mount changes", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/cluster");
  const access = page.getByTestId("hub-access");
  // one-time passwords of the open exams, or every sign-in refused while none is open
  await expect(access).toContainText(/Exam hub: one-time passwords( of “.+” \(PZ\d, \d+ accounts\)|, but no exam is open: it refuses every sign-in)/);
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

  // a term's share moved: the preview lists it mount by mount, on every hub the term is on
  const term = termOf("mathe1", "WS25");
  const courseId = query<{ id: number }>("select course_id id from terms where id = ?", term)[0].id;
  const moveShare = async (to: string) => {
    await page.goto(`/courses/${courseId}/terms/${term}`);
    await page.getByLabel("Mount 4 path in the notebook").fill(to);
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByText("Saved.")).toBeVisible();
  };
  await moveShare("/srv/kurs/{course}");
  await page.goto("/cluster/push");
  await page.getByRole("button", { name: "Preview changes" }).click();
  const mounts = page.getByTestId("mount-changes");
  await expect(mounts).toBeVisible();
  await expect(mounts).toContainText("assignment hub");
  await expect(mounts).toContainText("/srv/kurs/mathe1");
  await expect(mounts).toContainText("/srv/shares/mathe1");
  await shot(page, "push-preview-mount-changes");
  // back, so later tests see the defaults
  await moveShare("/srv/shares/{course}");
});
