import fs from "node:fs";
import path from "node:path";
import { seededSecretsSchema } from "@burstflare/sdk/schemas/seed";
import { describe, expect, it } from "vitest";
import { TEST_RUN_TAG } from "../ports";
import { api, baseURL, createSession, getSession, sessionAction } from "../stack/helpers/api";
import { probe } from "../stack/helpers/driver-probe";
import { createStackTemplate } from "../stack/helpers/templates";
import { TerminalClient } from "../stack/helpers/terminal";
import { runInTerminal } from "../stack/helpers/terminal-run";
import { createStackUser, type StackUser, seedClient } from "../stack/helpers/users";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** The stack's runtime data dir (test/stack/global-setup.ts): where the host keeps each session's workspace. */
const RUNTIMES_DIR = path.join(ROOT, `.wrangler/stack-${TEST_RUN_TAG}-runtimes`);
/** A container's workspace (BURSTFLARE_WORKSPACE in runtime/Dockerfile). */
const CONTAINER_WORKSPACE = "/workspace";
const driver = probe();

const putSecret = (user: StackUser, name: string, value: string) =>
  api(user, "PUT /api/workspaces/current/secrets", { body: { name, value } });

/** Every helper the host or the agent might look up by PATH. */
const HELPERS = [
  "unshare",
  "nsenter",
  "sh",
  "mount",
  "umount",
  "mkdir",
  "rm",
  "cat",
  "setpriv",
  "prlimit",
  "ip",
  "nft",
  "env",
  "node",
  "tar",
];

/**
 * Writes look-alikes of every helper into the session's workspace folder `trap/` (at `trap` as the
 * runtime that runs them sees it): each notes its uid in `ran-<name>` and runs the real one. And a Node hook.
 */
async function plantTrap(user: StackUser, sessionId: string, trap: string): Promise<void> {
  const plant = async (name: string, body: string) => {
    const res = await fetch(`${baseURL()}/runtime/sessions/${sessionId}/files/content?path=trap/${name}`, {
      method: "PUT",
      headers: user.headers,
      body,
    });
    expect(res.status, name).toBe(200);
  };
  for (const helper of HELPERS) {
    await plant(
      helper,
      `#!/bin/sh\nid -u > ${trap}/ran-${helper}\nfor d in /usr/local/bin /usr/bin /bin /usr/sbin /sbin; do [ -x "$d/${helper}" ] && exec "$d/${helper}" "$@"; done\n`,
    );
  }
  await plant("hook.js", `require("fs").writeFileSync(${JSON.stringify(`${trap}/ran-node-options`)}, "x");\n`);
  const term = await TerminalClient.open(sessionId, user.headers);
  term.send(`chmod 755 "$HOME" "$HOME/trap" "$HOME"/trap/* && echo PLA''NTED\r`);
  await term.waitFor("PLANTED");
  await term.close();
}

/**
 * Reserved names as an older API saved them (the operator seeds them), and a template whose stored
 * manifest says the same, all pointing into `trap`. Returns the template's id.
 */
async function poisonedWorkspace(attacker: StackUser, trap: string): Promise<string> {
  const payload = {
    PATH: `${trap}:/usr/sbin:/usr/bin:/sbin:/bin`,
    NODE_OPTIONS: `--require ${trap}/hook.js`,
    LD_PRELOAD: `${trap}/none.so`,
  };
  await seedClient().call("POST /api/admin/seed/secrets", {
    body: { workspaceId: attacker.workspaceId, secrets: payload },
    schema: seededSecretsSchema,
  });
  return createStackTemplate(
    attacker.workspaceId,
    { persistedPaths: ["."], env: { KEEP: "yes" } },
    { ...payload, BASH_ENV: `${trap}/hook.sh` },
  );
}

/** The session's shell gets the ordinary variables and none of the reserved ones; its PATH leads nowhere near the trap. */
async function expectCleanShell(user: StackUser, sessionId: string, trap: string): Promise<void> {
  const shell = await TerminalClient.open(sessionId, user.headers);
  shell.send(
    'echo "ENV:$FOO:$KEEP:$(printenv NODE_OPTIONS || echo unset):$(printenv LD_PRELOAD || echo unset):$(printenv BASH_ENV || echo unset):$PATH:END"\r',
  );
  const seen = /ENV:bar:yes:unset:unset:unset:([^\r\n]*):END/;
  await shell.waitFor(seen);
  expect(shell.output.match(seen)?.[1]).not.toContain(trap);
  await shell.close();
}

