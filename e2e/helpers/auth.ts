import { expect, type Page } from "@playwright/test";
import { addVirtualAuthenticator, type VirtualAuthenticator } from "./webauthn";

export interface SignedUpUser {
  email: string;
  recoveryCodes: string[];
  authenticator: VirtualAuthenticator;
}

let seq = 0;
/** A fresh address per call so specs can sign up as many people as they need. */
export const uniqueEmail = (tag = "e2e") => `${tag}-${Date.now().toString(36)}-${++seq}@example.com`;

/**
 * Registers a new account through the real sign-up page with a virtual passkey
 * and leaves the page signed in on the dashboard. Pass `authenticator` to reuse
 * one already attached to this page; `inviteCode` for invite-only stacks.
 */
export async function signUp(
  page: Page,
  email: string = uniqueEmail(),
  opts: { name?: string; inviteCode?: string; authenticator?: VirtualAuthenticator } = {},
): Promise<SignedUpUser> {
  const authenticator = opts.authenticator ?? (await addVirtualAuthenticator(page));
  await page.goto(opts.inviteCode ? `/signup?invite=${encodeURIComponent(opts.inviteCode)}` : "/signup");
  await page.getByLabel("Email").fill(email);
  if (opts.name) await page.getByLabel("Name (optional)").fill(opts.name);
  await page.getByRole("button", { name: "Create account with a passkey" }).click();
  const codes = page.getByTestId("recovery-codes").locator("li");
  await expect(codes).toHaveCount(10);
  const recoveryCodes = await codes.allTextContents();
  await page.getByTestId("recovery-codes-saved").click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("account-link")).toHaveText(opts.name ?? email);
  return { email, recoveryCodes, authenticator };
}

/** Signs out with the header button and waits for the sign-in page. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole("banner").getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/signin$/);
}
