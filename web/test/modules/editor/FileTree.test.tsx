import { fireEvent, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { FileTree } from "../../../src/modules/editor/FileTree";
import { renderWithClient, resetAfterEach } from "../../helpers";
import { FakeAgent } from "./fake-agent";

resetAfterEach();

const SPOOF = "invoice\u202Egpj.js";
let agent: FakeAgent;
beforeEach(() => {
  agent = new FakeAgent();
  agent.disk("ses_1").set(SPOOF, { text: "alert(1)", mtimeMs: 1 });
  vi.stubGlobal("fetch", vi.fn(agent.fetch));
});

describe("FileTree", () => {
  it("shows a name's bidi override as an escape, and opens and names the file by its real path", async () => {
    const onOpen = vi.fn();
    renderWithClient(<FileTree sessionId="ses_1" activePath={null} onOpen={onOpen} onRenamed={vi.fn()} onDeleted={vi.fn()} />);
    const row = (await screen.findByText("\\u202E")).closest(".tree-row")!;
    expect(row.textContent).toBe("invoice\\u202Egpj.js");
    expect(screen.getByTestId("file-tree").textContent).not.toContain("\u202E");
    expect(screen.getByRole("button", { name: "Rename invoice\\u202Egpj.js" })).toBeTruthy();

    fireEvent.click(row.querySelector(".tree-item")!);
    expect(onOpen).toHaveBeenCalledWith(SPOOF);

    fireEvent.click(screen.getByRole("button", { name: "Delete invoice\\u202Egpj.js" }));
    expect(screen.getByText("Delete invoice\\u202Egpj.js?")).toBeTruthy();
  });
});
