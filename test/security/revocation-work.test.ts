import type { ProcessInfo } from "@burstflare/sdk/protocol/automation";
import { describe, expect, it } from "vitest";
import { api, expectOK, until } from "../stack/helpers/api";
import { ownerSessionForFile, runningIn } from "../stack/helpers/session-work";
import { TerminalClient } from "../stack/helpers/terminal";
import { createStackUser, type StackUser } from "../stack/helpers/users";

/**
 * Revoking access ends the work it started, not only its sockets: the commands and background
 * processes a revoked credential started, and, when a member loses access to the workspace, the
 * shells of the terminals they opened. What the same user started with another credential, and
 * what the owner started, runs on. (revocation.test.ts covers the sockets themselves.)
 */

const session = ownerSessionForFile("revoke-work");

const as = (user: StackUser, token: string): StackUser => ({ ...user, headers: { authorization: `Bearer ${token}` } });

async function startProcess(user: StackUser, command: string): Promise<ProcessInfo> {
  const info = (await expectOK(
    await api(user, "POST /api/sessions/{sessionId}/processes", { params: { sessionId: session.sessionId }, body: { command } }),
    201,
  )) as ProcessInfo;
  expect(info.pid).toBeGreaterThan(0);
  return info;
}

const running = (pid: number) => runningIn(session.owner, session.sessionId, pid);

/** A streamed command that has printed its first line; resolves with everything the stream said once it ends. */
async function streamingExec(user: StackUser, command: string): Promise<{ pid: number; ended: Promise<string> }> {
  const res = await api(user, "POST /api/sessions/{sessionId}/exec", {
    params: { sessionId: session.sessionId },
    body: { command, stream: true, timeoutMs: 600_000 },
  });
  expect(res.status).toBe(200);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!/pid-(\d+)/.test(text)) {
    const chunk = await reader.read();
    if (chunk.done) throw new Error(`the command's stream ended early: ${text}`);
    text += decoder.decode(chunk.value, { stream: true });
  }
  const pid = Number(/pid-(\d+)/.exec(text)?.[1]);
  const ended = (async () => {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value, { stream: true });
    return text;
  })();
  return { pid, ended };
}

async function terminalShellPid(user: StackUser, name: string, job = false): Promise<{ shell: number; job: number }> {
  const term = await TerminalClient.open(session.sessionId, user.headers, `?terminal=${name}`);
  session.terminals.push(term);
  term.send("echo shell-pid-$$-end\r");
  await term.waitFor(/shell-pid-\d+-end/);
  const shell = Number(/shell-pid-(\d+)-end/.exec(term.output)?.[1]);
  if (!job) return { shell, job: 0 };
  // A job left running in the terminal, deaf to the hangup a closing terminal sends.
  term.send("nohup sleep 600 >/dev/null 2>&1 & echo job-pid-$!-end\r");
  await term.waitFor(/job-pid-\d+-end/);
  return { shell, job: Number(/job-pid-(\d+)-end/.exec(term.output)?.[1]) };
}

/** A new member of the owner's workspace, and an API token of theirs that `revoke()` deletes. */
async function memberWithToken(name: string) {
  const member = await createStackUser({ workspaceId: session.owner.workspaceId, role: "member" });
  const created = (await expectOK(await api(member, "POST /api/auth/tokens", { body: { name } }))) as {
    token: string;
    apiToken: { id: string };
  };
  const revoke = async () => expectOK(await api(member, "DELETE /api/auth/tokens/{tokenId}", { params: { tokenId: created.apiToken.id } }));
  return { member, viaToken: as(member, created.token), revoke };
}

describe("revoking access ends the work it started", () => {
  it("removing a member ends their background processes, running commands and terminal shells; the owner's run on", async () => {
    const member = await createStackUser({ workspaceId: session.owner.workspaceId, role: "member" });
    const ownerProcess = await startProcess(session.owner, "sleep 600");
    const ownerShell = (await terminalShellPid(session.owner, "owner-work")).shell;
    // The background job of the process's shell must end with it.
    const memberProcess = await startProcess(member, "sleep 600 & wait");
    const memberExec = await streamingExec(member, "echo pid-$$; sleep 600");
    const { shell: memberShell, job: memberJob } = await terminalShellPid(member, "member-work", true);
    expect(await running(memberProcess.pid as number)).toBe(true);
    expect(await running(memberExec.pid)).toBe(true);
    expect(await running(memberShell)).toBe(true);
    expect(await running(memberJob)).toBe(true);

    await expectOK(await api(session.owner, "DELETE /api/workspaces/current/members/{userId}", { params: { userId: member.userId } }));

    await until(async () => !(await running(memberProcess.pid as number)), "the removed member's background process ends");
    await until(async () => !(await running(memberShell)), "the removed member's terminal shell ends");
    await until(async () => !(await running(memberJob)), "the nohup job in the removed member's terminal ends");
    const said = await memberExec.ended;
    expect(said).toMatch(/"signal":"SIGKILL"/);
    expect(await running(memberExec.pid)).toBe(false);
    expect(await running(ownerProcess.pid as number)).toBe(true);
    expect(await running(ownerShell)).toBe(true);
  });

  it("deleting an API token ends the background process it started; the same user's sign-in work runs on", async () => {
    const { member, viaToken: tokenUser, revoke } = await memberWithToken("revoke work");
    const viaToken = await startProcess(tokenUser, "sleep 600");
    const viaSignIn = await startProcess(member, "sleep 600");
    const { shell } = await terminalShellPid(tokenUser, "token-work");

    await revoke();

    await until(async () => !(await running(viaToken.pid as number)), "the token's background process ends");
    expect(await running(viaSignIn.pid as number)).toBe(true);
    // The user still has access: the terminal they opened with the token lost its socket, not its shell.
    expect(await running(shell)).toBe(true);
  });

  it("a job a finished command left running (nohup … &) still ends when the token that ran the command is deleted", async () => {
    const { viaToken, revoke } = await memberWithToken("left behind");
    const done = (await expectOK(
      await api(viaToken, "POST /api/sessions/{sessionId}/exec", {
        params: { sessionId: session.sessionId },
        body: { command: "nohup sleep 600 >/dev/null 2>&1 & echo left-$!" },
      }),
    )) as { exitCode: number; stdout: string };
    expect(done.exitCode).toBe(0);
    const job = Number(/left-(\d+)/.exec(done.stdout)?.[1]);
    expect(await running(job)).toBe(true);

    await revoke();
    await until(async () => !(await running(job)), "the job the token's finished command left behind ends");
  });

  it("demoting a member to viewer ends their running command", async () => {
    const member = await createStackUser({ workspaceId: session.owner.workspaceId, role: "member" });
    const exec = await streamingExec(member, "echo pid-$$; sleep 600");
    await expectOK(
      await api(session.owner, "PATCH /api/workspaces/current/members/{userId}", {
        params: { userId: member.userId },
        body: { role: "viewer" },
      }),
    );
    expect(await exec.ended).toMatch(/"signal":"SIGKILL"/);
    expect(await running(exec.pid)).toBe(false);
  });
});
