import fs from "node:fs";
import { encodePrincipal, PRINCIPAL_HEADER, type Principal } from "@burstflare/sdk/protocol/agent";
import { describe, expect, it } from "vitest";
import { agentExec, agentFetch, useTestHost } from "../helpers/host";
import { TerminalClient } from "../helpers/terminal-client";
import { waitFor } from "../helpers/wait";

/**
 * The agent keeps every member's processes in a cgroup of that member's (exec/member-groups.ts):
 * revoking access kills the group, so a process that left its Unix session (setsid) ends too,
 * while other members' and the control plane's run on. The host removes the groups with the runtime.
 */

const as = (p: Principal) => ({ [PRINCIPAL_HEADER]: encodePrincipal(p) });
const alice: Principal = { connectionId: "c_alice", userId: "usr_alice", credential: { kind: "sign_in", id: "as_alice" } };
const bob: Principal = { connectionId: "c_bob", userId: "usr_bob", credential: { kind: "api_token", id: "tok_bob" } };

const close = (info: Parameters<typeof agentFetch>[0], body: unknown) =>
  agentFetch(info, "/connections/close", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** Leaves its Unix session and runs `sleep <marker>` on, its stdio closed. */
const detach = (marker: number) => `setsid sleep ${marker} </dev/null >/dev/null 2>&1 &`;

describe("member groups", () => {
  const ctx = useTestHost("groups", {}, 60_000);
  // "[x]" keeps pgrep from matching the shell that runs it.
  const running = async (marker: number) =>
    (await agentExec(ctx.info, `pgrep -f 'sleep ${String(marker).replace(/^(\d)/, "[$1]")}'`)).code === 0;

  /** A command started with /exec/run by `who`: a credential's work. */
  const run = async (who: Principal, command: string) => {
    const res = await agentFetch(ctx.info, "/exec/run", {
      method: "POST",
      headers: { "content-type": "application/json", ...as(who) },
      body: JSON.stringify({ command }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('"exitCode":0');
  };

  it("are on, as the agent's /health says", async () => {
    const res = await agentFetch(ctx.info, "/health");
    expect(((await res.json()) as { memberGroups: unknown }).memberGroups).toEqual({ on: true, reason: null });
  });

  it("a user losing access kills what they detached; other members' and the control plane's run on", async () => {
    const aliceTerm = await TerminalClient.open(ctx.info, "?terminal=alice", as(alice));
    aliceTerm.input(`${detach(901)} echo started-$((900+1))\r`);
    await aliceTerm.waitFor("started-901");
    await run(alice, detach(902));
    await run(bob, detach(903));
    await agentExec(ctx.info, detach(904));
    await waitFor(async () => (await running(901)) && (await running(902)) && (await running(903)) && (await running(904)), "all running");

    expect((await close(ctx.info, { userId: "usr_alice", lostAccess: true })).status).toBe(200);
    await waitFor(async () => !(await running(901)) && !(await running(902)), "alice's detached processes ended");
    expect(await running(903)).toBe(true);
    expect(await running(904)).toBe(true);
    await aliceTerm.close();
  });

  it("revoking a credential kills what it started; the user's terminal keeps its work", async () => {
    const bobTerm = await TerminalClient.open(ctx.info, "?terminal=bob", as(bob));
    bobTerm.input(`${detach(911)} echo started-$((910+1))\r`);
    await bobTerm.waitFor("started-911");
    await run(bob, detach(912));
    await waitFor(async () => (await running(911)) && (await running(912)), "both running");

    expect((await close(ctx.info, { credential: bob.credential })).status).toBe(200);
    await waitFor(async () => !(await running(912)), "the token's detached process ended");
    expect(await running(911)).toBe(true);
    await bobTerm.close();
  });

  it("removes the runtime's groups, members' included, when the runtime stops", async () => {
    const pid = Number(fs.readFileSync(`/proc/${ctx.info.pid}/task/${ctx.info.pid}/children`, "utf8").trim().split(/\s+/)[0]);
    const line = fs
      .readFileSync(`/proc/${pid}/cgroup`, "utf8")
      .split("\n")
      .find((l) => l.startsWith("0::"));
    const mount = fs
      .readFileSync("/proc/self/mountinfo", "utf8")
      .split("\n")
      .find((l) => / - cgroup2 /.test(l))
      ?.split(" ")[4];
    const dir = `${mount}${line?.slice(3)}`;
    expect(fs.readdirSync(dir).filter((f) => f.startsWith("u-"))).toHaveLength(2);

    expect((await ctx.host.request("/runtimes/groups", { method: "DELETE" })).status).toBe(204);
    await waitFor(() => !fs.existsSync(dir), "the runtime's cgroup removed");
  });
});
