import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { api, expectOK } from "../stack/helpers/api";
import { readSSE } from "../stack/helpers/sse";
import { createSessionWithManifest } from "../stack/helpers/templates";
import { createStackUser, type StackUser } from "../stack/helpers/users";

/**
 * A viewer may not read the workspace's secrets, but reads every session's events. A bootstrap
 * step that prints a secret and fails puts its output in a warning there: the value must not come
 * with it.
 */

const running: [StackUser, string][] = [];
afterEach(async () => {
  for (const [owner, sessionId] of running.splice(0)) await api(owner, "POST /api/sessions/{sessionId}/stop", { params: { sessionId } });
});

/** A session whose workspace has secret API_KEY and whose template's bootstrap is `bootstrap`. */
async function sessionWithSecret(name: string, secretBytes: number, bootstrap: string) {
  const owner = await createStackUser();
  const secret = `sk_${randomBytes(secretBytes).toString("hex")}`;
  await expectOK(await api(owner, "PUT /api/workspaces/current/secrets", { body: { name: "API_KEY", value: secret } }));
  const session = await createSessionWithManifest(owner, { persistedPaths: ["."], bootstrap }, { name });
  running.push([owner, session.id]);
  return { owner, secret, sessionId: session.id };
}

describe("secret values in session events", () => {
  it("a failing bootstrap's output reaches viewers with the workspace secret masked", async () => {
    const { owner, secret, sessionId } = await sessionWithSecret("leaky-bootstrap", 12, 'echo "calling the API with key $API_KEY"; exit 3');
    const viewer = await createStackUser({ workspaceId: owner.workspaceId, role: "viewer" });
    const events = await api(viewer, "GET /api/sessions/{sessionId}/events", { params: { sessionId } });
    const text = await readSSE(events, (t) => t.includes("calling the API with key"));
    expect(text).toContain("bootstrap exited 3: calling the API with key ***");
    expect(text).not.toContain(secret);
    // The session itself still has the value: masking is for what others read, not the runtime.
    const env = await api(owner, "POST /api/sessions/{sessionId}/exec", {
      params: { sessionId },
      body: { command: `test "$API_KEY" = "${secret}" && echo same` },
    });
    expect(await env.text()).toContain("same");
  });

  it("a secret cut by the warning's 500-character window shows none of its tail", async () => {
    // Raw, the last 500 characters begin inside the key; masked, the whole output fits.
    const { owner, secret, sessionId } = await sessionWithSecret(
      "cut-bootstrap",
      20,
      "echo \"T=$API_KEY\"; head -c 480 /dev/zero | tr '\\0' x; echo; exit 1",
    );
    const events = await api(owner, "GET /api/sessions/{sessionId}/events", { params: { sessionId } });
    const text = await readSSE(events, (t) => t.includes("bootstrap exited 1"));
    expect(text).toContain("bootstrap exited 1: T=***");
    for (let n = 6; n <= secret.length; n += 6) expect(text).not.toContain(secret.slice(-n));
  });
});
