import { env } from "cloudflare:workers";
import type { Build } from "@burstflare/sdk/schemas/builds";
import type { Manifest } from "@burstflare/sdk/schemas/manifest";
import type { UploadResult } from "@burstflare/sdk/schemas/templates";
import { describe, expect, it } from "vitest";
import { findStuckBuilds } from "../../src/builds/stuck";
import { resolveTemplateForSession } from "../../src/templates/resolve";
import { operatorUser } from "../helpers/operator";
import { readTargz, targz } from "../helpers/tar";
import {
  createTemplate,
  createVersion,
  expectDeadLetteredRetry,
  finished,
  insertTestBuild,
  upload,
  waitForBuild,
} from "../helpers/templates";
import { call, createTestUser, type TestUser } from "../helpers/users";

async function uploadVersion(user: TestUser, templateId: string, version: string, manifest: Manifest) {
  const created = await createVersion(user, templateId, version, manifest);
  const res = await upload(
    user,
    created.uploadGrant.id,
    await targz([
      { name: "package.json", content: '{"name":"demo"}' },
      { name: "src/main.txt", content: "source" },
    ]),
  );
  expect(res.status).toBe(201);
  return (await res.json()) as UploadResult;
}

describe("build pipeline (workers pool + real runtime host)", () => {
  it("runs the build step, keeps its output in the log and its files in the artifact; the promoted version starts from it", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const uploaded = await uploadVersion(user, tpl.id, "1", {
      persistedPaths: ["."],
      build: "echo building from $(cat src/main.txt); mkdir -p dist && echo compiled > dist/out.txt",
    });
    const build = await waitForBuild(user, uploaded.build.id, finished);
    expect(build).toMatchObject({ status: "succeeded", attempts: 1, hasArtifact: true, error: null });

    const logRes = await call("GET", `/api/template-builds/${build.id}/log`, { user });
    expect(logRes.headers.get("x-build-status")).toBe("succeeded");
    const log = await logRes.text();
    expect(log).toContain("building from source");
    expect(log).toContain("build step exited with code 0");

    const artifact = await call("GET", `/api/template-builds/${build.id}/artifact`, { user });
    expect(artifact.status).toBe(200);
    // One caller's data: a download with its name, never kept by a shared cache.
    expect(artifact.headers.get("content-disposition")).toMatch(/^attachment; filename=".+\.tar\.gz"$/);
    expect(artifact.headers.get("cache-control")).toBe("private, no-store");
    const files = await readTargz(await artifact.arrayBuffer());
    expect(files.get("dist/out.txt")).toBe("compiled\n");
    expect(files.get("src/main.txt")).toBe("source");

    expect((await call("POST", `/api/templates/${tpl.id}/promote`, { user, body: { versionId: uploaded.version.id } })).status).toBe(200);
    const resolved = await resolveTemplateForSession(env, user.workspaceId, tpl.id);
    expect(resolved.artifactKey).toBe(`builds/${user.workspaceId}/${build.id}/artifact.tar.gz`);
    const usage = await env.DB.prepare("SELECT SUM(value) AS n FROM usage_daily WHERE workspace_id = ? AND metric = 'build_seconds'")
      .bind(user.workspaceId)
      .first<{ n: number | null }>();
    expect(usage?.n).not.toBeNull();
  });

  it("a build step that exits non-zero ends failed with its output in the log; retry runs it again", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const uploaded = await uploadVersion(user, tpl.id, "1", { persistedPaths: ["."], build: "echo about to fail; exit 3" });
    const build = await waitForBuild(user, uploaded.build.id, finished);
    expect(build).toMatchObject({ status: "failed", error: "build step exited with code 3", hasArtifact: false });
    expect(await (await call("GET", `/api/template-builds/${build.id}/log`, { user })).text()).toContain("about to fail");
    expect((await call("POST", `/api/templates/${tpl.id}/promote`, { user, body: { versionId: uploaded.version.id } })).status).toBe(409);

    const failedList = (await (await call("GET", "/api/template-builds?status=failed", { user })).json()) as { builds: Build[] };
    expect(failedList.builds.map((b) => b.id)).toEqual([build.id]);
    expect(((await (await call("GET", "/api/template-builds?status=succeeded", { user })).json()) as { builds: Build[] }).builds).toEqual(
      [],
    );

    const retry = await call("POST", `/api/template-builds/${build.id}/retry`, { user });
    expect(retry.status).toBe(200);
    const again = await waitForBuild(user, build.id, (b) => b.attempts === 2 && finished(b));
    expect(again.status).toBe("failed");
    const log = await (await call("GET", `/api/template-builds/${build.id}/log`, { user })).text();
    expect(log.match(/^about to fail$/gm)?.length).toBe(2);
  });
});

