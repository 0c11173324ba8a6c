import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { EditorArea } from "../../../src/modules/editor/EditorArea";
import { useOpenFiles } from "../../../src/modules/editor/use-open-files";
import { FakeAgent } from "./fake-agent";
import { setUpRealMonaco } from "./real-monaco";

// The real Monaco and @monaco-editor/react; only the Vite `?worker` imports of monaco-setup are left out.
vi.mock("../../../src/modules/editor/monaco-setup", async () => {
  const monaco = await import("monaco-editor/editor/editor.api");
  (await import("@monaco-editor/react")).loader.config({ monaco });
  return { monaco };
});

const monaco = setUpRealMonaco(["typescript", "python", "markdown"]);

type Editor = ReturnType<typeof useOpenFiles>;
let agent: FakeAgent;
let editor: Editor;

function Workbench({ sessionId }: { sessionId: string }) {
  editor = useOpenFiles(sessionId);
  return <EditorArea editor={editor} />;
}

/** The workbench of one session; like the app, a new session mounts a new one. */
function renderWorkbench(sessionId: string) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false, refetchInterval: false } } });
  const view = render(
    <QueryClientProvider client={qc}>
      <Workbench key={sessionId} sessionId={sessionId} />
    </QueryClientProvider>,
  );
  return (next: string) =>
    view.rerender(
      <QueryClientProvider client={qc}>
        <Workbench key={next} sessionId={next} />
      </QueryClientProvider>,
    );
}

const monacoEditor = () => monaco.editor.getEditors()[0]!;
/** Opens (or switches to) a file and waits until Monaco is ready (its onMount has run) and shows `text`. */
async function show(path: string, text: string) {
  act(() => editor.open(path));
  await waitFor(
    () => {
      expect(screen.queryByText(/Loading editor|Opening/)).toBeNull();
      expect(monacoEditor()?.getValue()).toBe(text);
    },
    { timeout: 10_000 },
  );
}
const type = (text: string) => act(() => monacoEditor().trigger("keyboard", "type", { text }));
const undo = () => act(() => monacoEditor().trigger("keyboard", "undo", null));
async function saveActive() {
  await waitFor(() => expect(screen.getByTestId("save-file").textContent).toBe("Save"));
  fireEvent.click(screen.getByTestId("save-file"));
  await waitFor(() => expect(screen.getByTestId("save-file").textContent).toBe("Saved"));
}

/**
 * Ctrl+Z in the active file must leave `undone` (its own text), and typing "Y" and saving must
 * write exactly that, to that file and nowhere else.
 */
async function undoThenSave({ session, path, undone }: { session: string; path: string; undone: string }) {
  undo();
  expect(monacoEditor().getValue()).toBe(undone);
  type("Y");
  await saveActive();
  expect(agent.puts).toEqual([{ session, path, body: `Y${undone}` }]);
}

beforeAll(() => import("../../../src/modules/editor/MonacoEditor"), 30_000);
beforeEach(() => {
  agent = new FakeAgent();
  vi.stubGlobal("fetch", vi.fn(agent.fetch));
});
afterEach(() => {
  cleanup();
  for (const model of monaco.editor.getModels()) model.dispose();
  vi.unstubAllGlobals();
});

// The first file opened loads Monaco itself.
vi.setConfig({ testTimeout: 30_000 });

describe("EditorArea's Monaco models", () => {
  it("keeps a file named like another's percent-encoded path apart: undo and save stay in their own file", async () => {
    const disk = agent.disk("ses_a");
    disk.set("src/main.ts", { text: "main\n", mtimeMs: 1 });
    // Another member's file; URI parsing once decoded its name to src/main.ts.
    disk.set("src%2Fmain.ts", { text: "decoy\n", mtimeMs: 1 });
    renderWorkbench("ses_a");

    await show("src/main.ts", "main\n");
    await show("src%2Fmain.ts", "decoy\n");
    // Both are open: switching tabs now keeps each file's model, with its undo history.
    await show("src/main.ts", "main\n");
    type("X");
    await show("src%2Fmain.ts", "decoy\n");
    await show("src/main.ts", "Xmain\n");
    // Undo takes back the typed X, not a switch to the other file's text.
    await undoThenSave({ session: "ses_a", path: "src/main.ts", undone: "main\n" });
    expect(disk.get("src%2Fmain.ts")?.text).toBe("decoy\n");
  });

  it("gives the same path in another session a fresh model: nothing of the first session's file can be undone into it", async () => {
    agent.disk("ses_a").set("notes.md", { text: "secret of A\n", mtimeMs: 1 });
    agent.disk("ses_a").set("other.md", { text: "other\n", mtimeMs: 1 });
    agent.disk("ses_b").set("notes.md", { text: "notes of B\n", mtimeMs: 1 });
    const switchTo = renderWorkbench("ses_a");
    await show("notes.md", "secret of A\n");
    await show("other.md", "other\n");
    // Back and forth between open tabs: notes.md's model outlives the editor, which disposes only its current one.
    await show("notes.md", "secret of A\n");
    await show("other.md", "other\n");

    switchTo("ses_b");
    await show("notes.md", "notes of B\n");
    await undoThenSave({ session: "ses_b", path: "notes.md", undone: "notes of B\n" });
  });

  it("picks the language from the real path, whatever the model is named", async () => {
    agent.disk("ses_a").set("a#b?.py", { text: "x = 1\n", mtimeMs: 1 });
    agent.disk("ses_a").set("%41pp.ts", { text: "let x = 1;\n", mtimeMs: 1 });
    renderWorkbench("ses_a");
    await show("a#b?.py", "x = 1\n");
    expect(monacoEditor().getModel()?.getLanguageId()).toBe("python");
    await show("%41pp.ts", "let x = 1;\n");
    expect(monacoEditor().getModel()?.getLanguageId()).toBe("typescript");
  });
});

describe("EditorArea's tabs", () => {
  it("show a name's bidi override as an escape, in the label and the title, and save to the real path", async () => {
    const spoof = "docs/invoice\u202Egpj.js";
    agent.disk("ses_a").set(spoof, { text: "alert(1)\n", mtimeMs: 1 });
    renderWorkbench("ses_a");
    await show(spoof, "alert(1)\n");
    const tab = screen.getByRole("tab");
    expect(tab.textContent).toBe("invoice\\u202Egpj.js");
    expect(tab.closest(".tab")?.getAttribute("title")).toBe("docs/invoice\\u202Egpj.js");
    expect(screen.getByRole("button", { name: "Close invoice\\u202Egpj.js" })).toBeTruthy();
    expect(screen.getByRole("tablist").textContent).not.toContain("\u202E");
    type("//");
    await saveActive();
    expect(agent.puts).toEqual([{ session: "ses_a", path: spoof, body: "//alert(1)\n" }]);
  });
});
