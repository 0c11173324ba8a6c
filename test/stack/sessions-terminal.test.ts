import { describe, expect, it } from "vitest";
import { createSession, expectOK, getSession, runtimeApi, until } from "./helpers/api";
import { visitPreview } from "./helpers/preview-host";
import { TerminalClient } from "./helpers/terminal";
import { createStackUser } from "./helpers/users";

describe("session create → running → terminal", () => {
  it("creates a running session from the starter and echoes through the terminal WebSocket", async () => {
    const user = await createStackUser();
    const session = await createSession(user, { name: "term" });
    expect(session.state).toBe("running");
    expect(session.lastLifecyclePhase).toBe("ready");
    expect(session.lastBootstrapAt).not.toBeNull();
    const detail = await getSession(user, session.id);
    expect(detail.runtimeStatus).toBe("healthy");
    expect(detail.activity?.idleTimeoutSeconds).toBeGreaterThan(0);

    const term = await TerminalClient.open(session.id, user.headers);
    term.send("echo hel''lo\r");
    await term.waitFor("hello");
    await term.close();
  });

  it("passes preview HTTP through to the starter's dev server on the session's preview host", async () => {
    const user = await createStackUser();
    const session = await createSession(user, { name: "preview" });
    const visit = await visitPreview(user, session.id);
    const page = await until(async () => {
      const res = await visit.get("/");
      const text = await res.text();
      return res.status === 200 && text.includes("Hello from BurstFlare") ? text : null;
    }, "starter page through the preview route");
    expect(page).toContain("<h1>Hello from BurstFlare</h1>");
  });

  it("shares files between the terminal and the file API, both ways", async () => {
    const user = await createStackUser();
    const session = await createSession(user, { name: "files" });
    const term = await TerminalClient.open(session.id, user.headers);
    term.send("printf 'from-terminal' > from-term.txt && echo WROTE-$((40+2))\r");
    await term.waitFor("WROTE-42");
    const read = await runtimeApi(user, "GET", session.id, "files/content", { query: { path: "from-term.txt" } });
    expect(await read.text()).toBe("from-terminal");

    const put = await fetch(
      `${(await import("./helpers/api")).baseURL()}/runtime/sessions/${session.id}/files/content?path=dir/from-api.txt`,
      {
        method: "PUT",
        headers: user.headers,
        body: "from-api",
      },
    );
    await expectOK(put);
    term.send("cat dir/from-api.txt; echo ' END'\r");
    await term.waitFor("from-api END");
    await term.close();
  });
});