/** Still listed (names only), so the owner can see and delete them. */
async function expectListed(user: StackUser): Promise<void> {
  const listed = (await (await api(user, "GET /api/workspaces/current/secrets")).json()) as { secrets: { name: string }[] };
  expect(listed.secrets.map((s) => s.name)).toEqual(expect.arrayContaining(["PATH", "NODE_OPTIONS", "LD_PRELOAD"]));
}

/**
 * An ordinary account tries to make the runtime host (root) or the agent run files it wrote:
 * environment names that pick the program (PATH), preload code (LD_PRELOAD, NODE_OPTIONS).
 */
describe(`session-controlled environment (${driver.name})`, () => {
  it("refuses reserved names as secrets, naming the variable and why", async () => {
    const attacker = await createStackUser();
    for (const name of ["PATH", "LD_PRELOAD", "NODE_OPTIONS", "BURSTFLARE_AGENT_TOKEN"]) {
      const res = await putSecret(attacker, name, "/tmp/x");
      expect(res.status, name).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe("validation_failed");
      expect(error.message).toContain(`${name} is reserved: `);
    }
    expect((await putSecret(attacker, "DATABASE_URL", "postgres://db")).status).toBe(200);
  });

  // Local runtimes: the host (root) starts each one, so another session's folder on this machine is the trap.
  if (driver.name === "local") {
    it("ignores reserved names stored before the rule: the host never runs the session's files", async () => {
      const attacker = await createStackUser();
      expect((await putSecret(attacker, "FOO", "bar")).status).toBe(200);

      // Session A plants the trap in its folder on this machine, where the host could look.
      const planter = await createSession(attacker, { name: "planter" });
      const trap = path.join(RUNTIMES_DIR, planter.id, "workspace", "trap");
      await plantTrap(attacker, planter.id, trap);
      expect(fs.existsSync(path.join(trap, "unshare"))).toBe(true);
      const templateId = await poisonedWorkspace(attacker, trap);

      const start = await api(attacker, "POST /api/sessions", { body: { name: "victim", templateId } });
      // Whatever the start did, nothing the session planted ran: not as root, not as the agent.
      expect(fs.readdirSync(trap).filter((f) => f.startsWith("ran-"))).toEqual([]);
      expect(start.status, await start.clone().text()).toBe(201);
      const victim = ((await start.json()) as { session: { id: string } }).session;
      expect((await getSession(attacker, victim.id)).state).toBe("running");
      await expectCleanShell(attacker, victim.id, trap);
      expect(fs.readdirSync(trap).filter((f) => f.startsWith("ran-"))).toEqual([]);
      await expectListed(attacker);
    });
  } else {
    // A container's files are its own: the trap is the session's own workspace, in place while its
    // agent stops (snapshot) and starts again (restore), the two times it runs helpers of its own.
    it("ignores reserved names stored before the rule: the container's agent never runs the session's files", async () => {
      const attacker = await createStackUser();
      expect((await putSecret(attacker, "FOO", "bar")).status).toBe(200);
      const trap = path.posix.join(CONTAINER_WORKSPACE, "trap");
      const templateId = await poisonedWorkspace(attacker, trap);
      const start = await api(attacker, "POST /api/sessions", { body: { name: "victim", templateId } });
      expect(start.status, await start.clone().text()).toBe(201);
      const victim = ((await start.json()) as { session: { id: string } }).session;
      await plantTrap(attacker, victim.id, trap);
      const ranFiles = async () => (await runInTerminal(attacker, victim.id, `ls -A ${trap}`)).output;
      // The probe is real: the trap is where the variables point.
      expect(await ranFiles()).toContain("unshare");
      await expectCleanShell(attacker, victim.id, trap);

      expect((await sessionAction(attacker, victim.id, "stop")).state).toBe("stopped");
      expect((await sessionAction(attacker, victim.id, "start")).state).toBe("running");
      const listing = await ranFiles();
      expect(listing).toContain("unshare");
      expect(listing).not.toContain("ran-");
      await expectCleanShell(attacker, victim.id, trap);
      expect(await ranFiles()).not.toContain("ran-");
      await expectListed(attacker);
    });
  }
});
