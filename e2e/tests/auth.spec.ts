import { ApiError } from "@burstflare/sdk/errors";
import { deviceStartResponseSchema, meResponseSchema, tokenPairSchema } from "@burstflare/sdk/schemas/auth";
import { expect, test } from "@playwright/test";
import { cliClientFor } from "../helpers/api";
import { signOut, signUp, uniqueEmail } from "../helpers/auth";
import { addVirtualAuthenticator } from "../helpers/webauthn";

test("passkey account: register, sign out, sign in, second passkey, new recovery codes, recovery sign-in", async ({ page }) => {
  const email = uniqueEmail("journey");
  const first = await signUp(page, email);
  expect(first.recoveryCodes).toHaveLength(10);
  const stored = await first.authenticator.credentials();
  expect(stored).toHaveLength(1);
  expect(stored[0]?.isResidentCredential).toBe(true);

  // Signed-out visitors are sent to sign-in, and come back where they wanted to go.
  await signOut(page);
  await page.goto("/account");
  await expect(page).toHaveURL(/\/signin\?next=%2Faccount$/);
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("passkey-row")).toHaveCount(1);
  expect((await first.authenticator.credentials())[0]?.signCount).toBeGreaterThan(0);

  // A second passkey on another device (a second authenticator; the first one is put away).
  await first.authenticator.remove();
  const second = await addVirtualAuthenticator(page);
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByTestId("passkey-row")).toHaveCount(2);
  expect(await second.credentials()).toHaveLength(1);

  // New recovery codes replace the old ones.
  await page.getByTestId("regenerate-recovery-codes").click();
  const fresh = page.getByTestId("recovery-codes").locator("li");
  await expect(fresh).toHaveCount(10);
  const freshCodes = await fresh.allTextContents();
  expect(freshCodes).not.toContain(first.recoveryCodes[0]);

  // Sign in with the second passkey.
  await signOut(page);
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("account-link")).toHaveText(email);

  // Recovery after losing every passkey: an old code is refused, a fresh one works once,
  // then the page offers a passkey for the new device.
  await signOut(page);
  await second.remove();
  await addVirtualAuthenticator(page);
  await page.getByRole("link", { name: "Use a recovery code" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Recovery code").fill(first.recoveryCodes[0]!);
  await page.getByRole("button", { name: "Sign in with recovery code" }).click();
  await expect(page.getByRole("alert")).toContainText("recovery code is wrong");
  await page.getByLabel("Recovery code").fill(freshCodes[0]!);
  await page.getByRole("button", { name: "Sign in with recovery code" }).click();
  await expect(page.getByTestId("recovery-remaining")).toContainText("9");
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByTestId("passkey-added")).toBeVisible();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("account-link")).toHaveText(email);
  await page.goto("/account");
  await expect(page.getByTestId("passkey-row")).toHaveCount(3);
  await expect(page.getByTestId("recovery-remaining")).toContainText("9 of 10");
});

test("conditional UI: focusing the email field offers the passkey in autofill and signs in with it", async ({ page }) => {
  const { email } = await signUp(page);
  await signOut(page);
  await expect(page).toHaveURL(/\/signin/);
  // The virtual authenticator answers the autofill request the way a person picking the passkey would.
  await page.getByLabel("Email (optional)").focus();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("account-link")).toHaveText(email);
});

test("approve a CLI device code from the page; the CLI's exchange then succeeds", async ({ page, request }) => {
  const { email } = await signUp(page);
  const cli = cliClientFor(request);
  const device = await cli.call("POST /api/cli/device/start", { schema: deviceStartResponseSchema });
  const exchange = { deviceCode: device.deviceCode };

  const pending = await cli.call("POST /api/cli/device/exchange", { body: exchange }).catch((err: unknown) => err);
  expect(pending).toBeInstanceOf(ApiError);
  expect(pending).toMatchObject({ code: "authorization_pending", status: 400 });

  await page.goto(new URL(device.verificationUriComplete).pathname + new URL(device.verificationUriComplete).search);
  await expect(page.getByTestId("device-code")).toHaveValue(device.userCode);
  await expect(page.getByText(`The CLI will act as ${email}`)).toBeVisible();
  // When and from which client it was asked for: a phished link shows someone else's.
  await expect(page.getByTestId("device-request")).toContainText(/Requested .* by /);
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByTestId("device-approved")).toBeVisible();

  const tokens = await cli.call("POST /api/cli/device/exchange", { body: exchange, schema: tokenPairSchema });
  const asCLI = cliClientFor(request, tokens.accessToken);
  const me = await asCLI.call("GET /api/auth/me", { schema: meResponseSchema });
  expect(me.user.email).toBe(email);

  // The CLI sign-in shows up on the account page and can be revoked there.
  await page.goto("/account");
  const cliRow = page.locator('[data-testid="sign-in-row"][data-kind="cli"]');
  await expect(cliRow).toHaveCount(1);
  await cliRow.getByRole("button", { name: "Revoke" }).click();
  await expect(cliRow).toHaveCount(0);
  const after = await asCLI.callRaw("GET /api/auth/me", { acceptErrors: true });
  expect(after.status).toBe(401);
});
