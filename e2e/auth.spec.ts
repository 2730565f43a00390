import { expect, test } from "@playwright/test";
import { query, shot, signIn, signOut } from "./helpers";

test.describe("sign-in", () => {
  test("wrong password is refused with a clear message and no session", async ({ page }) => {
    await page.goto("/");
    await expect(page).toHaveURL(/\/sign-in/);
    await shot(page, "sign-in");
    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("form [role=alert]")).toHaveText("Wrong username or password.");
    await shot(page, "sign-in-error");
    await page.goto("/courses");
    await expect(page).toHaveURL(/\/sign-in/);
    const failures = query<{ summary: string; after: string | null }>("select summary, after from audit_log where action = 'auth.sign-in-failed'");
    expect(failures.length).toBeGreaterThan(0);
    expect(JSON.stringify(failures)).not.toContain("not-the-password");
  });

  const roles = [
    { username: "admin", name: "Portal Admin", sees: ["Staff", "Cluster", "Audit log"], hidden: [] },
    { username: "irene", name: "Irene Instruktorin", sees: ["Courses"], hidden: ["Staff", "Audit log"] },
    { username: "gustav", name: "Gustav Grader", sees: ["Courses"], hidden: ["Staff", "Audit log", "Cluster"] },
    // a supervisor sees the exams they supervise, no course: no course list leading nowhere
    { username: "susanne", name: "Susanne Aufsicht", sees: ["Exams"], hidden: ["Courses", "Staff", "Audit log", "Cluster"] },
  ];
  for (const r of roles) {
    test(`${r.username} signs in and sees the navigation of the role`, async ({ page }) => {
      await signIn(page, r.username);
      await expect(page.getByTestId("current-user")).toHaveText(r.name);
      await expect(page.getByRole("heading", { level: 1 })).toContainText("Hello");
      const nav = page.getByRole("navigation", { name: "Main" });
      for (const item of r.sees) await expect(nav.getByRole("link", { name: item })).toBeVisible();
      for (const item of r.hidden) await expect(nav.getByRole("link", { name: item })).toHaveCount(0);
      // the greeting uses the whole name ("Hello, Portal" read oddly)
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Hello, ${r.name}`);
      // without a course, the figures are the supervised exams', not three zeros for courses
      await expect(page.getByText("Upcoming exams", { exact: true })).toHaveCount(r.sees.includes("Courses") || r.username === "admin" ? 0 : 1);
      await shot(page, `dashboard-${r.username}`);
      await signOut(page);
      await page.goto("/");
      await expect(page).toHaveURL(/\/sign-in/);
    });
  }

  test("an LDAP user signs in through the directory and gets the role of the group", async ({ page }) => {
    await signIn(page, "ian", "ian-pw-1");
    await expect(page.getByTestId("current-user")).toHaveText("Ian Instructor");
    const row = query<{ role: string; source: string; password_hash: string | null }>("select role, source, password_hash from users where username = 'ian'")[0];
    expect(row).toEqual({ role: "instructor", source: "ldap", password_hash: null });
  });

  test("an LDAP user with no portal group is refused", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByLabel("Username").fill("stud1");
    await page.getByLabel("Password").fill("stud1-pw-1");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("form [role=alert]")).toContainText("give you no role");
  });
});
