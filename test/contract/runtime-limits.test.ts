import { beforeAll, describe, expect, it } from "vitest";
import { baseURL, until } from "../stack/helpers/api";
import { probe } from "../stack/helpers/driver-probe";
import { visitPreview } from "../stack/helpers/preview-host";
import { sessionWithPreviewServer } from "../stack/helpers/preview-server";
import { runInTerminal as run } from "../stack/helpers/terminal-run";
import { createStackUser, type StackUser } from "../stack/helpers/users";

const driver = probe();

/** The session's preview as a member's browser opens it, through the product. */
async function previewAnswers(user: StackUser, sessionId: string): Promise<boolean> {
  const res = await (await visitPreview(user, sessionId)).get("/ready");
  return res.status === 200 && (await res.text()).includes("Shared preview /ready");
}

/** This stack's own health: wrangler, and the runtime host or the container engine behind it. */
async function stackAnswers(): Promise<boolean> {
  const res = await fetch(`${baseURL()}/api/health`);
  return res.status === 200 && (await res.json()).runtimeReachable === true;
}

/**
 * Hostile code in one session must not take this machine's processes or memory from everyone else:
 * a fork bomb and a memory hog stop at the limits of the runtime's resource class (small: 1024
 * processes, 1 GiB), on either driver. On the old container engine neither had a limit: the bomb
 * forked 5000 processes and the hog held 2 GiB.
 */
describe(`a runtime's processes and memory are bounded (${driver.name})`, () => {
  let alice: StackUser;
  let bob: StackUser;
  let a: string;
  let b: string;

  beforeAll(async () => {
    [alice, bob] = await Promise.all([createStackUser(), createStackUser()]);
    [a, b] = await Promise.all([sessionWithPreviewServer(alice, "limits-a"), sessionWithPreviewServer(bob, "limits-b")]);
  });

  it("stops a fork bomb at the runtime's process limit while the stack and other sessions answer", async () => {
    const bomb = [
      "import os, time, signal",
      "kids = []",
      "while len(kids) < 5000:",
      "    try:",
      "        pid = os.fork()",
      "    except OSError as e:",
      "        print('fork refused after', len(kids), e.strerror, flush=True)",
      "        break",
      "    if pid == 0:",
      "        time.sleep(120)",
      "        os._exit(0)",
      "    kids.append(pid)",
      "else:",
      "    print('forked', len(kids), flush=True)",
      "for k in kids: os.kill(k, signal.SIGKILL)",
      "for k in kids: os.waitpid(k, 0)",
    ].join("\n");
    const encoded = Buffer.from(bomb).toString("base64");
    const result = await run(alice, a, `echo ${encoded} | base64 -d > /tmp/bomb.py && python3 /tmp/bomb.py`, 120_000);
    const refused = /fork refused after (\d+) Resource temporarily unavailable/.exec(result.output);
    expect(refused, result.output).not.toBeNull();
    expect(Number(refused![1])).toBeLessThan(1024);

    expect(await stackAnswers()).toBe(true);
    expect(await previewAnswers(bob, b)).toBe(true);
    expect((await run(alice, a, "echo still-here")).output).toBe("still-here\n");
  });

  it("kills a memory hog inside its runtime while the other session answers", async () => {
    // 64 MiB at a time, touched, up to 2 GiB: twice the small class's memory.
    const hog = `node -e 'const keep=[]; for (let i = 1; i <= 32; i++) { keep.push(Buffer.alloc(64 * 1024 * 1024, 1)); console.log("held " + i * 64 + " MiB"); }'; echo "hog rc=$?"`;
    const result = await run(alice, a, hog, 120_000);
    expect(result.output).toMatch(/hog rc=137/);
    expect(result.output).not.toContain("held 2048 MiB");

    expect(await previewAnswers(bob, b)).toBe(true);
    await until(async () => (await run(alice, a, "echo alive")).output === "alive\n", "the hog's own session to answer again");
  });
});
