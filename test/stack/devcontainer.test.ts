import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Manifest } from "@burstflare/sdk/schemas/manifest";
import { describe, expect, it } from "vitest";
import { api, createSession, expectOK, getSession, runtimeApi, until } from "./helpers/api";
import { flare, flareJSON, useSignedInUser } from "./helpers/flare";
import { scratchFolders } from "./helpers/scratch";
import type { StackUser } from "./helpers/users";

const scratch = scratchFolders();

/** A project folder as found in a repository: sources plus .devcontainer/devcontainer.json (JSONC). */
function project(devcontainer: string, files: Record<string, string>): string {
  const dir = scratch("bf-devcontainer-");
  mkdirSync(path.join(dir, ".devcontainer"));
  writeFileSync(path.join(dir, ".devcontainer/devcontainer.json"), devcontainer);
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

const DEVCONTAINER = `// generated for the stack test
{
  "name": "Stack Node App",
  "image": "mcr.microsoft.com/devcontainers/javascript-node:22", // not honoured: reported
  "features": { "ghcr.io/devcontainers/features/python:1": {} },
  "containerEnv": { "GREETING": "hello from devcontainer", "LD_PRELOAD": "/x.so" },
  "forwardPorts": [3000],
  "portsAttributes": { "3000": { "label": "Web", "onAutoForward": "openPreview" } },
  "onCreateCommand": { "deps": "mkdir -p .cache && echo deps > .cache/deps.txt", "tools": ["node", "-e", "console.log('tools ok')"] },
  "postCreateCommand": "node build.cjs",
  "postStartCommand": "echo started >> starts.txt",
}
`;

async function readFile(user: StackUser, sessionId: string, file: string): Promise<string | null> {
  const res = await runtimeApi(user, "GET", sessionId, "files/content", { query: { path: file } });
  return res.status === 200 ? res.text() : null;
}

describe("flare template import: devcontainer.json → template version → build → session", () => {
  const cli = useSignedInUser();

  it("postCreateCommand runs in the prebuild, its output and every unsupported key land in the build log, and a session starts warm", async () => {
    const dir = project(DEVCONTAINER, {
      "build.cjs":
        "require('fs').writeFileSync('built.txt', process.env.GREETING + ' ' + require('fs').readFileSync('.cache/deps.txt', 'utf8')); console.log('postCreate built it');\n",
    });
    const out = await flare(cli.fh, ["--json", "template", "import", dir, "-V", "1.0.0"], { timeoutMs: 120_000 });
    expect(out.code, out.stderr).toBe(0);
    const result = JSON.parse(out.stdout) as {
      template: { id: string; name: string };
      build: { id: string; status: string };
      manifest: Manifest;
      warnings: { key: string; reason: string; instead: string }[];
      version: { id: string };
    };
    // The template is named from devcontainer `name` and created because it did not exist.
    expect(result.template.name).toBe("stack-node-app");
    const build = await until(
      async () => {
        const b = (await expectOK(await api(cli.user, "GET /api/template-builds/{buildId}", { params: { buildId: result.build.id } }))) as {
          status: string;
        };
        return ["succeeded", "failed", "dead_lettered"].includes(b.status) ? b : null;
      },
      "build settled",
      90_000,
    );
    expect(result.manifest).toMatchObject({
      previewPort: 3000,
      env: { GREETING: "hello from devcontainer" },
      ports: [{ port: 3000, label: "Web" }],
    });
    expect(result.warnings.map((w) => w.key)).toEqual([
      "image",
      "features.ghcr.io/devcontainers/features/python:1",
      "containerEnv.LD_PRELOAD",
    ]);

    // The stored version keeps the warnings (the SPA reads them from there).
    const detail = (await expectOK(
      await api(cli.user, "GET /api/templates/{templateId}", { params: { templateId: result.template.id } }),
    )) as {
      versions: { manifest: Manifest }[];
    };
    expect(detail.versions[0]?.manifest.imported?.warnings).toHaveLength(3);

    const log = await (await api(cli.user, "GET /api/template-builds/{buildId}/log", { params: { buildId: result.build.id } })).text();
    expect(build.status, log).toBe("succeeded");
    await expectOK(
      await api(cli.user, "POST /api/templates/{templateId}/promote", {
        params: { templateId: result.template.id },
        body: { versionId: result.version.id },
      }),
    );
    expect(log).toContain("warning: devcontainer.json image: a template cannot choose the container image");
    expect(log).toContain("warning: devcontainer.json containerEnv.LD_PRELOAD: LD_PRELOAD is reserved");
    expect(log).toContain("==> onCreateCommand");
    expect(log).toContain("tools ok");
    expect(log).toContain("==> postCreateCommand");
    expect(log).toContain("postCreate built it");

    const session = await createSession(cli.user, { name: "from-devcontainer", templateId: result.template.id });
    await until(async () => (await getSession(cli.user, session.id)).state === "running", "session running", 60_000);
    // Made by postCreateCommand at build time, from onCreateCommand's output and containerEnv.
    expect(await readFile(cli.user, session.id, "built.txt")).toBe("hello from devcontainer deps\n");
    // postStartCommand ran at this start.
    expect(await readFile(cli.user, session.id, "starts.txt")).toBe("started\n");
  });

  it("a folder without devcontainer.json, or with broken JSONC, is refused before anything is uploaded", async () => {
    const empty = scratch("bf-no-devcontainer-");
    writeFileSync(path.join(empty, "README.md"), "hi\n");
    const missing = await flare(cli.fh, ["--json", "template", "import", empty, "-V", "1"]);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stderr).error.code).toBe("not_found");

    const broken = project('{\n  "name": "x",\n  "postCreateCommand": "echo"\n  "image": "y"\n}', {});
    const bad = await flare(cli.fh, ["--json", "template", "import", broken, "-V", "1"]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stderr).error).toMatchObject({ code: "invalid_manifest", message: expect.stringMatching(/line 4/) });
    const templates = await flareJSON<{ templates: { name: string }[] }>(cli.fh, ["template", "list"]);
    expect(templates.templates.map((t) => t.name)).not.toContain("x");
  });
});
