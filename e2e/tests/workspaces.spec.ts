import { type BrowserContext, expect, type Page, test } from "@playwright/test";
import { clientFor } from "../helpers/api";
import { signUp, uniqueEmail } from "../helpers/auth";

/** Cookie-authenticated API calls from a page's context, any status returned for the test to assert. */
async function apiCall(page: Page, route: "POST /api/sessions" | "POST /api/sessions/{sessionId}/start", data?: unknown, id = "") {
  const client = await clientFor(page);
  return client.callRaw(route, {
    params: { sessionId: id },
    body: JSON.stringify(data ?? {}),
    headers: { "content-type": "application/json" },
    acceptErrors: true,
  });
}

test("invite a second person, accept, make them a viewer: they cannot start a session", async ({ page, browser }) => {
  // Owner: sign up, make a team workspace and switch to it from the header.
  await signUp(page, uniqueEmail("owner"));
  await page
    .getByTestId("workspace-switcher")
    .getByRole("button", { name: /Switch workspace/ })
    .click();
  await page.getByRole("menuitem", { name: "New workspace" }).click();
  await page.getByLabel("New workspace name").fill("Rocket Team");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.getByTestId("current-workspace")).toHaveText("Rocket Team");
  await expect(page.getByTestId("current-role")).toHaveText("owner");

  // A session in the team workspace for the viewer to (not) start.
  const created = await apiCall(page, "POST /api/sessions", { name: "team-box", start: false });
  expect(created.status).toBe(201);
  const sessionId = ((await created.json()) as { session: { id: string } }).session.id;

  // Invite bound to the second person's email; the code is shown once.
  const guestEmail = uniqueEmail("guest");
  await page.goto("/workspace/members");
  await page.getByTestId("invite-email").fill(guestEmail);
  await page.getByTestId("invite-role").selectOption("member");
  await page.getByTestId("create-invite").click();
  const code = (await page.getByTestId("invite-code").textContent())?.trim() ?? "";
  expect(code).toMatch(/^bfi_/);
  const link = (await page.getByTestId("invite-link").textContent())?.trim() ?? "";

  // Second person in their own browser context with their own virtual authenticator.
  const guestContext: BrowserContext = await browser.newContext();
  const guest = await guestContext.newPage();
  try {
    await signUp(guest, guestEmail);
    await guest.goto(new URL(link).pathname + new URL(link).search);
    await expect(guest.getByTestId("join-code")).toHaveValue(code);
    await guest.getByTestId("join-submit").click();
    await expect(guest.getByTestId("join-success")).toContainText("Rocket Team");
    await expect(guest.getByTestId("join-success")).toContainText("member");

    // The code is single use: a second try says so.
    await guest.goto(`/join?code=${encodeURIComponent(code)}`);
    await guest.getByTestId("join-submit").click();
    await expect(guest.getByTestId("join-error")).toContainText("already used");

    // Owner makes them a viewer.
    await page.reload();
    const role = page.getByRole("combobox", { name: `Role of ${guestEmail}` });
    await expect(role).toHaveValue("member");
    await role.selectOption("viewer");
    await expect(role).toHaveValue("viewer");
    await page.reload();
    await expect(page.getByRole("combobox", { name: `Role of ${guestEmail}` })).toHaveValue("viewer");

    // The viewer sees the team workspace as viewer, the session, and no way to start or create one.
    await guest.goto("/sessions");
    await expect(guest.getByTestId("current-workspace")).toHaveText("Rocket Team");
    await expect(guest.getByTestId("current-role")).toHaveText("viewer");
    const row = guest.locator('tr[data-session="team-box"]');
    await expect(row).toBeVisible();
    await expect(row.locator('[data-action="start"]')).toHaveCount(0);
    await expect(guest.getByRole("button", { name: /New session/ })).toHaveCount(0);

    // And the API refuses it too, naming the role.
    const start = await apiCall(guest, "POST /api/sessions/{sessionId}/start", {}, sessionId);
    expect(start.status).toBe(403);
    expect(((await start.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: "forbidden",
      message: expect.stringContaining("viewer"),
    });
    const create = await apiCall(guest, "POST /api/sessions", { name: "sneaky", start: false });
    expect(create.status).toBe(403);

    // The owner's audit log shows the whole story.
    await page.goto("/workspace/audit");
    const actions = page.getByTestId("audit-table").locator("tbody tr");
    await expect(actions.filter({ hasText: "member.role_change" })).toHaveCount(1);
    await expect(actions.filter({ hasText: "invite.accept" })).toHaveCount(1);
    await expect(actions.filter({ hasText: "invite.create" })).toHaveCount(1);
  } finally {
    await guestContext.close();
  }
});

test("secrets, plan (read-only for owners) and usage chart, audit log and rename from the workspace pages", async ({ page }) => {
  await signUp(page, uniqueEmail("pages"));

  // Secrets: set one, see the name but never the value, replace it, delete it.
  await page.getByRole("link", { name: "Secrets" }).click();
  await page.getByTestId("secret-name").fill("DATABASE_URL");
  await page.getByTestId("secret-value").fill("postgres://very-secret");
  await page.getByTestId("save-secret").click();
  const row = page.locator('tr[data-secret="DATABASE_URL"]');
  await expect(row).toBeVisible();
  await expect(page.locator("body")).not.toContainText("very-secret");
  await page.getByTestId("secret-name").fill("DATABASE_URL");
  await expect(page.getByTestId("save-secret")).toHaveText("Replace");
  await page.getByTestId("secret-value").fill("postgres://rotated");
  await page.getByTestId("save-secret").click();
  await expect(page.getByTestId("secret-name")).toHaveValue("");
  await row.getByRole("button", { name: "Delete DATABASE_URL" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete" }).click();
  await expect(row).toHaveCount(0);

  // Plan and usage: the charts draw against the quota; only operators change plans, so the owner sees no control.
  await page.getByRole("link", { name: "Usage" }).click();
  await expect(page.getByTestId("plan-name")).toHaveText("free");
  await expect(page.getByTestId("chart-build-minutes-quota")).toContainText("120 min");
  await expect(page.getByTestId("chart-storage-quota")).toContainText("2.0 GiB");
  await expect(page.getByTestId("chart-runtime").locator("rect")).toHaveCount(30);
  await page.getByRole("button", { name: "7 days" }).click();
  await expect(page.getByTestId("chart-runtime").locator("rect")).toHaveCount(7);
  await expect(page.getByTestId("plan-select")).toHaveCount(0);
  await expect(page.getByTestId("plan-name")).toHaveText("free");

  // Settings: rename; the header follows.
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByTestId("workspace-name-input").fill("Renamed Space");
  await page.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByTestId("current-workspace")).toHaveText("Renamed Space");

  // Audit: everything above, newest first, filterable by action prefix.
  await page.getByRole("link", { name: "Audit log" }).click();
  const entries = page.getByTestId("audit-table").locator("tbody tr");
  await expect(entries.first()).toHaveAttribute("data-action", "workspace.rename");
  await expect(entries.filter({ hasText: "plan.change" })).toHaveCount(0);
  await page.getByLabel("Action starts with").fill("secret.");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(entries).toHaveCount(3);
  expect(await entries.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action")))).toEqual([
    "secret.delete",
    "secret.update",
    "secret.create",
  ]);
});
