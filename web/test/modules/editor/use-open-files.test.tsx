import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, render, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { useOpenFiles } from "../../../src/modules/editor/use-open-files";

import { FakeAgent } from "./fake-agent";

type Editor = ReturnType<typeof useOpenFiles>;

let agent: FakeAgent;
/** Session ses_1's files; the test edits them to play "someone else". */
let disk: Map<string, { text: string; mtimeMs: number }>;
const puts = () => agent.puts.map(({ path, body }) => ({ path, body }));

function Probe({ sessionId, onRender }: { sessionId: string; onRender: (e: Editor) => void }) {
  onRender(useOpenFiles(sessionId));
  return null;
}

/** The hook for ses_1; `switchSession` hands the mounted hook another session, as a route change does. */
function setup() {
  let editor: Editor | null = null;
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false, refetchInterval: false } } });
  const ui = (sessionId: string) => (
    <QueryClientProvider client={qc}>
      <Probe sessionId={sessionId} onRender={(e) => (editor = e)} />
    </QueryClientProvider>
  );
  const view = render(ui("ses_1"));
  const get = () => editor!;
  get.switchSession = (sessionId: string) => view.rerender(ui(sessionId));
  return get;
}

beforeEach(() => {
  agent = new FakeAgent();
  disk = agent.disk("ses_1");
  disk.set("notes.md", { text: "one", mtimeMs: 1000 });
  vi.stubGlobal("fetch", vi.fn(agent.fetch));
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const file = (e: Editor) => e.files.find((f) => f.path === "notes.md")!;

describe("useOpenFiles", () => {
  it("opens, edits (dirty) and saves the model's text", async () => {
    const editor = setup();
    act(() => editor().open("notes.md"));
    await waitFor(() => expect(file(editor())).toMatchObject({ text: "one", saved: "one", loading: false, mtimeMs: 1000 }));
    act(() => editor().edit("notes.md", "one two"));
    expect(file(editor()).text).not.toBe(file(editor()).saved);
    // Ctrl+S hands over the model's text, which may be a keystroke ahead of state.
    await act(() => editor().save("notes.md", "one two three"));
    expect(puts()).toEqual([{ path: "notes.md", body: "one two three" }]);
    expect(file(editor())).toMatchObject({ text: "one two three", saved: "one two three", mtimeMs: 2000, saving: false });
  });

  it("reloads a clean file that changed on disk, and says so", async () => {
    const editor = setup();
    act(() => editor().open("notes.md"));
    await waitFor(() => expect(file(editor()).loading).toBe(false));
    const loads = file(editor()).loadVersion;
    disk.set("notes.md", { text: "changed in the terminal", mtimeMs: 5000 });
    act(() => editor().refreshListings());
    await waitFor(() => expect(file(editor()).text).toBe("changed in the terminal"));
    expect(file(editor())).toMatchObject({ saved: "changed in the terminal", mtimeMs: 5000, conflict: null });
    expect(file(editor()).notice).toMatch(/changed on disk/);
    expect(file(editor()).loadVersion).toBe(loads + 1);
  });

  it("keeps unsaved edits and raises a conflict when the file changes on disk; keep-mine then saves over it", async () => {
    const editor = setup();
    act(() => editor().open("notes.md"));
    await waitFor(() => expect(file(editor()).loading).toBe(false));
    act(() => editor().edit("notes.md", "my edit"));
    disk.set("notes.md", { text: "their edit", mtimeMs: 7000 });
    act(() => editor().refreshListings());
    await waitFor(() => expect(file(editor()).conflict).toBe("changed"));
    expect(file(editor()).text).toBe("my edit");

    act(() => editor().keepMine("notes.md"));
    expect(file(editor()).conflict).toBeNull();
    // The disk version seen is accepted (the watch compares against it), so polls stop raising it.
    expect(file(editor()).mtimeMs).toBe(7000);
    await act(() => editor().save("notes.md"));
    expect(puts().at(-1)).toEqual({ path: "notes.md", body: "my edit" });
  });

  it("flags a file deleted on disk, and closes tabs under a deleted folder", async () => {
    disk.set("src/a.ts", { text: "a", mtimeMs: 1 });
    const editor = setup();
    act(() => editor().open("notes.md"));
    act(() => editor().open("src/a.ts"));
    await waitFor(() => expect(editor().files.every((f) => !f.loading)).toBe(true));
    expect(editor().activePath).toBe("src/a.ts");

    disk.delete("notes.md");
    act(() => editor().refreshListings());
    await waitFor(() => expect(file(editor()).conflict).toBe("deleted"));

    act(() => editor().deleted("src"));
    expect(editor().files.map((f) => f.path)).toEqual(["notes.md"]);
    expect(editor().activePath).toBe("notes.md");
  });

  it("follows renames of open files and folders", async () => {
    disk.set("src/a.ts", { text: "a", mtimeMs: 1 });
    const editor = setup();
    act(() => editor().open("src/a.ts"));
    await waitFor(() => expect(editor().files[0]?.loading).toBe(false));
    act(() => editor().renamed("src", "lib"));
    expect(editor().files.map((f) => f.path)).toEqual(["lib/a.ts"]);
    expect(editor().activePath).toBe("lib/a.ts");
  });

  it("drops one session's open files when the hook is handed another session, unsaved edits included", async () => {
    agent.disk("ses_2").set("notes.md", { text: "two's notes", mtimeMs: 1 });
    const editor = setup();
    act(() => editor().open("notes.md"));
    await waitFor(() => expect(file(editor()).loading).toBe(false));
    act(() => editor().edit("notes.md", "one's unsaved edit"));

    editor.switchSession("ses_2");
    expect(editor().files).toEqual([]);
    expect(editor().activePath).toBeNull();
    act(() => editor().open("notes.md"));
    await waitFor(() => expect(file(editor())).toMatchObject({ text: "two's notes", loading: false }));
    await act(() => editor().save("notes.md"));
    expect(agent.puts).toEqual([{ session: "ses_2", path: "notes.md", body: "two's notes" }]);
  });

  it("ignores a read that answers for the session it left", async () => {
    agent.disk("ses_2").set("notes.md", { text: "two's notes", mtimeMs: 1 });
    let answerOne: () => void = () => {};
    const held = new Promise<void>((resolve) => (answerOne = resolve));
    let oneRead = false;
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        if (!String(input).includes("/sessions/ses_1/files/content")) return agent.fetch(input, init);
        await held;
        const res = await agent.fetch(input, init);
        const body = await res.arrayBuffer();
        // Marked a task after the body is handed over: by then the hook has taken (or dropped) it.
        const handOver = async () => {
          setTimeout(() => {
            oneRead = true;
          });
          return body;
        };
        return Object.assign(res, { arrayBuffer: handOver });
      }),
    );
    const editor = setup();
    act(() => editor().open("notes.md"));
    editor.switchSession("ses_2");
    act(() => editor().open("notes.md"));
    await waitFor(() => expect(file(editor())).toMatchObject({ text: "two's notes", loading: false }));

    answerOne();
    await waitFor(() => expect(oneRead).toBe(true));
    expect(file(editor())).toMatchObject({ text: "two's notes", saved: "two's notes", mtimeMs: 1 });
  });
});
