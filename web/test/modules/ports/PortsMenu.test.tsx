import type { SessionPort } from "@burstflare/sdk/schemas/ports";
import { QueryClient } from "@tanstack/react-query";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { PortsMenu } from "../../../src/modules/ports/PortsMenu";
import { json, renderWithClient, resetAfterEach } from "../../helpers";

const PORTS: SessionPort[] = [
  { port: 3000, listening: true, addresses: ["127.0.0.1"], label: "Web app", onAutoForward: "openPreview", preview: true },
  { port: 9229, listening: false, addresses: [], label: "Debugger", onAutoForward: "silent", preview: false },
];

function renderMenu(canShare = true, portsNow: () => SessionPort[] = () => PORTS) {
  const calls: { method: string; url: string; body: unknown }[] = [];
  const qc = new QueryClient();
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      calls.push({ method: init?.method ?? "GET", url, body: init?.body ? JSON.parse(String(init.body)) : null });
      if (url.endsWith("/ports")) return json(200, { ports: portsNow() });
      if (url.endsWith("/shares")) {
        return json(201, {
          url: "http://abc-3000.localhost:8787/__burstflare/share/bfsh_x/",
          path: "/runtime/share/bfsh_x/",
          // A whole share, as the API answers: the client checks answers against the schema in tests.
          share: {
            id: "shr_1",
            sessionId: "ses_1",
            scope: "workspace",
            emails: [],
            label: null,
            createdBy: "usr_1",
            createdByEmail: null,
            createdAt: "2026-01-01T00:00:00.000Z",
            expiresAt: "2026-01-02T00:00:00.000Z",
            revokedAt: null,
            status: "active",
            lastAccessAt: null,
            accessCount: 0,
            port: 3000,
          },
        });
      }
      return json(404, { error: { code: "not_found", message: "no" } });
    }),
  );
  renderWithClient(<PortsMenu sessionId="ses_1" running canShare={canShare} />, qc);
  return { calls, qc };
}

describe("workbench ports menu", () => {
  resetAfterEach();

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
    const { calls } = renderMenu();
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

  it("announces a port that starts listening (not a silent one); opening the menu clears it", async () => {
    let ports: SessionPort[] = [PORTS[0] as SessionPort];
    const { qc } = renderMenu(true, () => ports);
    await waitFor(() => expect(screen.getByText(/^Ports \(1\)/)).toBeTruthy());
    expect(screen.queryByTestId("port-notice")).toBeNull();
    ports = [
      ...ports,
      { port: 5173, listening: true, addresses: ["127.0.0.1"], label: "Vite", onAutoForward: "notify", preview: false },
      { port: 9229, listening: true, addresses: ["127.0.0.1"], label: "Debugger", onAutoForward: "silent", preview: false },
    ];
    await qc.invalidateQueries();
    expect((await screen.findByTestId("port-notice")).textContent).toBe("Port 5173 (Vite) is listening");
    fireEvent.click(screen.getByText(/^Ports/));
    await waitFor(() => expect(screen.queryByTestId("port-notice")).toBeNull());
  });
});
