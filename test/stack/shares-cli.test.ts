import { sessionLatencyResponse } from "@burstflare/sdk/schemas/metrics";
import { createShareResponse, shareAccessListResponse, shareListResponse, shareResponse } from "@burstflare/sdk/schemas/shares";
import { describe, expect, it } from "vitest";
import { api, baseURL, createSession, expectOK, getSession, until } from "./helpers/api";
import { flare, flareJSON, signedInUser } from "./helpers/flare";
import { createSessionWithManifest } from "./helpers/templates";

/** `flare share create|list|revoke|log` and the CLI's start-on-intent signal, as a user runs them. */
describe("flare share", () => {
  it("creates, lists, logs and revokes links with --json", async () => {
    const { user, fh } = await signedInUser();
    const session = await createSession(user, { name: "cli-share", start: false });

    const created = createShareResponse.parse(
      await flareJSON(fh, ["share", "create", "cli-share", "--scope", "people", "--email", "ana@example.com", "--expires", "2h"]),
    );
    expect(created.share).toMatchObject({ scope: "people", emails: ["ana@example.com"], status: "active" });
    expect(Date.parse(created.share.expiresAt) - Date.parse(created.share.createdAt)).toBe(2 * 3600 * 1000);
    // The link handed out opens on the session's public preview host (entering it moves to a visit's
    // own host); its path form is checked on the app origin.
    const url = new URL(created.url);
    expect(url.hostname).toMatch(/^[a-z2-7]+\.localhost$/);
    expect(url.pathname).toBe(created.path.replace("/runtime/share/", "/__burstflare/share/"));

    // A signed-out visit is refused and logged.
    expect((await fetch(`${baseURL()}${created.path}`)).status).toBe(401);
    const log = shareAccessListResponse.parse(await flareJSON(fh, ["share", "log", "cli-share"]));
    expect(log.entries.map((e) => [e.shareId, e.outcome, e.reason])).toEqual([[created.share.id, "refused", "sign_in_required"]]);

    const listed = shareListResponse.parse(await flareJSON(fh, ["share", "list", session.id]));
    expect(listed.shares.map((s) => s.id)).toEqual([created.share.id]);
    const human = await flare(fh, ["share", "list", "cli-share"]);
    expect(human.stdout).toContain("ana@example.com");

    const revoked = shareResponse.parse(await flareJSON(fh, ["share", "revoke", "cli-share", created.share.id]));
    expect(revoked.share.status).toBe("revoked");
    expect((await fetch(`${baseURL()}${created.path}`)).status).toBe(410);
  });

  it("refuses bad flags with a usage error and a missing link with not_found", async () => {
    const { user, fh } = await signedInUser();
    await createSession(user, { name: "cli-bad", start: false });
    const badScope = await flare(fh, ["--json", "share", "create", "cli-bad", "--scope", "everyone"]);
    expect(badScope.code).toBe(2);
    expect(JSON.parse(badScope.stderr).error.code).toBe("validation_failed");
    const badExpiry = await flare(fh, ["--json", "share", "create", "cli-bad", "--scope", "anyone", "--expires", "soon"]);
    expect(badExpiry.code).toBe(2);
    const noEmails = await flare(fh, ["--json", "share", "create", "cli-bad", "--scope", "people"]);
    expect(noEmails.code).toBe(1);
    expect(JSON.parse(noEmails.stderr).error.code).toBe("validation_failed");
    const missing = await flare(fh, ["--json", "share", "revoke", "cli-bad", "shr_missing"]);
    expect(JSON.parse(missing.stderr).error.code).toBe("not_found");
  });

  it("`flare session up` on a sleeping session marked for it signals intent first", async () => {
    const { user, fh } = await signedInUser();
    const session = await createSessionWithManifest(
      user,
      { persistedPaths: ["."], idleTimeoutSeconds: 5 },
      { name: "cli-intent", startOnIntent: true },
    );
    await until(async () => (await getSession(user, session.id)).state === "sleeping", "asleep", 40_000);
    const up = await flareJSON<{ session: { state: string } }>(fh, ["session", "up", "cli-intent"], { timeoutMs: 90_000 });
    expect(up.session.state).toBe("running");
    const latency = await until(async () => {
      const body = sessionLatencyResponse.parse(
        await expectOK(await api(user, "GET /api/sessions/{sessionId}/latency", { params: { sessionId: session.id } })),
      );
      return body.session.wake.count === 1 ? body : null;
    }, "the wake measured");
    expect(latency.session.intent.wakes).toBe(1);
  });
});
