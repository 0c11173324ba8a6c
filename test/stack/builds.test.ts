import type { Build } from "@burstflare/sdk/schemas/builds";
import type { Manifest } from "@burstflare/sdk/schemas/manifest";
import type { CreateVersionResponse, Template, UploadResult } from "@burstflare/sdk/schemas/templates";
import { describe, expect, it } from "vitest";
import { readTargz, targz } from "../../api/test/helpers/tar";
import { api, baseURL, createSession, expectOK, getSession, runtimeApi, until } from "./helpers/api";
import { createStackUser, type StackUser, stackOperator } from "./helpers/users";

async function createTemplate(user: StackUser, name: string): Promise<Template> {
  return (await expectOK(await api(user, "POST /api/templates", { body: { name } }), 201)) as Template;
}

/** Creates a version and PUTs its bundle through the grant, as the CLI and SPA do. */
async function uploadVersion(user: StackUser, templateId: string, version: string, manifest: Manifest): Promise<UploadResult> {
  const created = (await expectOK(
    await api(user, "POST /api/templates/{templateId}/versions", { params: { templateId }, body: { version, manifest } }),
    201,
  )) as CreateVersionResponse;
  const bundle = await targz([
    { name: "package.json", content: '{"name":"stack-demo","private":true}' },
    { name: "src/message.txt", content: "hello from the bundle" },
  ]);
  const res = await fetch(created.uploadGrant.url.replace(/^https?:\/\/[^/]+/, baseURL()), {
    method: "PUT",
    headers: { ...user.headers, "content-type": "application/gzip" },
    body: new Blob([bundle]),
  });
  return (await expectOK(res, 201)) as UploadResult;
}

async function getBuild(user: StackUser, id: string): Promise<Build> {
  return (await expectOK(await api(user, "GET /api/template-builds/{buildId}", { params: { buildId: id } }))) as Build;
}

async function buildLog(user: StackUser, id: string): Promise<string> {
  return (await api(user, "GET /api/template-builds/{buildId}/log", { params: { buildId: id } })).text();
}

const settled = (b: Build) => ["succeeded", "failed", "dead_lettered"].includes(b.status);

async function waitForBuild(user: StackUser, id: string, done: (b: Build) => boolean, timeoutMs = 60_000): Promise<Build> {
  return until(
    async () => {
      const b = await getBuild(user, id);
      return done(b) ? b : null;
    },
    `build ${id}`,
    timeoutMs,
  );
}

async function readSessionFile(user: StackUser, sessionId: string, path: string): Promise<string | null> {
  const res = await runtimeApi(user, "GET", sessionId, "files/content", { query: { path } });
  return res.status === 200 ? res.text() : null;
}

