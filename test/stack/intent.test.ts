import { intentResponse } from "@burstflare/sdk/schemas/intent";
import { sessionLatencyResponse } from "@burstflare/sdk/schemas/metrics";
import { describe, expect, it } from "vitest";
import { api, expectOK, getSession, until } from "./helpers/api";
import { createSessionWithManifest } from "./helpers/templates";
import { TerminalClient } from "./helpers/terminal";
import { createStackUser, type StackUser } from "./helpers/users";

/** Start on intent against the real stack: a sleeping session wakes from a surface's intent alone. */

async function sleepingSession(user: StackUser, name: string, startOnIntent: boolean): Promise<string> {
  const session = await createSessionWithManifest(user, { persistedPaths: ["."], idleTimeoutSeconds: 5 }, { name, startOnIntent });
  await until(async () => (await getSession(user, session.id)).state === "sleeping", `${name} asleep`, 40_000);
  return session.id;
}

async function intent(user: StackUser, body: Record<string, unknown>) {
  return intentResponse.parse(await expectOK(await api(user, "POST /api/intent", { body }), 202));
}

describe("start on intent", () => {
  it("the dashboard's intent moves the user's marked sleeping session to starting and running, no start call", async () => {
    const user = await createStackUser();
    const id = await sleepingSession(user, "intent-dash", true);
    const answer = await intent(user, { surface: "dashboard" });
    expect(answer).toMatchObject({ action: "waking", sessionId: id });
    expect(answer.intentId).toMatch(/^int_/);
    await until(async () => (await getSession(user, id)).state === "running", "woken by intent", 60_000);

    const term = await TerminalClient.open(id, user.headers);
    term.send("echo READY-$((6*7))\r");
    await term.waitFor("READY-42");
    await term.close();

    // The wake was measured, and the intent knows when the session was ready and when the user came.
    const latency = await until(async () => {
      const body = sessionLatencyResponse.parse(
        await expectOK(await api(user, "GET /api/sessions/{sessionId}/latency", { params: { sessionId: id } })),
      );
      return body.session.intent.connected === 1 ? body : null;
    }, "intent connect recorded");
    expect(latency.session.wake.count).toBe(1);
    expect(latency.session.wake.p50Ms).toBeGreaterThan(0);
    expect(latency.session.start.count).toBe(1);
    expect(latency.session.intent.wakes).toBe(1);
    expect(latency.session.intent.medianSavedMs).toBeGreaterThan(0);
    expect(latency.recent[0]).toMatchObject({ kind: "wake", ok: true });
    expect(Object.keys(latency.recent[0]?.phases ?? {})).toContain("provisioning");

    // Awake now: a second intent has nothing to do.
    expect(await intent(user, { surface: "cli" })).toMatchObject({ action: "running", intentId: null });
  });

  it("leaves unmarked sessions asleep, and the ssh surface wakes the named session", async () => {
    const user = await createStackUser();
    const unmarked = await sleepingSession(user, "intent-off", false);
    expect(await intent(user, { surface: "dashboard" })).toMatchObject({ action: "none" });
    expect(await intent(user, { surface: "workbench", sessionId: unmarked })).toMatchObject({ action: "none" });
    expect((await getSession(user, unmarked)).state).toBe("sleeping");

    await expectOK(await api(user, "PATCH /api/sessions/{sessionId}", { params: { sessionId: unmarked }, body: { startOnIntent: true } }));
    expect(await intent(user, { surface: "ssh", sessionId: unmarked })).toMatchObject({ action: "waking", sessionId: unmarked });
    await until(async () => (await getSession(user, unmarked)).state === "running", "woken for ssh", 60_000);
  });
});
