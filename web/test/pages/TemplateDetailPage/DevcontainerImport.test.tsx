import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { NewVersionPanel } from "../../../src/pages/TemplateDetailPage/NewVersionPanel";

const DEVCONTAINER = `{
  // a Node app
  "name": "web",
  "image": "node:22",
  "forwardPorts": [5173],
  "portsAttributes": { "5173": { "label": "Vite" } },
  "postCreateCommand": "npm ci",
}`;

function renderPanel() {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <NewVersionPanel templateId="tpl_1" onUploaded={() => {}} />
    </QueryClientProvider>,
  );
}

const choose = (text: string, name = "devcontainer.json") =>
  fireEvent.change(screen.getByTestId("devcontainer-input"), { target: { files: [new File([text], name)] } });

describe("Import devcontainer.json (new version panel)", () => {
  afterEach(cleanup);

  it("fills the manifest editor and lists what is not honoured", async () => {
    renderPanel();
    choose(DEVCONTAINER);
    const editor = screen.getByRole("textbox", { name: /manifest/i }) as HTMLTextAreaElement;
    await waitFor(() => expect(editor.value).toContain('"previewPort": 5173'));
    const manifest = JSON.parse(editor.value);
    expect(manifest.build).toContain("npm ci");
    expect(manifest.ports).toEqual([{ port: 5173, label: "Vite" }]);
    const warnings = screen.getByTestId("import-warnings");
    expect(warnings.textContent).toContain("image");
    expect(warnings.textContent).toContain("cannot choose the container image");
  });

  it("says where a broken file is broken and leaves the editor alone", async () => {
    renderPanel();
    const editor = screen.getByRole("textbox", { name: /manifest/i }) as HTMLTextAreaElement;
    const before = editor.value;
    choose('{\n  "name": "x"\n  "image": "y"\n}', "broken.json");
    expect((await screen.findByTestId("devcontainer-error")).textContent).toMatch(/broken\.json: .*line 3/);
    expect(editor.value).toBe(before);
    expect(screen.queryByTestId("import-warnings")).toBeNull();
  });
});
