import Database from "better-sqlite3";
import { expect, test } from "@playwright/test";
import { CLUSTER_DB_FILE, CLUSTER_URL, queryDb, shot, shotOf, signIn } from "./helpers";

// Against the second server (e2e/serve-cluster.ts): a real API server where the assignment and
// exam hubs were installed once with the portal's values; the grading hub is not installed.
test.use({ baseURL: CLUSTER_URL });

const q = <T,>(sql: string, ...p: unknown[]) => queryDb<T>(CLUSTER_DB_FILE, sql, ...p);
const day = (d: Date) => new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "Europe/Berlin" }).format(d);

async function preview(page: import("@playwright/test").Page) {
  await page.goto("/cluster/push");
  await page.getByRole("button", { name: "Preview changes" }).click();
  await expect(page.getByTestId("push-preview")).toBeVisible({ timeout: 30_000 });
}

test("hub configuration: installed once, then pushed with restarts said plainly; an open exam guards the exam hub; drift of the chart values", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/cluster");
  await expect(page.getByTestId("target")).toContainText("Cluster https://127.0.0.1:");
  await expect(page.getByTestId("drift-assignment")).toHaveText("Values of the assignment hub are up to date: Helm installed exactly what the portal renders now.");
  await expect(page.getByTestId("drift-exam")).toContainText("Values of the exam hub are up to date");
  await expect(page.getByTestId("drift-grading")).toHaveText("The grading hub is not installed yet: install it once with its values.");
  await expect(page.getByTestId("values-grading")).toContainText(
    "helm upgrade --install grading jupyterhub --repo https://hub.jupyter.org/helm-chart/ --version 4.4.0 --namespace e2x-grading --values values-grading.yaml",
  );
  await expect(page.getByTestId("hub-values")).toContainText("Only helm upgrade changes");
  await expect(page.getByTestId("hub-values")).toContainText("term images: the pre-puller and the default image");
  await shot(page, "hub-values-installed");
  await shotOf(page.getByTestId("hub-values"), "hub-values-installed-card");

  // the first push brings the installed hubs their configuration: they restart
  await preview(page);
  const assignment = page.getByTestId("restart-assignment");
  await expect(assignment).toContainText("The assignment hub restarts; 2 servers keep running, sign-ins pause for about 20 s.");
  await expect(assignment).toContainText("Servers counted on the cluster just now: singleuser pods (component=singleuser-server) in e2x-assignment.");
  await expect(page.getByTestId("restart-grading")).toContainText("The grading hub is not installed yet");
  await shot(page, "push-preview-restarts");
  await shotOf(page.getByTestId("hub-restarts"), "push-preview-restarts-card");
  await page.getByRole("button", { name: "Apply…" }).click();
  const dialog = page.getByRole("dialog", { name: "Apply these changes?" });
  await expect(dialog).toContainText("The exam hub restarts; no servers are running there, sign-ins pause for about 20 s.");
  await dialog.getByRole("button", { name: "Apply now" }).click();
  await expect(page.getByTestId("push-result")).toContainText("Succeeded", { timeout: 30_000 });
  await expect(page.getByTestId("push-result")).toContainText("restarted");

  // an exam opens (fixture: its lifecycle state set directly); an admin adds a hub admin
  const term = q<{ id: number }>("select t.id from terms t join courses c on c.id = t.course_id where c.code = 'datasci' and t.term = 'WS25'")[0];
  const db = new Database(CLUSTER_DB_FILE);
  const now = Date.now();
  db.prepare(
    "insert into exams (term_id, title, period, starts_at, ends_at, examiners, header_lines, status, opened_at) values (?, 'Data Science final', 'PZ1', ?, ?, '[]', '[]', 'open', ?)",
  ).run(term.id, now - 600_000, now + 3_600_000, now - 600_000);
  db.close();
  await page.goto("/cluster");
  await page.getByLabel("Further hub admins (one per line)").fill("operator");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();

  await preview(page);
  const exam = page.getByTestId("restart-exam");
  await expect(exam).toContainText("The exam hub restarts; no servers are running there, sign-ins pause for about 20 s.");
  await expect(exam).toContainText("What changes: hub admins.");
  await expect(exam.getByRole("alert")).toHaveText(
    "An exam is open: Data Science final (datasci-WS25). The exam hub is not restarted during an open exam: this push is refused unless you force the restart below.",
  );
  await expect(page.getByRole("button", { name: "Apply…" })).toBeDisabled();
  await shot(page, "push-preview-exam-open");
  await shotOf(page.getByTestId("hub-restarts"), "push-preview-exam-open-card");
  await page.getByLabel("Restart the exam hub during the open exam").check();
  await page.getByRole("button", { name: "Apply…" }).click();
  const forced = page.getByRole("dialog", { name: "Restart the exam hub during the open exam?" });
  await expect(forced).toContainText("The exam Data Science final is open.");
  await shotOf(forced, "push-confirm-exam-restart");
  await forced.getByRole("button", { name: "Apply and restart the exam hub" }).click();
  await expect(page.getByTestId("push-result")).toContainText("Succeeded", { timeout: 30_000 });
  const audit = q<{ summary: string }>("select summary from audit_log where action = 'cluster.push' order by id desc limit 1")[0];
  expect(audit.summary).toMatch(/restarted the assignment hub and exam hub during an open exam \(forced\)/);

  // an instructor's term gets a new image: a push for the profiles, a helm upgrade for the pre-puller
  await page.goto(`/courses/${q<{ course_id: number }>("select course_id from terms where id = ?", term.id)[0].course_id}/terms/${term.id}`);
  await page.getByLabel("Notebook image").fill("ghcr.io/digiklausur/e2xgrader-notebook:2026.1");
  await page.getByRole("button", { name: "Save changes" }).click();
  // saved, and said to wait for the next push
  await expect(page.getByText("Saved. The hubs get the change with the next push.", { exact: true })).toBeVisible();
  await page.goto("/cluster");
  await expect(page.getByTestId("drift-exam")).toHaveText(`Values of the exam hub are out of date since ${day(new Date())}: the term images changed.`);
  await expect(page.getByTestId("values-exam")).toContainText(
    "helm upgrade exam jupyterhub --repo https://hub.jupyter.org/helm-chart/ --version 4.4.0 --namespace e2x-exam --values values-exam.yaml",
  );
  await expect(page.getByTestId("drift-assignment")).toContainText("out of date");
  await shot(page, "hub-values-out-of-date");
  await shotOf(page.getByTestId("hub-values"), "hub-values-out-of-date-card");
});
