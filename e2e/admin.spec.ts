import { expect, test } from "@playwright/test";
import { query, shot, signIn, signInFirstTime, signOut } from "./helpers";

test("an admin creates a staff account whose password is shown once and works", async ({ page }) => {
  await signIn(page, "admin");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Staff" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Staff accounts");

  // bad input is explained next to the field
  const form = page.getByRole("form", { name: "New local account" });
  await form.getByLabel("Username").fill("no spaces");
  await form.getByLabel("Display name").fill("Nora Neu");
  await form.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#username-error")).toContainText("Letters, digits");

  await form.getByLabel("Username").fill("nora");
  await form.getByLabel("Role").selectOption("grader");
  await form.getByRole("button", { name: "Create account" }).click();
  const secret = page.getByTestId("one-time-password");
  await expect(secret).toBeVisible();
  const password = (await secret.textContent())!.trim();
  expect(password).toHaveLength(16);
  await shot(page, "staff");
  const row = query<{ password_hash: string }>("select password_hash from users where username = 'nora'")[0];
  expect(row.password_hash).toMatch(/^scrypt\$/);
  expect(row.password_hash).not.toContain(password);

  await page.reload();
  await expect(page.getByTestId("one-time-password")).toHaveCount(0);

  // the audit log shows the creation, never the password
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
  await page.getByLabel("Search").fill("nora");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByRole("cell", { name: "Created staff account nora (grader)" })).toBeVisible();
  await shot(page, "audit");
  expect(JSON.stringify(query("select * from audit_log"))).not.toContain(password);

  await signOut(page);
  // the generated password opens only the password change
  await page.getByLabel("Username").fill("nora");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/password$/);
  await expect(page.getByRole("heading", { name: "Choose your own password" })).toBeVisible();
  await shot(page, "password-change-forced");
  await page.goto("/courses");
  await expect(page).toHaveURL(/\/password$/);
  const term = query<{ id: number }>("select t.id from terms t join courses c on c.id = t.course_id where c.code = 'mathe1' and t.term = 'WS25'")[0];
  const api = await page.request.get(`/api/terms/${term.id}/roster?format=e2x`);
  expect(api.status()).toBe(403);
  // page.request sends no Accept-Language: the answer is in German, the portal's default
  expect(await api.json()).toEqual({ error: "Bitte ändern Sie zuerst Ihr Passwort." });
  // bad input is explained, and changes nothing
  await page.getByLabel("Current password").fill(password);
  await page.getByLabel("New password", { exact: true }).fill("nora-and-more");
  await page.getByLabel("New password again").fill("nora-and-more");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.locator("#password-error")).toContainText("The password must not contain your username.");
  // what was typed stays, and the focus is on the field to correct
  await expect(page.getByLabel("Current password")).toHaveValue(password);
  await expect(page.getByLabel("New password again")).toHaveValue("nora-and-more");
  await expect(page.getByLabel("New password", { exact: true })).toBeFocused();
  await page.getByLabel("New password", { exact: true }).fill("short");
  await page.getByLabel("New password again").fill("short");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.locator("#password-error")).toContainText("At least 12 characters.");
  await shot(page, "password-change-error");
  await page.getByLabel("Current password").fill(password);
  await page.getByLabel("New password", { exact: true }).fill("Mein-eigenes-Passwort-7");
  await page.getByLabel("New password again").fill("Mein-eigenes-Passwort-7");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByTestId("current-user")).toHaveText("Nora Neu");
  expect(query<{ must_change_password: number }>("select must_change_password from users where username = 'nora'")[0].must_change_password).toBe(0);
  await signOut(page);
  // the generated one no longer works, the chosen one does
  await page.getByLabel("Username").fill("nora");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form [role=alert]")).toHaveText("Wrong username or password.");
  await signIn(page, "nora", "Mein-eigenes-Passwort-7");
  // and self-service later on: the link in the sidebar
  await page.getByRole("link", { name: "Change password" }).click();
  await expect(page.getByRole("heading", { name: "Change password" })).toBeVisible();
  await shot(page, "password-change");
});

test("the last admin cannot be demoted", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/staff");
  await page.getByRole("button", { name: "Edit admin" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit admin" });
  await dialog.getByLabel("Role").selectOption("grader");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByRole("alert")).toContainText("last active admin");
  expect(query<{ role: string }>("select role from users where username = 'admin'")[0].role).toBe("admin");
});

test("deactivating an account ends its session at the next request", async ({ page, browser }) => {
  await signIn(page, "admin");
  await page.goto("/staff");
  const form = page.getByRole("form", { name: "New local account" });
  await form.getByLabel("Username").fill("tessa");
  await form.getByLabel("Display name").fill("Tessa Temp");
  await form.getByLabel("Role").selectOption("supervisor");
  await form.getByRole("button", { name: "Create account" }).click();
  const password = (await page.getByTestId("one-time-password").textContent())!.trim();

  const other = await browser.newContext();
  const tessa = await other.newPage();
  await signInFirstTime(tessa, "tessa", password, "Sonne-Mond-Sterne-42");

  await page.reload();
  await page.getByRole("button", { name: "Edit tessa" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit tessa" });
  await dialog.getByLabel("Active (can sign in)").uncheck();
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("row", { name: /Tessa Temp/ }).getByText("deactivated")).toBeVisible();

  await tessa.goto("/courses");
  await expect(tessa).toHaveURL(/\/sign-in\?expired=1/);
  await expect(tessa.getByText("Your session has ended. Sign in again.")).toBeVisible();
  await tessa.getByLabel("Username").fill("tessa");
  await tessa.getByLabel("Password").fill("Sonne-Mond-Sterne-42");
  await tessa.getByRole("button", { name: "Sign in" }).click();
  // the same answer as for a wrong password: a right guess for a deactivated account shows nothing
  await expect(tessa.locator("form [role=alert]")).toHaveText("Wrong username or password.");
  await other.close();
});
