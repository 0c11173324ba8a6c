import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { adminReportSchema } from "@burstflare/sdk/schemas/admin";
import { buildSchema } from "@burstflare/sdk/schemas/builds";
import { sessionEventSchema } from "@burstflare/sdk/schemas/sessions";
import { snapshotSchema } from "@burstflare/sdk/schemas/snapshots";
import { describe, expect, it } from "vitest";
import { until } from "./helpers/api";
import { flare, flareHome, flareJSON, signIn, spawnFlare, templateDir, useSignedInUser } from "./helpers/flare";
import { stackOperator } from "./helpers/users";

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** Every command group beyond the main journey (test/stack/cli.test.ts), each parsed from --json. */
describe("flare commands against the stack", () => {
  const cli = useSignedInUser();

  it("workspace: list, create, switch by name, members, invite", async () => {
    const first = await flareJSON<{ workspaces: { id: string; current: boolean; role: string }[] }>(cli.fh, ["workspace", "list"]);
    expect(first.workspaces).toEqual([expect.objectContaining({ id: cli.user.workspaceId, current: true, role: "owner" })]);

    const name = `team-${Date.now().toString(36)}`;
    const created = await flareJSON<{ workspace: { id: string; name: string } }>(cli.fh, ["workspace", "create", name]);
    const switched = await flareJSON<{ workspace: { id: string } }>(cli.fh, ["workspace", "switch", name]);
    expect(switched.workspace.id).toBe(created.workspace.id);
    const me = await flareJSON<{ workspace: { id: string } }>(cli.fh, ["auth", "whoami"]);
    expect(me.workspace.id).toBe(created.workspace.id);

    const members = await flareJSON<{ members: { email: string; role: string }[] }>(cli.fh, ["workspace", "members"]);
    expect(members.members).toEqual([expect.objectContaining({ email: cli.user.email, role: "owner" })]);
    const invite = await flareJSON<{ code: string; invite: { id: string; role: string; email: string | null } }>(cli.fh, [
      "workspace",
      "invite",
      "ana@example.com",
      "--role",
      "admin",
    ]);
    expect(invite.invite).toMatchObject({ role: "admin", email: "ana@example.com" });
    expect(invite.code.length).toBeGreaterThanOrEqual(8);
    const invites = await flareJSON<{ invites: { id: string; status: string }[] }>(cli.fh, ["workspace", "invite", "--list"]);
    expect(invites.invites).toEqual([expect.objectContaining({ id: invite.invite.id, status: "pending" })]);

    const badRole = await flare(cli.fh, ["--json", "workspace", "invite", "--role", "king"]);
    expect(badRole.code).toBe(2);

    const back = await flareJSON<{ workspace: { id: string } }>(cli.fh, ["workspace", "switch", cli.user.workspaceId]);
    expect(back.workspace.id).toBe(cli.user.workspaceId);
  });

  it("template: upload versions, promote, rollback, delete a version, archive, restore, delete", async () => {
    const name = `tpl-${Date.now().toString(36)}`;
    await flareJSON(cli.fh, ["template", "create", name]);
    for (const version of ["1.0.0", "2.0.0"]) {
      const up = await flare(
        cli.fh,
        ["--json", "template", "upload", name, templateDir({ build: `echo ${version}` }), "-V", version, "--promote"],
        { timeoutMs: 180_000 },
      );
      expect(up.code, up.stderr).toBe(0);
    }
    const rolled = await flareJSON<{ template: { activeVersion: string } }>(cli.fh, ["template", "rollback", name]);
    expect(rolled.template.activeVersion).toBe("1.0.0");
    const promoted = await flareJSON<{ template: { activeVersion: string } }>(cli.fh, ["template", "promote", name, "-V", "2.0.0"]);
    expect(promoted.template.activeVersion).toBe("2.0.0");

    // A version goes on its own, freeing its storage; not the one a rollback returns to (1.0.0).
    const kept = await flare(cli.fh, ["--json", "template", "delete-version", name, "-V", "1.0.0"]);
    expect(kept.code).toBe(1);
    expect(JSON.parse(kept.stderr).error.code).toBe("invalid_state");
    const third = await flare(cli.fh, ["--json", "template", "upload", name, templateDir({ build: "echo 3" }), "-V", "3.0.0", "--wait"], {
      timeoutMs: 180_000,
    });
    expect(third.code, third.stderr).toBe(0);
    const freed = await flareJSON<{ ok: boolean; bytes: number }>(cli.fh, ["template", "delete-version", name, "-V", "3.0.0"]);
    expect(freed.bytes).toBeGreaterThan(0);
    const left = await flareJSON<{ versions: { version: string }[] }>(cli.fh, ["template", "inspect", name]);
    expect(left.versions.map((v) => v.version).sort()).toEqual(["1.0.0", "2.0.0"]);

    const archived = await flareJSON<{ template: { archived: boolean } }>(cli.fh, ["template", "archive", name]);
    expect(archived.template.archived).toBe(true);
    const again = await flare(cli.fh, ["--json", "template", "archive", name]);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stderr).error.code).toBe("invalid_state");
    const restored = await flareJSON<{ template: { archived: boolean } }>(cli.fh, ["template", "restore", name]);
    expect(restored.template.archived).toBe(false);

    await flareJSON(cli.fh, ["template", "delete", name]);
    const gone = await flare(cli.fh, ["--json", "template", "inspect", name]);
    expect(gone.code).toBe(1);
    expect(JSON.parse(gone.stderr).error.code).toBe("not_found");
  });

  it("build: a failing build exits non-zero with the fix, shows its log, and can be retried", async () => {
    const name = `broken-${Date.now().toString(36)}`;
    await flareJSON(cli.fh, ["template", "create", name]);
    const up = await flare(
      cli.fh,
      ["--json", "template", "upload", name, templateDir({ build: "echo about-to-fail; exit 3" }), "-V", "1", "--wait"],
      {
        timeoutMs: 180_000,
      },
    );
    expect(up.code).toBe(1);
    const err = JSON.parse(up.stderr.trim().split("\n").at(-1)!) as { error: { code: string; message: string } };
    expect(err.error.code).toBe("build_failed");

    const failed = await flareJSON<{ builds: { id: string; templateName: string }[] }>(cli.fh, ["build", "list", "--status", "failed"]);
    const build = failed.builds.find((b) => b.templateName === name);
    expect(build).toBeDefined();
    const log = await flareJSON<{ log: string }>(cli.fh, ["build", "log", build!.id]);
    expect(log.log).toContain("about-to-fail");

    const followed = await flare(cli.fh, ["--json", "build", "log", build!.id, "--follow"]);
    expect(followed.code).toBe(1);
    const lines = followed.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; status?: string; data?: string });
    expect(lines.at(-1)).toMatchObject({ type: "status", status: "failed" });
    expect(lines.some((l) => l.type === "log" && l.data?.includes("about-to-fail"))).toBe(true);

    const retried = await flareJSON<{ build: unknown }>(cli.fh, ["build", "retry", build!.id]);
    expect(["queued", "building", "failed"]).toContain(buildSchema.parse(retried.build).status);

    const badStatus = await flare(cli.fh, ["build", "list", "--status", "exploded"]);
    expect(badStatus.code).toBe(2);
    expect(badStatus.stderr).toContain("--status must be one of");
  });

  it("session and snapshot: events, restart, snapshot save/list/download/restore/delete, export", async () => {
    const name = `snap-${Date.now().toString(36)}`;
    const up = await flareJSON<{ session: { id: string; state: string } }>(cli.fh, ["session", "up", name], { timeoutMs: 120_000 });
    expect(up.session.state).toBe("running");

    // The stream replays recent events, so `--until running` returns once it has seen the start.
    const events = await flare(cli.fh, ["--json", "session", "events", name, "--until", "running"], { timeoutMs: 30_000 });
    expect(events.code).toBe(0);
    const parsed = events.stdout
      .trim()
      .split("\n")
      .map((l) => sessionEventSchema.parse(JSON.parse(l)));
    expect(parsed.at(-1)?.state).toBe("running");

    // Live: a watcher sees the restart's transitions as they happen.
    const lastSeq = parsed.at(-1)!.seq;
    const watcher = spawnFlare(cli.fh, ["--json", "session", "events", name, "--since", String(lastSeq)]);
    try {
      const restarted = await flareJSON<{ session: { state: string } }>(cli.fh, ["session", "restart", name], { timeoutMs: 120_000 });
      expect(restarted.session.state).toBe("running");
      await until(() => {
        const states = watcher.lines.map((l) => sessionEventSchema.parse(JSON.parse(l)));
        return states.some((e) => e.state === "stopping" || e.state === "stopped") && states.at(-1)?.state === "running";
      }, "the restart's events on the live stream");
      expect(watcher.lines.map((l) => sessionEventSchema.parse(JSON.parse(l)).seq).every((s) => s > lastSeq)).toBe(true);
    } finally {
      watcher.child.kill("SIGTERM");
      await watcher.exit;
    }

    const saved = await flareJSON<{ snapshot: unknown }>(cli.fh, ["snapshot", "save", name, "-l", "before change"], { timeoutMs: 120_000 });
    const snap = snapshotSchema.parse(saved.snapshot);
    expect(snap).toMatchObject({ label: "before change", status: "ready", kind: "manual" });
    const list = await flareJSON<{ snapshots: { id: string }[] }>(cli.fh, ["snapshot", "list", name]);
    expect(list.snapshots.map((s) => s.id)).toContain(snap.id);

    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "flare-snap-")), "snap.tar.gz");
    const dl = await flareJSON<{ file: string; bytes: number; sha256: string }>(cli.fh, [
      "snapshot",
      "download",
      name,
      snap.id,
      "-o",
      file,
    ]);
    expect(dl).toMatchObject({ file, bytes: snap.bytes, sha256: snap.sha256 });
    expect(sha256(readFileSync(file))).toBe(snap.sha256);

    const restored = await flareJSON<{
      restored: { id: string; baseId: string | null; label: string };
      safety: { id: string; kind: string };
    }>(cli.fh, ["snapshot", "restore", name, snap.id], {
      timeoutMs: 120_000,
    });
    // The restore point becomes a reference to the chosen snapshot: an increment over it that changes nothing (docs/snapshots.md).
    expect(restored.restored.baseId).toBe(snap.id);
    expect(restored.restored.label).toBe("restore of before change");
    expect(restored.safety.kind).toBe("safety");
    await flareJSON(cli.fh, ["snapshot", "delete", name, restored.safety.id]);
    const after = await flareJSON<{ snapshots: { id: string }[] }>(cli.fh, ["snapshot", "list", name]);
    expect(after.snapshots.map((s) => s.id)).not.toContain(restored.safety.id);

    const out = path.join(mkdtempSync(path.join(os.tmpdir(), "flare-export-")), "export.json");
    const exported = await flareJSON<{ file: string; sha256: string; export: { workspaceId: string } }>(cli.fh, ["export", "-o", out]);
    expect(exported.export.workspaceId).toBe(cli.user.workspaceId);
    expect(sha256(readFileSync(out))).toBe(exported.sha256);
    expect(readFileSync(out, "utf8")).toContain(name);

    await flareJSON(cli.fh, ["session", "delete", name], { timeoutMs: 120_000 });
  });

  it("admin: refused with the fix for a member; the report and a reconcile preview for an operator", async () => {
    const refused = await flare(cli.fh, ["admin", "report"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("error: operators only");

    const operator = stackOperator();
    const ofh = flareHome();
    signIn(ofh, operator);
    const report = adminReportSchema.parse(await flareJSON(ofh, ["admin", "report"]));
    expect(report.totals.users).toBeGreaterThanOrEqual(2);
    const human = await flare(ofh, ["admin", "report"]);
    expect(human.stdout).toMatch(/^builds dead-lettered: +\d+/);
    const preview = await flareJSON<{ preview: boolean }>(ofh, ["admin", "reconcile", "--preview"]);
    expect(preview.preview).toBe(true);
    const retried = await flareJSON<{ count: number }>(ofh, ["build", "retry-dead-lettered"]);
    expect(retried.count).toBeGreaterThanOrEqual(0);
  });

  it("doctor: all good when signed in; names the fix when signed out", async () => {
    const ok = await flareJSON<{ ok: boolean; checks: { name: string; status: string }[] }>(cli.fh, ["doctor"]);
    expect(ok.ok).toBe(true);
    expect(ok.checks.find((c) => c.name === "auth")?.status).toBe("ok");
    expect(ok.checks.find((c) => c.name === "ssh client")?.status).toBe("ok");

    const signedOut = flareHome();
    const r = await flare(signedOut, ["doctor"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("✗ auth: not signed in");
    expect(r.stdout).toContain("fix: run `flare auth login`");
  });
});
