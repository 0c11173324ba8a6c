import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ApiClient } from "@burstflare/sdk/client";
import { E2E_PORT } from "../../test/ports";

/** Where scripts/test-stack.mjs leaves the e2e stack operator's API token (owner-only). */
const OPERATOR_FILE = path.resolve(import.meta.dirname, `../../.wrangler/e2e-${E2E_PORT}-state-operator.json`);

/**
 * The e2e stack's operator client, for seeding routes (POST /api/admin/seed/…). The stack answers
 * /api/health before its operator has signed up, so the first call waits for the file.
 */
export async function operatorClient(): Promise<ApiClient> {
  const deadline = Date.now() + 60_000;
  while (!existsSync(OPERATOR_FILE)) {
    if (Date.now() > deadline) throw new Error(`no operator file at ${OPERATOR_FILE}: did scripts/test-stack.mjs sign one up?`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const { token } = JSON.parse(readFileSync(OPERATOR_FILE, "utf8")) as { token: string };
  return new ApiClient({ baseURL: `http://localhost:${E2E_PORT}`, headers: () => ({ authorization: `Bearer ${token}` }), validate: true });
}
