import fs from "node:fs";
import path from "node:path";
import { seededSecretsSchema } from "@burstflare/sdk/schemas/seed";
import { describe, expect, it } from "vitest";
import { TEST_RUN_TAG } from "../ports";
import { api, baseURL, createSession, getSession } from "../stack/helpers/api";
import { createStackTemplate } from "../stack/helpers/templates";
import { TerminalClient } from "../stack/helpers/terminal";
import { createStackUser, type StackUser, seedClient } from "../stack/helpers/users";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** The stack's runtime data dir (test/stack/global-setup.ts): where the host keeps each session's workspace. */
const RUNTIMES_DIR = path.join(ROOT, `.wrangler/stack-${TEST_RUN_TAG}-runtimes`);

const putSecret = (user: StackUser, name: string, value: string) =>
  api(user, "PUT /api/workspaces/current/secrets", { body: { name, value } });

/**
 * An ordinary account tries to make the runtime host (root) or the agent run files it wrote:
 * environment names that pick the program (PATH), preload code (LD_PRELOAD, NODE_OPTIONS).
 */
describe("session-controlled environment", () => {
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

  it("ignores reserved names stored before the rule: the host never runs the session's files", async () => {
    const attacker = await createStackUser();
    expect((await putSecret(attacker, "FOO", "bar")).status).toBe(200);

    // Session A plants look-alikes of every helper the host might look up by PATH, and a Node hook.
    const planter = await createSession(attacker, { name: "planter" });
    const trap = path.join(RUNTIMES_DIR, planter.id, "workspace", "trap");
    const helpers = ["unshare", "nsenter", "sh", "mount", "umount", "mkdir", "rm", "cat", "setpriv", "prlimit", "ip", "nft", "env", "node"];
    const plant = async (name: string, body: string) => {
      const res = await fetch(`${baseURL()}/runtime/sessions/${planter.id}/files/content?path=trap/${name}`, {
        method: "PUT",
        headers: attacker.headers,
        body,
      });
      expect(res.status, name).toBe(200);
    };
    for (const helper of helpers) {
      await plant(
        helper,
        `#!/bin/sh\nid -u > ${trap}/ran-${helper}\nfor d in /usr/local/bin /usr/bin /bin /usr/sbin /sbin; do [ -x "$d/${helper}" ] && exec "$d/${helper}" "$@"; done\n`,
      );
    }
    await plant("hook.js", `require("fs").writeFileSync(${JSON.stringify(`${trap}/ran-node-options`)}, "x");\n`);
    const term = await TerminalClient.open(planter.id, attacker.headers);
    term.send(`chmod 755 "$HOME" "$HOME/trap" "$HOME"/trap/* && echo PLA''NTED\r`);
    await term.waitFor("PLANTED");
    await term.close();
    expect(fs.existsSync(path.join(trap, "unshare"))).toBe(true);

    // Rows as an older API saved them (the operator seeds them), and a template whose stored manifest says the same.
    const payload = {
      PATH: `${trap}:/usr/sbin:/usr/bin:/sbin:/bin`,
      NODE_OPTIONS: `--require ${trap}/hook.js`,
      LD_PRELOAD: `${trap}/none.so`,
    };
    await seedClient().call("POST /api/admin/seed/secrets", {
      body: { workspaceId: attacker.workspaceId, secrets: payload },
      schema: seededSecretsSchema,
    });
    const templateId = await createStackTemplate(
      attacker.workspaceId,
      { persistedPaths: ["."], env: { KEEP: "yes" } },
      { ...payload, BASH_ENV: `${trap}/hook.sh` },
    );

    const start = await api(attacker, "POST /api/sessions", { body: { name: "victim", templateId } });
    // Whatever the start did, nothing the session planted ran: not as root, not as the agent.
    expect(fs.readdirSync(trap).filter((f) => f.startsWith("ran-"))).toEqual([]);
    expect(start.status, await start.clone().text()).toBe(201);
    const victim = ((await start.json()) as { session: { id: string } }).session;
    expect((await getSession(attacker, victim.id)).state).toBe("running");
    const shell = await TerminalClient.open(victim.id, attacker.headers);
    shell.send(
      'echo "ENV:$FOO:$KEEP:$(printenv NODE_OPTIONS || echo unset):$(printenv LD_PRELOAD || echo unset):$(printenv BASH_ENV || echo unset):$PATH:END"\r',
    );
    const seen = /ENV:bar:yes:unset:unset:unset:([^\r\n]*):END/;
    await shell.waitFor(seen);
    expect(shell.output.match(seen)?.[1]).not.toContain(trap);
    await shell.close();

    expect(fs.readdirSync(trap).filter((f) => f.startsWith("ran-"))).toEqual([]);
    // Still listed (names only), so the owner can see and delete them.
    const listed = (await (await api(attacker, "GET /api/workspaces/current/secrets")).json()) as { secrets: { name: string }[] };
    expect(listed.secrets.map((s) => s.name)).toEqual(expect.arrayContaining(["PATH", "NODE_OPTIONS", "LD_PRELOAD"]));
  });
});
