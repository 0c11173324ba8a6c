import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SessionPort } from "../../../../sdk/schemas/ports";
import { PortsMenu } from "./PortsMenu";

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

const PORTS: SessionPort[] = [
  { port: 3000, listening: true, addresses: ["127.0.0.1"], label: "Web app", onAutoForward: "openPreview", preview: true },
  { port: 9229, listening: false, addresses: [], label: "Debugger", onAutoForward: "silent", preview: false },
];

function renderMenu(canShare = true) {
  const calls: { method: string; url: string; body: unknown }[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      calls.push({ method: init?.method ?? "GET", url, body: init?.body ? JSON.parse(String(init.body)) : null });
      if (url.endsWith("/ports")) return json(200, { ports: PORTS });
      if (url.endsWith("/shares")) {
        return json(201, {
          url: "http://abc-3000.localhost:8787/__burstflare/share/bfsh_x/",
          path: "/runtime/share/bfsh_x/",
          share: { id: "shr_1", port: 3000 },
        });
      }
      return json(404, { error: { code: "not_found", message: "no" } });
    }),
  );
  render(
    <QueryClientProvider client={new QueryClient()}>
      <PortsMenu sessionId="ses_1" running canShare={canShare} />
    </QueryClientProvider>,
  );
  return calls;
}

describe("workbench ports menu", () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it("lists ports with the template's labels; open goes to the port's own route", async () => {
    renderMenu();
    fireEvent.click(screen.getByText(/^Ports/));
    const rows = await screen.findAllByTestId("port-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]?.textContent).toContain("Web app");
    expect(rows[0]?.textContent).toContain("listening");
    expect(rows[1]?.textContent).toContain("not listening");
    expect(
      within(rows[0] as HTMLElement)
        .getByRole("link", { name: "Open port 3000" })
        .getAttribute("href"),
    ).toBe("/runtime/sessions/ses_1/ports/3000");
    // Nothing to open or share while nothing listens.
    expect(within(rows[1] as HTMLElement).queryByRole("link")).toBeNull();
    expect(within(rows[1] as HTMLElement).queryByRole("button")).toBeNull();
  });

  it("shares a port with the workspace as a share link with that port", async () => {
    const calls = renderMenu();
    fireEvent.click(screen.getByText(/^Ports/));
    const row = (await screen.findAllByTestId("port-row"))[0] as HTMLElement;
    fireEvent.click(within(row).getByRole("button", { name: "Share with workspace" }));
    await waitFor(() => expect(screen.getByTestId("port-link").textContent).toContain("abc-3000.localhost"));
    const post = calls.find((c) => c.method === "POST");
    expect(post?.url).toMatch(/\/api\/sessions\/ses_1\/shares$/);
    expect(post?.body).toMatchObject({ scope: "workspace", port: 3000 });
  });

  it("offers no sharing to a member who may not manage links", async () => {
    renderMenu(false);
    fireEvent.click(screen.getByText(/^Ports/));
    const row = (await screen.findAllByTestId("port-row"))[0] as HTMLElement;
    expect(within(row).queryByRole("button", { name: /share/i })).toBeNull();
  });
});
