import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { RuntimeInfo } from "@burstflare/sdk/protocol/runtime-host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentExec, startTestHost, type TestHost } from "../helpers/host";

/**
 * The host runs as root; a runtime's folder belongs to the runtime's uid. A hostile session
 * swaps every name the host writes, creates or chowns there for a symlink to a root-owned file
 * or folder outside, then gets restarted: root must never write through those links.
 */

interface Target {
  file: string;
  dir: string;
  dirFile: string;
}

const ORIGINAL = "root-owned original\n";

/** A root-owned file and a root-owned folder with a file, outside every runtime. */
function makeTarget(root: string, name: string): Target {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { mode: 0o755 });
  const file = path.join(root, `${name}.conf`);
  fs.writeFileSync(file, ORIGINAL, { mode: 0o644 });
  const dirFile = path.join(dir, "keep.conf");
  fs.writeFileSync(dirFile, ORIGINAL, { mode: 0o644 });
  return { file, dir, dirFile };
}

function expectUntouched(target: Target): void {
  for (const file of [target.file, target.dirFile]) {
    expect(fs.readFileSync(file, "utf8")).toBe(ORIGINAL);
    expect(fs.lstatSync(file).uid).toBe(0);
  }
  expect(fs.readdirSync(target.dir)).toEqual(["keep.conf"]);
  expect(fs.lstatSync(target.dir).uid).toBe(0);
  expect(fs.lstatSync(target.dir).mode & 0o777).toBe(0o755);
}

async function sh(info: RuntimeInfo, command: string): Promise<string> {
  const { output, code } = await agentExec(info, command);
  expect(code, output).toBe(0);
  return output;
}

describe("a runtime host writing as root next to a runtime's files", () => {
  let host: TestHost;
  let targets: string;

  beforeAll(async () => {
    host = await startTestHost();
    targets = fs.mkdtempSync(path.join(os.tmpdir(), "bf-root-targets-"));
    fs.chmodSync(targets, 0o755);
  });
  afterAll(async () => {
    await host.stop();
    fs.rmSync(targets, { recursive: true, force: true });
  });

  const restart = async (runtimeId: string, body: Record<string, unknown> = {}) => {
    const res = await host.request(`/runtimes/${runtimeId}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    return host.start(runtimeId, { env: { SESSION_VAR: "from-session" }, ...body });
  };

  it("follows none of the symlinks a runtime plants where the host writes, and the runtime keeps working", async () => {
    const log = makeTarget(targets, "log");
    const env = makeTarget(targets, "env");
    const agentDir = makeTarget(targets, "agent-dir");
    const workspace = makeTarget(targets, "workspace");
    const info = await host.start("sym-a");
    // The agent's output is the host's: in its root-only folder, out of the runtime's reach.
    const hostLog = path.join(host.dataDir, ".host", "logs", "sym-a.log");
    expect(fs.lstatSync(hostLog).isFile()).toBe(true);
    expect(fs.lstatSync(hostLog).mode & 0o777).toBe(0o600);
    const peek = (await agentExec(info, `cat ${hostLog}; ls ${host.dataDir}/.host`)).output;
    expect(peek).toMatch(/Permission denied|No such file/);
    expect(peek).not.toContain("listening");

    // Every name the host touches in the runtime's folder, as its owner may rewrite it.
    await sh(
      info,
      [
        `ln -sfn ${log.file} ../agent.log`,
        `ln -sfn ${env.file} ../agent/session-env.json`,
        `mv ../workspace ../workspace.real`,
        `ln -sfn ${workspace.dir} ../workspace`,
        `mv ../agent ../agent.real`,
        `ln -sfn ${agentDir.dir} ../agent`,
      ].join(" && "),
    );
    const again = await restart("sym-a");
    for (const target of [log, env, agentDir, workspace]) expectUntouched(target);
    // The swapped names are folders of the runtime again and the session starts as usual.
    const dir = path.join(host.dataDir, "sym-a");
    for (const name of ["workspace", "agent"]) {
      const stat = fs.lstatSync(path.join(dir, name));
      expect(stat.isDirectory()).toBe(true);
      expect(stat.uid).toBe(fs.lstatSync(dir).uid);
      expect(stat.uid).not.toBe(0);
    }
    expect(await sh(again, 'printf "%s|%s" "$SESSION_VAR" "$(id -u)"')).toBe(`from-session|${fs.lstatSync(dir).uid}`);
    // The agent's lines still reach the host's log, for operators.
    expect(fs.readFileSync(hostLog, "utf8")).toContain("[host] agent exited");
  });

  it("removes a fresh workspace without following links out of it", async () => {
    const outside = makeTarget(targets, "fresh");
    const info = await host.start("sym-fresh");
    await sh(info, `ln -s ${outside.dir} escape && ln -s ${outside.file} escape.conf && mkdir -p deep && ln -s ${outside.dir} deep/escape`);
    const again = await restart("sym-fresh", { fresh: true });
    expectUntouched(outside);
    expect(await sh(again, "ls -A")).toBe("");
  });
});
