import { describe, expect, it } from "vitest";
import { newEd25519Key } from "../../runtime/src/agent/ssh/host-key";
import { api, createSession, expectOK, getSession, sessionAction, until } from "../stack/helpers/api";
import { probe } from "../stack/helpers/driver-probe";
import { visitPreview } from "../stack/helpers/preview-host";
import { sessionWithPreviewServer } from "../stack/helpers/preview-server";
import { putFile, readFile } from "../stack/helpers/snapshot-tree";
import { saveSnapshot } from "../stack/helpers/snapshots";
import { sshExec, sshToken } from "../stack/helpers/ssh-exec";
import { createStackTemplate } from "../stack/helpers/templates";
import { TerminalClient } from "../stack/helpers/terminal";
import { createStackUser, type StackUser } from "../stack/helpers/users";

const driver = probe();

async function fileText(user: StackUser, sessionId: string, p: string): Promise<{ status: number; text: string }> {
  const res = await readFile(user, sessionId, p);
  return { status: res.status, text: res.bytes.toString() };
}

/** Runs one command in a fresh terminal and returns the text between two markers it prints. */
async function run(user: StackUser, sessionId: string, command: string): Promise<string> {
  const term = await TerminalClient.open(sessionId, user.headers);
  try {
    term.send(`echo "BEGIN""-OUT"; ${command}; echo "END""-OUT"\r`);
    await term.waitFor(/BEGIN-OUT[\s\S]*END-OUT/);
    const match = /BEGIN-OUT\r?\n([\s\S]*?)END-OUT/.exec(term.output);
    return match?.[1] ?? "";
  } finally {
    await term.close();
  }
}

/** Connects over the session's /ssh route, runs `command`; returns its output and the host key offered. */
async function sshRun(
  user: StackUser,
  sessionId: string,
  privateKey: string | Buffer,
  command: string,
): Promise<{ out: string; hostKey: string }> {
  const { token, sshUser } = await sshToken(user, sessionId);
  return sshExec(sessionId, { token, username: sshUser, privateKey }, command);
}

