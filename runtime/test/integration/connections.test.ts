import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { closedConnections, encodePrincipal, PRINCIPAL_HEADER, type Principal } from "@burstflare/sdk/protocol/agent";
import type { RuntimeInfo } from "@burstflare/sdk/protocol/runtime-host";
import { describe, expect, it } from "vitest";
import { agentExec, agentFetch, useTestHost } from "../helpers/host";
import { makeKey } from "../helpers/ssh";
import { sshConnect, sshExec } from "../helpers/ssh2-client";
import { TerminalClient } from "../helpers/terminal-client";
import { waitFor } from "../helpers/wait";

const as = (p: Principal) => ({ [PRINCIPAL_HEADER]: encodePrincipal(p) });
const alice = (connectionId: string, signIn = "as_alice1"): Principal => ({
  connectionId,
  userId: "usr_alice",
  credential: { kind: "sign_in", id: signIn },
});
const bob = (connectionId: string): Principal => ({ connectionId, userId: "usr_bob", credential: { kind: "api_token", id: "tok_bob" } });

const close = (info: RuntimeInfo, body: unknown) =>
  agentFetch(info, "/connections/close", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("agent connection registry and terminal ownership", () => {
  const ctx = useTestHost("conns", {}, 60_000);

  it("ends exactly the sockets whose principal matches, and reports what stays open", async () => {
    const a1 = await TerminalClient.open(ctx.info, "?terminal=a1", as(alice("c_a1")));
    const a2 = await TerminalClient.open(ctx.info, "?terminal=a2", as(alice("c_a2", "as_alice2")));
    const b = await TerminalClient.open(ctx.info, "?terminal=b", as(bob("c_b")));
    await Promise.all([a1, a2, b].map((t) => t.waitFor(/\$|#/)));

    const res = await close(ctx.info, { credential: { kind: "sign_in", id: "as_alice1" } });
    expect(res.status).toBe(200);
    const result = closedConnections.parse(await res.json());
    expect(result.closed).toEqual(["c_a1"]);
    expect(result.open).toEqual(expect.arrayContaining(["c_a2", "c_b"]));
    await waitFor(() => a1.closed, "a1 closed");
    expect(a1.closed?.code).toBe(1008);

    const byUser = closedConnections.parse(await (await close(ctx.info, { userId: "usr_alice", kinds: ["sign_in"] })).json());
    expect(byUser.closed).toEqual(["c_a2"]);
    await waitFor(() => a2.closed, "a2 closed");
    expect(b.closed).toBeNull();
    b.input("echo still-$((1+1))\r");
    await b.waitFor("still-2");
    await b.close();
  });

  it("refuses a match that names nobody, and callers without the agent token", async () => {
    expect((await close(ctx.info, {})).status).toBe(400);
    expect((await close(ctx.info, { kinds: ["share"] })).status).toBe(400);
    const anonymous = await fetch(`${ctx.info.agentURL}/connections/close`, {
      method: "POST",
      body: JSON.stringify({ userId: "usr_alice" }),
    });
    expect(anonymous.status).toBe(401);
  });

  it("keeps a terminal to its opener unless the opener shares it", async () => {
    const mine = await TerminalClient.open(ctx.info, "?terminal=private", as(alice("c_p1")));
    mine.input("echo owner-$((3*3))\r");
    await mine.waitFor("owner-9");
    const intruder = await TerminalClient.open(ctx.info, "?terminal=private", as(bob("c_p2")));
    await waitFor(() => intruder.closed, "intruder refused");
    expect(intruder.closed?.code).toBe(1008);
    expect(intruder.output).not.toContain("owner-9");

    // Sharing is the owner's call, on their own attach.
    const shared = await TerminalClient.open(ctx.info, "?terminal=private&shared=1", as(alice("c_p3")));
    const guest = await TerminalClient.open(ctx.info, "?terminal=private", as(bob("c_p4")));
    await guest.waitFor("owner-9");
    const unshared = await TerminalClient.open(ctx.info, "?terminal=private&shared=0", as(alice("c_p5")));
    const late = await TerminalClient.open(ctx.info, "?terminal=private", as(bob("c_p6")));
    await waitFor(() => late.closed, "late guest refused");
    expect(late.closed?.code).toBe(1008);
    await Promise.all([mine.close(), shared.close(), guest.close(), unshared.close()]);
  });

  it("detaches the other users already attached when the owner stops sharing", async () => {
    const owner = await TerminalClient.open(ctx.info, "?terminal=unshare&shared=1", as(alice("c_u1")));
    owner.input("echo owner-$((4*4))\r");
    await owner.waitFor("owner-16");
    const guest = await TerminalClient.open(ctx.info, "?terminal=unshare", as(bob("c_u2")));
    await guest.waitFor("owner-16");
    const again = await TerminalClient.open(ctx.info, "?terminal=unshare&shared=0", as(alice("c_u3")));
    await waitFor(() => guest.closed, "guest detached");
    expect(guest.closed?.code).toBe(1008);
    owner.input("echo after-$((5*5))\r");
    await owner.waitFor("after-25");
    expect(guest.output).not.toContain("after-25");
    expect(owner.closed).toBeNull();
    await Promise.all([owner.close(), again.close()]);
  });

  it("caps terminals per user, so one member filling the cap leaves others theirs", async () => {
    // Bob starts with no terminal of his own (earlier tests opened some).
    await close(ctx.info, { userId: "usr_bob", lostAccess: true });
    const mine = [];
    for (let i = 0; i < 16; i++) mine.push(await TerminalClient.open(ctx.info, `?terminal=cap-bob-${i}`, as(bob(`c_cap${i}`))));
    const over = await TerminalClient.open(ctx.info, "?terminal=cap-bob-16", as(bob("c_cap16")));
    await waitFor(() => over.closed, "17th refused");
    expect(over.closed).toMatchObject({ code: 1008, reason: expect.stringMatching(/at most 16 terminals/) });
    await Promise.all(mine.map((t) => t.waitFor(/\$|#/)));
    expect(mine.filter((t) => t.closed)).toEqual([]);
    const owners = await TerminalClient.open(ctx.info, "?terminal=cap-alice", as(alice("c_cap_a")));
    owners.input("echo room-$((6*6))\r");
    await owners.waitFor("room-36");
    await Promise.all([...mine, owners].map((t) => t.close()));
    await close(ctx.info, { userId: "usr_bob", lostAccess: true });
    await waitFor(
      async () =>
        ((await (await agentFetch(ctx.info, "/terminals")).json()) as { terminals: { id: string }[] }).terminals.every(
          (t) => !t.id.startsWith("cap-bob-"),
        ),
      "bob's shells ended",
    );
  });

  it("ends what a member's SSH channels started, nohup jobs included, when they lose access; another member's run on", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bf-conns-ssh-"));
    try {
      const key = makeKey(dir, "key");
      // The [x] keeps pgrep from matching the shell that runs it.
      const running = async (pattern: string) => (await agentExec(ctx.info, `pgrep -f '${pattern}'`)).code === 0;
      const bobSSH = await sshConnect(ctx.info, key, bob("c_s1"));
      const aliceSSH = await sshConnect(ctx.info, key, alice("c_s2"));
      // One job whose channel already ended, one whose channel is still open.
      expect((await sshExec(bobSSH, "nohup sleep 777 >/dev/null 2>&1 &")).code).toBe(0);
      const open = sshExec(bobSSH, "nohup sleep 779 >/dev/null 2>&1 & echo started; sleep 600").catch(() => null);
      expect((await sshExec(aliceSSH, "nohup sleep 778 >/dev/null 2>&1 &")).code).toBe(0);
      await waitFor(
        async () => (await running("sleep 77[7]")) && (await running("sleep 77[9]")) && (await running("sleep 77[8]")),
        "jobs running",
      );

      expect((await close(ctx.info, { userId: "usr_bob", lostAccess: true })).status).toBe(200);
      await waitFor(async () => !(await running("sleep 77[7]")) && !(await running("sleep 77[9]")), "bob's jobs ended");
      await open;
      expect(await running("sleep 77[8]")).toBe(true);
      aliceSSH.end();
      await close(ctx.info, { userId: "usr_alice", lostAccess: true });
      await waitFor(async () => !(await running("sleep 77[8]")), "alice's job ended");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