describe("build logs hide the secrets of the build's environment", () => {
  it("masks a workspace secret in the finished log and never shows the start of one still arriving", async () => {
    const user = await createTestUser();
    const secret = `npm_${crypto.randomUUID().replace(/-/g, "")}`;
    const put = await call("PUT", "/api/workspaces/current/secrets", { user, body: { name: "NPM_TOKEN", value: secret } });
    expect(put.status).toBe(200);
    const viewer = await createTestUser({ workspaceId: user.workspaceId, role: "viewer" });
    const tpl = await createTemplate(user);
    // The second half of the secret arrives seconds after the first, so a live read sees the split.
    const uploaded = await uploadVersion(user, tpl.id, "1", {
      persistedPaths: ["."],
      build: [
        'echo "plain: $NPM_TOKEN"',
        "sleep 1.2",
        'printf "split: %s" "$(printf %s "$NPM_TOKEN" | cut -c1-10)"',
        "sleep 3",
        'printf "%s\\n" "$(printf %s "$NPM_TOKEN" | cut -c11-)"',
        "env | grep NPM_TOKEN",
      ].join("; "),
    });
    // While the build sleeps between the halves, the live log has the line's start but not the secret's.
    let live = "";
    let status = "";
    const deadline = Date.now() + 45_000;
    while (!/^split: /m.test(live) && Date.now() < deadline) {
      const res = await call("GET", `/api/template-builds/${uploaded.build.id}/log`, { user });
      status = res.headers.get("x-build-status") ?? "";
      live = await res.text();
      if (!/^split: /m.test(live)) await new Promise((r) => setTimeout(r, 150));
    }
    expect(status).toBe("building");
    expect(live).toMatch(/^split: $/m);
    const build = await waitForBuild(user, uploaded.build.id, finished);
    expect(build.status).toBe("succeeded");
    for (const reader of [user, viewer]) {
      const log = await (await call("GET", `/api/template-builds/${build.id}/log`, { user: reader })).text();
      expect(log).toContain("plain: ***");
      expect(log).toContain("split: ***");
      expect(log).toContain("NPM_TOKEN=***");
      expect(log).not.toContain(secret.slice(0, 10));
      expect(log).not.toContain(secret.slice(10));
    }
  });
});

describe("build routes", () => {
  it("answers bad status filters with 400 and another workspace's build with 404", async () => {
    const user = await createTestUser();
    const stranger = await createTestUser();
    expect((await call("GET", "/api/template-builds?status=exploded", { user })).status).toBe(400);
    const tpl = await createTemplate(user);
    const uploaded = await uploadVersion(user, tpl.id, "1", { persistedPaths: ["."] });
    for (const suffix of ["", "/log", "/artifact"]) {
      expect((await call("GET", `/api/template-builds/${uploaded.build.id}${suffix}`, { user: stranger })).status).toBe(404);
    }
    expect((await call("POST", `/api/template-builds/${uploaded.build.id}/retry`, { user: stranger })).status).toBe(404);
    await waitForBuild(user, uploaded.build.id, finished);
    expect((await call("POST", `/api/template-builds/${uploaded.build.id}/retry`, { user })).status).toBe(409);
  });

  it("hides a deleted template's builds with it", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const uploaded = await uploadVersion(user, tpl.id, "1", { persistedPaths: ["."] });
    await waitForBuild(user, uploaded.build.id, finished);
    expect((await call("DELETE", `/api/templates/${tpl.id}`, { user })).status).toBe(200);
    for (const suffix of ["", "/log", "/artifact"]) {
      expect((await call("GET", `/api/template-builds/${uploaded.build.id}${suffix}`, { user })).status).toBe(404);
    }
    const list = (await (await call("GET", "/api/template-builds", { user })).json()) as { builds: Build[] };
    expect(list.builds).toEqual([]);
  });

  it("serves the log from an offset for incremental polling", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const uploaded = await uploadVersion(user, tpl.id, "1", { persistedPaths: ["."], build: "echo one; echo two" });
    await waitForBuild(user, uploaded.build.id, finished);
    const full = await (await call("GET", `/api/template-builds/${uploaded.build.id}/log`, { user })).text();
    const offset = full.indexOf("two");
    const tail = await call("GET", `/api/template-builds/${uploaded.build.id}/log?offset=${offset}`, { user });
    expect(tail.headers.get("x-log-size")).toBe(String(new TextEncoder().encode(full).length));
    expect(await tail.text()).toBe(full.slice(offset));
  });

  it("lets only operators retry dead-lettered builds", async () => {
    const user = await createTestUser();
    const operator = await operatorUser();
    await expectDeadLetteredRetry("/api/admin/template-builds/retry-dead-lettered", user, operator);
  });

  it("findStuckBuilds reports builds building past BUILD_STUCK_AFTER_SECONDS", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const v = await createVersion(user, tpl.id);
    const old = Date.now() - (Number(env.BUILD_STUCK_AFTER_SECONDS) + 60) * 1000;
    const stuckOld = await insertTestBuild(user.workspaceId, tpl.id, v.version.id, { status: "building", startedAt: old });
    const fresh = await insertTestBuild(user.workspaceId, tpl.id, v.version.id, { status: "building" });
    const stuck = (await findStuckBuilds(env)).map((b) => b.id);
    expect(stuck).toContain(stuckOld);
    expect(stuck).not.toContain(fresh);
  });
});
