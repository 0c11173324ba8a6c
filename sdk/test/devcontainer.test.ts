// biome-ignore-all lint/suspicious/noTemplateCurlyInString: devcontainer.json uses ${…} variables in plain strings
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DevcontainerError, importDevcontainer, mapDevcontainer } from "../devcontainer";
import { JsoncError, parseJsonc } from "../jsonc";
import { manifestSchema } from "../schemas/manifest";

const fixture = (name: string) => readFileSync(path.join(__dirname, "fixtures/devcontainer", name), "utf8");
const keys = (r: { warnings: { key: string }[] }) => r.warnings.map((w) => w.key);
/** The import names each of `expected` among its warnings (it may name more). */
const expectWarned = (r: { warnings: { key: string }[] }, expected: string[]) => expect(keys(r)).toEqual(expect.arrayContaining(expected));

const scratch = mkdtempSync(path.join(os.tmpdir(), "bf-devcontainer-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs a generated script the way the agent does (bash -lc in the workspace). */
function run(script: string, env: Record<string, string> = {}) {
  const res = spawnSync("/bin/bash", ["-c", script], {
    cwd: scratch,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: scratch, BURSTFLARE_WORKSPACE: scratch, ...env },
    encoding: "utf8",
  });
  return { code: res.status, out: res.stdout + res.stderr };
}

describe("parseJsonc", () => {
  it("accepts comments and trailing commas, and leaves strings alone", () => {
    const text = `{
      // line comment
      "a": "http://x/*not a comment*/", /* block
      comment */ "b": [1, 2,],
      "c": { "d": "// kept", },
    }`;
    expect(parseJsonc(text)).toEqual({ a: "http://x/*not a comment*/", b: [1, 2], c: { d: "// kept" } });
  });

  it("keeps escaped quotes and a comma inside a string before }", () => {
    expect(parseJsonc(`{"a": "say \\"hi\\",", "b": ",]"}`)).toEqual({ a: 'say "hi",', b: ",]" });
  });

  it("reports the line and column of a syntax error", () => {
    expect(() => parseJsonc('{\n  "a": 1\n  "b": 2\n}')).toThrow(JsoncError);
    try {
      parseJsonc('{\n  "a": 1\n  "b": 2\n}');
    } catch (err) {
      expect((err as JsoncError).line).toBe(3);
    }
    expect(() => parseJsonc('{"a": 1 /* open')).toThrow(/unterminated comment at line 1/);
    expect(() => parseJsonc('{"a": "open')).toThrow(/unterminated string/);
    // A comma with nothing before the bracket is still an error when it is the only thing: [,]
    expect(() => parseJsonc("[,]")).toThrow(JsoncError);
  });
});

describe("devcontainer.json import: a Node app", () => {
  const result = importDevcontainer(fixture("node-app.jsonc"));

  it("maps name, env, ports, lifecycle commands; the preview is the openPreview port", () => {
    expect(result.name).toBe("Node.js & TypeScript");
    expect(result.manifest).toMatchObject({
      persistedPaths: ["."],
      env: { NODE_ENV: "development", API_URL: "http://localhost:3000/api" },
      previewPort: 3000,
      ports: [
        { port: 3000, label: "Web app", onAutoForward: "openPreview" },
        { port: 9229, label: "Node debugger", onAutoForward: "silent" },
      ],
    });
    expect(result.manifest.build).toContain("npm ci");
    expect(result.manifest.bootstrap).toContain("nohup npm run dev");
    expect(manifestSchema.safeParse(result.manifest).success).toBe(true);
  });

  it("reports image, remoteUser and the vscode customizations instead of dropping them", () => {
    expect(keys(result).sort()).toEqual(["customizations.vscode", "image", "remoteUser"]);
    const image = result.warnings.find((w) => w.key === "image");
    expect(image?.instead).toMatch(/onCreateCommand/);
    // The warnings travel with the manifest, so the build log and the SPA can show them.
    expect(result.manifest.imported).toEqual({ from: "devcontainer.json", name: "Node.js & TypeScript", warnings: result.warnings });
  });
});

describe("devcontainer.json import: a Python app", () => {
  const result = importDevcontainer(fixture("python-app.jsonc"));

  it("turns array and object commands into one build script, in lifecycle order", () => {
    const build = result.manifest.build ?? "";
    expect(build.indexOf("onCreateCommand")).toBeLessThan(build.indexOf("updateContentCommand"));
    expect(build.indexOf("updateContentCommand")).toBeLessThan(build.indexOf("postCreateCommand"));
    expect(build).toContain("pip3 install --user -r requirements.txt");
    expect(build).toContain("python3 manage.py migrate");
    expect(build).toContain("npm run build:css");
    expect(result.manifest.bootstrap).toContain("flask run");
  });

  it("drops env it cannot set (reserved, ${…} substitution) with a reason; keeps the rest", () => {
    expect(result.manifest.env).toEqual({ FLASK_APP: "app.py" });
    const path = result.warnings.find((w) => w.key === "remoteEnv.PATH");
    expect(path?.reason).toMatch(/PATH is reserved/);
    const pyPath = result.warnings.find((w) => w.key === "remoteEnv.PYTHONPATH");
    expect(pyPath?.reason).toMatch(/substitution/);
  });

  it("applies customizations.burstflare and maps hostRequirements to the covering resource class", () => {
    expect(result.manifest).toMatchObject({ persistedPaths: [".", ".venv"], idleTimeoutSeconds: 1800, resourceClass: "large" });
    expect(result.warnings.find((w) => w.key === "hostRequirements")?.reason).toMatch(/largest class is large/);
    expectWarned(result, ["image", "workspaceFolder", "postAttachCommand", "portsAttributes.5000.protocol", "customizations.vscode"]);
    expect(result.manifest.ports).toEqual([{ port: 5000, label: "Flask", onAutoForward: "notify" }]);
    expect(result.manifest.previewPort).toBe(5000);
  });
});

describe("devcontainer.json import: features and host-only settings", () => {
  const result = importDevcontainer(fixture("with-features.jsonc"));

  it("names each feature, each host-side key and each port it cannot forward", () => {
    expectWarned(result, [
      "image",
      ...["go:1", "docker-in-docker:2", "github-cli:1"].map((f) => `features.ghcr.io/devcontainers/features/${f}`),
      "initializeCommand",
      "runArgs",
      "mounts",
      "forwardPorts.db:5432",
      "portsAttributes.9000-9010",
      "containerEnv.LD_PRELOAD",
    ]);
    expect(result.warnings.find((w) => w.key === "containerEnv.LD_PRELOAD")?.reason).toMatch(/dynamic linker/);
    expect(result.warnings.find((w) => w.key === "initializeCommand")?.instead).toBe("not run");
    expect(result.manifest.env).toEqual({ GOFLAGS: "-mod=mod" });
    expect(result.manifest.ports).toEqual([{ port: 8080, label: "API" }]);
    // initializeCommand is never part of what runs in the session.
    expect(result.manifest.build).not.toContain("on the host");
  });
});

describe("devcontainer.json import: a Dockerfile project", () => {
  const result = importDevcontainer(fixture("with-dockerfile.jsonc"));

  it("reports build, privileged, capAdd and unknown burstflare keys; keeps the rest", () => {
    expectWarned(result, [
      "build",
      "privileged",
      "capAdd",
      "securityOpt",
      "waitFor",
      "shutdownAction",
      "customizations.burstflare.dotfiles",
    ]);
    expect(result.warnings.find((w) => w.key === "build")?.reason).toMatch(/Dockerfile/);
    expect(result.manifest.resourceClass).toBe("medium");
    expect(result.manifest.build).toContain("cargo fetch");
    expect(result.manifest.previewPort).toBeUndefined();
  });

  it("the array-form postStartCommand runs as argv (no word splitting of its arguments)", () => {
    const { code } = run(`mkdir -p .devcontainer\n${result.manifest.bootstrap}`);
    expect(code).toBe(0);
    expect(readFileSync(path.join(scratch, ".devcontainer/starts.log"), "utf8")).toMatch(/^started at /);
  });
});

describe("generated scripts behave like the devcontainer lifecycle", () => {
  it("runs steps in order, announces each, and stops at the first failure with its exit code", () => {
    const { manifest } = mapDevcontainer({ onCreateCommand: "echo one", updateContentCommand: "exit 7", postCreateCommand: "echo three" });
    const { code, out } = run(manifest.build ?? "");
    expect(code).toBe(7);
    expect(out).toContain("==> onCreateCommand\none");
    expect(out).toContain("==> updateContentCommand");
    expect(out).not.toContain("three");
  });

  it("object form: runs all commands in parallel and fails when any one fails", () => {
    const ok = mapDevcontainer({ postCreateCommand: { a: "sleep 0.2; echo A > a.txt", b: ["sh", "-c", "echo B > b.txt"] } });
    expect(run(ok.manifest.build ?? "").code).toBe(0);
    expect(readFileSync(path.join(scratch, "a.txt"), "utf8")).toBe("A\n");
    expect(readFileSync(path.join(scratch, "b.txt"), "utf8")).toBe("B\n");
    const bad = mapDevcontainer({ postCreateCommand: { good: "true", broken: "exit 3" }, postStartCommand: "echo x" });
    expect(run(bad.manifest.build ?? "").code).not.toBe(0);
  });

  it("array form quotes arguments; ${containerWorkspaceFolder} becomes the workspace", () => {
    const { manifest } = mapDevcontainer({
      postCreateCommand: ["node", "-e", "require('fs').writeFileSync('q.txt', process.argv[1])", "it's $HOME; `x`"],
      postStartCommand: "echo ${containerWorkspaceFolder} > ws.txt",
    });
    expect(run(manifest.build ?? "").code).toBe(0);
    expect(readFileSync(path.join(scratch, "q.txt"), "utf8")).toBe("it's $HOME; `x`");
    expect(run(manifest.bootstrap ?? "").code).toBe(0);
    expect(readFileSync(path.join(scratch, "ws.txt"), "utf8").trim()).toBe(scratch);
  });

  it("refuses what is not a devcontainer.json, and a result that is not a valid manifest", () => {
    expect(() => mapDevcontainer([])).toThrow(DevcontainerError);
    expect(() => importDevcontainer("{ nope")).toThrow(JsoncError);
    expect(() => mapDevcontainer({ customizations: { burstflare: { previewPort: 80 } } })).toThrow(/previewPort/);
    expect(() => mapDevcontainer({ postCreateCommand: "x".repeat(5000) })).toThrow(/build/);
  });

  it("customizations.burstflare.git is the repository the prebuild clones; one with credentials in its URL is refused", () => {
    const git = { url: "https://git.example.com/team/app.git", ref: "main" };
    const r = mapDevcontainer({ postCreateCommand: "make", customizations: { burstflare: { git } } });
    expect(r.manifest.git).toEqual(git);
    expect(r.warnings).toEqual([]);
    expect(() => mapDevcontainer({ customizations: { burstflare: { git: { url: "https://u:p@git.example.com/a.git" } } } })).toThrow(
      /credentials/,
    );
  });

  it("a bad command shape is reported, not run", () => {
    const r = mapDevcontainer({ postCreateCommand: 42, onCreateCommand: ["ok", 1] });
    expect(r.manifest.build).toBeUndefined();
    expect(keys(r)).toEqual(["onCreateCommand", "postCreateCommand"]);
  });
});
