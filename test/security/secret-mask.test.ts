import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { api, createSession, expectOK } from "../stack/helpers/api";
import { readSSE } from "../stack/helpers/sse";
import { createStackTemplate } from "../stack/helpers/templates";
import { createStackUser } from "../stack/helpers/users";

/**
 * A viewer may not read the workspace's secrets, but reads every session's events. A bootstrap
 * step that prints a secret and fails puts its output in a warning there: the value must not come
 * with it.
 */
describe("secret values in session events", () => {
  it("a failing bootstrap's output reaches viewers with the workspace secret masked", async () => {
    const owner = await createStackUser();
    const secret = `sk_${randomBytes(12).toString("hex")}`;
    await expectOK(await api(owner, "PUT /api/workspaces/current/secrets", { body: { name: "API_KEY", value: secret } }));
    const templateId = await createStackTemplate(owner.workspaceId, {
      persistedPaths: ["."],
      bootstrap: 'echo "calling the API with key $API_KEY"; exit 3',
    });
    const session = await createSession(owner, { name: "leaky-bootstrap", templateId });
    const viewer = await createStackUser({ workspaceId: owner.workspaceId, role: "viewer" });
    const events = await api(viewer, "GET /api/sessions/{sessionId}/events", { params: { sessionId: session.id } });
    const text = await readSSE(events, (t) => t.includes("calling the API with key"));
    expect(text).toContain("bootstrap exited 3: calling the API with key ***");
    expect(text).not.toContain(secret);
    try {
      // The session itself still has the value: masking is for what others read, not the runtime.
      const env = await api(owner, "POST /api/sessions/{sessionId}/exec", {
        params: { sessionId: session.id },
        body: { command: 'test "$API_KEY" = "' + secret + '" && echo same' },
      });
      expect(await env.text()).toContain("same");
    } finally {
      await api(owner, "POST /api/sessions/{sessionId}/stop", { params: { sessionId: session.id } });
    }
  });

  it("a secret cut by the warning's 500-character window shows none of its tail", async () => {
    const owner = await createStackUser();
    const secret = `sk_${randomBytes(20).toString("hex")}`;
    await expectOK(await api(owner, "PUT /api/workspaces/current/secrets", { body: { name: "API_KEY", value: secret } }));
    // Raw, the last 500 characters begin inside the key; masked, the whole output fits.
    const templateId = await createStackTemplate(owner.workspaceId, {
      persistedPaths: ["."],
      bootstrap: "echo \"T=$API_KEY\"; head -c 480 /dev/zero | tr '\\0' x; echo; exit 1",
    });
    const session = await createSession(owner, { name: "cut-bootstrap", templateId });
    try {
      const events = await api(owner, "GET /api/sessions/{sessionId}/events", { params: { sessionId: session.id } });
      const text = await readSSE(events, (t) => t.includes("bootstrap exited 1"));
      expect(text).toContain("bootstrap exited 1: T=***");
      for (let n = 6; n <= secret.length; n += 6) expect(text).not.toContain(secret.slice(-n));
    } finally {
      await api(owner, "POST /api/sessions/{sessionId}/stop", { params: { sessionId: session.id } });
    }
  });
});
