import { returns } from "@burstflare/sdk/client";
import { seededTemplateSchema } from "@burstflare/sdk/schemas/seed";
import { expect, test } from "@playwright/test";
import { clientFor } from "../helpers/api";
import { signUp } from "../helpers/auth";
import { operatorClient } from "../helpers/operator";

/**
 * Issue 12 in a real browser: the Share dialog (anyone link opened signed out, then revoked)
 * and start on intent (opening the dashboard wakes a sleeping session marked for it).
 */

/** A workspace template with a short idle timeout, seeded by the stack's operator (no build needed). */
async function sleepyTemplate(workspaceId: string): Promise<string> {
  const operator = await operatorClient();
  const { templateId } = await operator.call("POST /api/admin/seed/templates", {
    body: { workspaceId, name: "sleepy", manifest: { persistedPaths: ["."], idleTimeoutSeconds: 5 } },
    schema: seededTemplateSchema,
  });
  return templateId;
}

interface SessionBody {
  session: { id: string; state: string; workspaceId: string };
}

test("share dialog: an anyone link shows the preview to a signed-out visitor until it is revoked", async ({ page, browser }) => {
  test.setTimeout(180_000);
  await signUp(page);
  const api = await clientFor(page);
  const { session } = await api.call("POST /api/sessions", { body: { name: "shared-preview" }, returns: returns<SessionBody>() });
  expect(session.state).toBe("running");

  await page.goto(`/sessions/${session.id}`);
  await page.getByTestId("share-button").click();
  const dialog = page.getByTestId("share-dialog");
  await dialog.getByTestId("share-scope-anyone").check();
  await dialog.getByTestId("share-expiry").selectOption({ label: "1 hour" });
  await dialog.getByTestId("share-create").click();
  const url = (await dialog.getByTestId("share-url").locator("code").textContent()) ?? "";
  // The link opens on the session's own (public) preview host, not on the app's origin.
  expect(url).toMatch(/^http:\/\/[a-z2-7]+\.localhost:\d+\/__burstflare\/share\/bfsh_[A-Za-z0-9_-]+\/$/);
  const row = dialog.getByTestId("share-list").locator("tbody tr");
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute("data-status", "active");

  // A fresh, signed-out browser sees the starter's page through the link, framed from the preview host.
  const visitor = await browser.newContext();
  const guest = await visitor.newPage();
  const framed = guest.frameLocator('[data-testid="preview-shell-frame"]');
  await expect(async () => {
    await guest.goto(url);
    await expect(framed.getByRole("heading", { name: "Hello from BurstFlare" })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  // Each entry moves to a fresh visit's own host under the session's label (`<label>-v<visit>`).
  const label = new URL(url).hostname.split(".")[0] ?? "";
  const visitHost = new RegExp(`^${label}-v[a-z2-7]{20}\\.localhost$`);
  const frame = guest.frames().find((f) => f.url().startsWith("http") && visitHost.test(new URL(f.url()).hostname));
  expect(frame, "the preview frame is on a visit's own host").toBeTruthy();
  // The only cookies are the link's visit cookies, host-only on visit hosts (one per entry); none on
  // the app, none on the link's public host.
  const cookies = await visitor.cookies();
  expect(cookies.map((c) => c.name)).toEqual(cookies.map(() => "__Host-bf_share"));
  expect(cookies.every((c) => visitHost.test(c.domain))).toBe(true);
  expect(cookies.map((c) => c.domain)).toContain(new URL(frame?.url() ?? "http://x").hostname);

  // The owner's access log names the anonymous visit.
  await expect(dialog.getByTestId("share-access-log").locator("tbody tr[data-outcome='allowed']").first()).toContainText("anonymous", {
    timeout: 20_000,
  });

  // Revoke: the very next visit is refused.
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row).toHaveAttribute("data-status", "revoked");
  const refused = await guest.goto(url);
  expect(refused?.status()).toBe(410);
  await expect(guest.getByTestId("share-page")).toHaveAttribute("data-reason", "revoked");
  await expect(guest.getByRole("heading", { name: "This link was revoked" })).toBeVisible();
  await visitor.close();
});

test("start on intent: opening the dashboard wakes a sleeping session marked for it, without a click", async ({ page }) => {
  test.setTimeout(180_000);
  await signUp(page);
  const api = await clientFor(page);
  const { workspaces } = await api.call("GET /api/workspaces", { returns: returns<{ workspaces: { id: string }[] }>() });
  const workspaceId = workspaces[0]?.id ?? "";
  expect(workspaceId).not.toBe("");
  const templateId = await sleepyTemplate(workspaceId);
  const { session } = await api.call("POST /api/sessions", {
    body: { name: "wake-me", templateId, startOnIntent: true },
    returns: returns<SessionBody>(),
  });

  // Away from the dashboard while it idles to sleep (the detail page fires no intent).
  await page.goto(`/sessions/${session.id}`);
  await expect(page.getByTestId("start-on-intent")).toBeChecked();
  const sessionState = async () =>
    (await api.call("GET /api/sessions/{sessionId}", { params: { sessionId: session.id }, returns: returns<SessionBody>() })).session.state;
  await expect.poll(sessionState, { timeout: 60_000 }).toBe("sleeping");

  const startCalls: string[] = [];
  page.on("request", (r) => {
    if (/\/api\/sessions\/[^/]+\/(start|restart)$/.test(new URL(r.url()).pathname)) startCalls.push(r.url());
  });
  const intent = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/intent");
  await page.goto("/");
  const answer = await (await intent).json();
  expect(answer).toMatchObject({ action: "waking", sessionId: session.id });
  await expect.poll(sessionState, { timeout: 60_000 }).toMatch(/^(starting|running)$/);
  await expect.poll(sessionState, { timeout: 60_000 }).toBe("running");
  expect(startCalls).toEqual([]);

  // The session detail page shows the measured wake.
  await page.goto(`/sessions/${session.id}`);
  await expect(page.getByTestId("latency-session-wake")).toContainText(/\d+(\.\d+)? s/);
});