describe("template build pipeline on the local stack (Queues + Workflows + runtime host)", () => {
  it("upload → build runs for real → succeeded → promote → a new session starts from the artifact without building again", async () => {
    const user = await createStackUser();
    const tpl = await createTemplate(user, "pipeline");
    const uploaded = await uploadVersion(user, tpl.id, "1.0.0", {
      persistedPaths: ["."],
      build: [
        "echo compiling $(cat src/message.txt)",
        "mkdir -p dist",
        `node -e "require('fs').writeFileSync('dist/app.txt', 'built by ' + process.version)"`,
        "echo run >> build-runs.txt",
      ].join(" && "),
    });
    expect(uploaded.build.status).toBe("queued");

    // The log is readable while the build runs and ends up holding the build step's output.
    const build = await waitForBuild(user, uploaded.build.id, settled);
    expect(build).toMatchObject({ status: "succeeded", hasArtifact: true, attempts: 1 });
    const log = await buildLog(user, build.id);
    expect(log).toContain("compiling hello from the bundle");
    expect(log).toMatch(/build step exited with code 0/);
    expect(log).toMatch(/artifact stored: \d+ bytes, sha256 [0-9a-f]{64}/);

    const artifactRes = await api(user, "GET /api/template-builds/{buildId}/artifact", { params: { buildId: build.id } });
    expect(artifactRes.status).toBe(200);
    const artifact = await readTargz(new Uint8Array(await artifactRes.arrayBuffer()));
    expect(artifact.get("dist/app.txt")).toMatch(/^built by v\d+/);
    expect(artifact.get("build-runs.txt")).toBe("run\n");

    // Not promoted yet: the template cannot start sessions.
    expect((await api(user, "POST /api/sessions", { body: { name: "too-early", templateId: tpl.id } })).status).toBe(409);
    await expectOK(
      await api(user, "POST /api/templates/{templateId}/promote", {
        params: { templateId: tpl.id },
        body: { versionId: uploaded.version.id },
      }),
    );

    const session = await createSession(user, { name: "from-artifact", templateId: tpl.id });
    await until(async () => (await getSession(user, session.id)).state === "running", "session running", 60_000);
    expect(await readSessionFile(user, session.id, "dist/app.txt")).toMatch(/^built by v\d+/);
    // The build step ran once, at build time; starting the session did not run it again.
    expect(await readSessionFile(user, session.id, "build-runs.txt")).toBe("run\n");
    expect((await getSession(user, session.id)).newerVersionAvailable).toBe(false);

    // A newer promoted version: the running session keeps its version and says a newer one exists.
    const v2 = await uploadVersion(user, tpl.id, "2.0.0", { persistedPaths: ["."], build: "echo v2 > version.txt" });
    await waitForBuild(user, v2.build.id, (b) => b.status === "succeeded");
    await expectOK(
      await api(user, "POST /api/templates/{templateId}/promote", { params: { templateId: tpl.id }, body: { versionId: v2.version.id } }),
    );
    const old = await getSession(user, session.id);
    expect(old).toMatchObject({ versionId: uploaded.version.id, newerVersionAvailable: true });
    const fresh = await createSession(user, { name: "from-v2", templateId: tpl.id });
    expect(fresh.versionId).toBe(v2.version.id);
    await until(async () => (await getSession(user, fresh.id)).state === "running", "v2 session running", 60_000);
    expect(await readSessionFile(user, fresh.id, "version.txt")).toBe("v2\n");
  });

  it("a build step that exits non-zero ends failed with its output in the log", async () => {
    const user = await createStackUser();
    const tpl = await createTemplate(user, "broken");
    const uploaded = await uploadVersion(user, tpl.id, "1", { persistedPaths: ["."], build: "echo 'npm ERR! missing script'; exit 7" });
    const build = await waitForBuild(user, uploaded.build.id, settled);
    expect(build).toMatchObject({ status: "failed", error: "build step exited with code 7", hasArtifact: false });
    expect(await buildLog(user, build.id)).toContain("npm ERR! missing script");
    const failed = (await expectOK(await api(user, "GET /api/template-builds", { query: { status: "failed" } }))) as { builds: Build[] };
    expect(failed.builds.map((b) => b.id)).toEqual([build.id]);
  });

  it("a consumer that throws is retried, dead-lettered after the last attempt, then recovered by retry-dead-lettered", async () => {
    const user = await createStackUser();
    const operator = stackOperator();
    const tpl = await createTemplate(user, "flaky-consumer");
    const uploaded = await uploadVersion(user, tpl.id, "1", {
      persistedPaths: ["."],
      build: "echo recovered > ok.txt",
      env: { BF_TEST_CONSUMER_THROWS: "upload" },
    });
    await waitForBuild(user, uploaded.build.id, (b) => b.status === "retrying", 30_000);
    const dead = await waitForBuild(user, uploaded.build.id, (b) => b.status === "dead_lettered", 90_000);
    expect(dead.error).toMatch(/test hook: consumer throws/);
    const log = await buildLog(user, dead.id);
    // One first delivery plus max_retries (3) redeliveries, each noted, before the dead-letter queue.
    expect(log.match(/delivery \d failed/g)).toHaveLength(4);
    expect(log).toContain("out of retries: build dead-lettered");
    const listed = (await expectOK(await api(user, "GET /api/template-builds", { query: { status: "dead_lettered" } }))) as {
      builds: Build[];
    };
    expect(listed.builds.map((b) => b.id)).toEqual([dead.id]);

    expect((await api(user, "POST /api/admin/template-builds/retry-dead-lettered")).status).toBe(403);
    const retried = (await expectOK(await api(operator, "POST /api/admin/template-builds/retry-dead-lettered"))) as {
      buildIds: string[];
    };
    expect(retried.buildIds).toContain(dead.id);
    const recovered = await waitForBuild(user, dead.id, settled);
    expect(recovered).toMatchObject({ status: "succeeded", hasArtifact: true, error: null });
  });
});