describe(`runtime driver contract (${driver.name})`, () => {
  it("start runs exactly one runtime, a second start is idempotent, get reports it and the terminal echoes", async () => {
    const user = await createStackUser();
    const session = await createSession(user, { name: "contract-start" });
    // A failed start names its reason in the assertion, so a CI log says why.
    expect(session.state, session.failureReason ?? undefined).toBe("running");
    const [first, ...others] = await driver.runtimes(session.id);
    expect(first).toBeDefined();
    expect(others).toEqual([]);

    const again = await sessionAction(user, session.id, "start");
    expect(again.state).toBe("running");
    expect(await driver.runtimes(session.id)).toEqual([first]);

    const detail = await getSession(user, session.id);
    expect(detail.state).toBe("running");
    expect(detail.runtimeStatus).toBe("healthy");
    expect(await run(user, session.id, "echo contract-$((6*7))")).toContain("contract-42");
  });

  it("manifest env and workspace secrets reach the shell as environment", async () => {
    const user = await createStackUser();
    await expectOK(await api(user, "PUT /api/workspaces/current/secrets", { body: { name: "CONTRACT_SECRET", value: "s3cret-value" } }));
    const templateId = await createStackTemplate(user.workspaceId, { persistedPaths: ["."], env: { CONTRACT_VAR: "from-manifest" } });
    const session = await createSession(user, { name: "contract-env", templateId });
    const out = await run(user, session.id, 'echo "var=$CONTRACT_VAR secret=$CONTRACT_SECRET"');
    expect(out).toContain("var=from-manifest secret=s3cret-value");
  });

  it("stop removes the runtime; start brings back persisted paths and only those", async () => {
    const user = await createStackUser();
    const templateId = await createStackTemplate(user.workspaceId, { persistedPaths: ["keep"] });
    const session = await createSession(user, { name: "contract-persist", templateId });
    await putFile(user, session.id, "keep/notes.txt", "kept across stop");
    await putFile(user, session.id, "scratch.txt", "disposable");

    const stopped = await sessionAction(user, session.id, "stop");
    expect(stopped).toMatchObject({ state: "stopped", runtimeStatus: "stopped" });
    expect(await driver.runtimes(session.id)).toEqual([]);

    expect((await sessionAction(user, session.id, "start")).state).toBe("running");
    expect(await driver.runtimes(session.id)).toHaveLength(1);
    expect(await fileText(user, session.id, "keep/notes.txt")).toEqual({ status: 200, text: "kept across stop" });
    expect((await fileText(user, session.id, "scratch.txt")).status).toBe(404);
  });

  it("a crashed runtime fails the session; restart recovers from the last snapshot", async () => {
    const user = await createStackUser();
    const session = await createSession(user, { name: "contract-crash" });
    await putFile(user, session.id, "saved.txt", "in the snapshot");
    await saveSnapshot(user, session.id, "before crash");
    await putFile(user, session.id, "unsaved.txt", "lost with the crash");

    await driver.crash(session.id);
    const failed = await until(async () => {
      const s = await getSession(user, session.id);
      return s.state === "failed" ? s : null;
    }, "failed state");
    expect(failed.runtimeStatus).toBe("lost");
    expect((await fileText(user, session.id, "saved.txt")).status).toBe(409);

    const restarted = await sessionAction(user, session.id, "restart");
    expect(restarted).toMatchObject({ state: "running", failureReason: null });
    expect(await driver.runtimes(session.id)).toHaveLength(1);
    expect(await fileText(user, session.id, "saved.txt")).toEqual({ status: 200, text: "in the snapshot" });
    expect((await fileText(user, session.id, "unsaved.txt")).status).toBe(404);
  });

  it("an idle session sleeps without a runtime and a terminal connect wakes it with its files", async () => {
    const user = await createStackUser();
    const templateId = await createStackTemplate(user.workspaceId, { persistedPaths: ["."], idleTimeoutSeconds: 5 });
    const session = await createSession(user, { name: "contract-sleep", templateId });
    await putFile(user, session.id, "before-sleep.txt", "zzz");
    await until(async () => (await getSession(user, session.id)).state === "sleeping", "idle sleep", 60_000);
    expect(await driver.runtimes(session.id)).toEqual([]);

    const term = await TerminalClient.open(session.id, user.headers);
    try {
      expect((await getSession(user, session.id)).state).toBe("running");
      term.send("cat before-sleep.txt; echo ' <-woke'\r");
      await term.waitFor("zzz <-woke");
    } finally {
      await term.close();
    }
    expect(await driver.runtimes(session.id)).toHaveLength(1);
  });

  it("a snapshot saved earlier restores the workspace to that content", async () => {
    const user = await createStackUser();
    const session = await createSession(user, { name: "contract-snapshot" });
    await putFile(user, session.id, "doc.txt", "version one");
    const snapshot = await saveSnapshot(user, session.id, "v1");
    expect(snapshot.status).toBe("ready");
    await putFile(user, session.id, "doc.txt", "version two");
    await putFile(user, session.id, "later.txt", "after the snapshot");

    await expectOK(
      await api(user, "POST /api/sessions/{sessionId}/snapshots/{snapshotId}/restore", {
        params: { sessionId: session.id, snapshotId: snapshot.id },
      }),
    );
    expect(await fileText(user, session.id, "doc.txt")).toEqual({ status: 200, text: "version one" });
    expect((await fileText(user, session.id, "later.txt")).status).toBe(404);
  });

  it("the preview route reaches a server listening on the template's preview port", async () => {
    const user = await createStackUser();
    const sessionId = await sessionWithPreviewServer(user, "contract-preview");
    // Previews live on their own origin: the owner route hands out a grant for the session's preview host.
    const res = await (await visitPreview(user, sessionId)).get("/contract?q=1");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Shared preview /contract?q=1");
  });
  it("SSH works and offers the same host key after a restart and after sleep and wake", async () => {
    const user = await createStackUser();
    const keys = newEd25519Key("contract");
    await expectOK(await api(user, "POST /api/auth/ssh-keys", { body: { publicKey: keys.public, name: "contract" } }));
    const templateId = await createStackTemplate(user.workspaceId, { persistedPaths: ["."], idleTimeoutSeconds: 5 });
    const session = await createSession(user, { name: "contract-ssh", templateId });

    const first = await sshRun(user, session.id, keys.private, "echo ssh-$((40+2))");
    expect(first.out).toContain("ssh-42");
    expect(first.hostKey).not.toBe("");

    expect((await sessionAction(user, session.id, "restart")).state).toBe("running");
    const afterRestart = await sshRun(user, session.id, keys.private, "echo again");
    expect(afterRestart.out).toContain("again");
    expect(afterRestart.hostKey).toBe(first.hostKey);

    await until(async () => (await getSession(user, session.id)).state === "sleeping", "idle sleep", 60_000);
    // An SSH connection is user traffic: it wakes the session.
    const afterWake = await sshRun(user, session.id, keys.private, "echo woke");
    expect(afterWake.out).toContain("woke");
    expect(afterWake.hostKey).toBe(first.hostKey);
  });
});
