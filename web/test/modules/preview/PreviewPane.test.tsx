import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PreviewPane } from "../../../src/modules/preview/PreviewPane";

const ORIGIN = "http://onsxgx3fpbcxqurqljxw46c2nniwuu3i.localhost:8787";

/** The API's answer to POST /api/sessions/:id/preview-visit: a fresh grant URL on the preview host each time. */
function previewAPI() {
  const calls: { url: string; body: unknown }[] = [];
  const fetchMock = vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
    const body = typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
    calls.push({ url: String(input), body });
    const url = `${ORIGIN}/__burstflare/enter?grant=v1.usr_1.abc.g${calls.length}&to=${encodeURIComponent(body.path)}`;
    return Promise.resolve(
      new Response(JSON.stringify({ url, origin: ORIGIN, expiresAt: new Date().toISOString() }), {
        status: 200,
        headers: { "content-type": "application/json" },
      }),
    );
  });
  vi.stubGlobal("fetch", fetchMock);
  return calls;
}

function renderPane(previewPort: number | null = 3000) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={qc}>
      <PreviewPane sessionId="ses_1" previewPort={previewPort} />
    </QueryClientProvider>,
  );
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("PreviewPane", () => {
  it("frames the preview on its own origin, sandboxed without allow-same-origin, from the API's grant URL", async () => {
    const calls = previewAPI();
    renderPane();
    const frame = await screen.findByTestId("preview-frame");
    const src = new URL(frame.getAttribute("src") ?? "");
    expect(src.origin).toBe(ORIGIN);
    expect(src.origin).not.toBe(window.location.origin);
    expect(src.searchParams.get("to")).toBe("/");
    expect(frame.getAttribute("sandbox")).toBe("allow-scripts allow-forms allow-popups allow-modals allow-downloads");
    expect(calls).toEqual([{ url: "/api/sessions/ses_1/preview-visit", body: { path: "/" } }]);
    // A new tab goes through the app's own route, which frames the preview host for the tab.
    expect(screen.getByLabelText("Open preview in a new tab").getAttribute("href")).toBe("/runtime/sessions/ses_1/preview/");
  });

  it("asks for a fresh visit on reload and for the typed path", async () => {
    const calls = previewAPI();
    renderPane();
    const first = (await screen.findByTestId("preview-frame")).getAttribute("src");
    fireEvent.click(screen.getByTestId("preview-reload"));
    await waitFor(() => expect(screen.getByTestId("preview-frame").getAttribute("src")).not.toBe(first));

    fireEvent.change(screen.getByLabelText("Preview path"), { target: { value: "docs/a?b=1" } });
    fireEvent.submit(screen.getByLabelText("Preview path"));
    await waitFor(() => expect(calls.at(-1)?.body).toEqual({ path: "/docs/a?b=1" }));
    await waitFor(() =>
      expect(new URL(screen.getByTestId("preview-frame").getAttribute("src") ?? "").searchParams.get("to")).toBe("/docs/a?b=1"),
    );
    expect(screen.getByLabelText("Open preview in a new tab").getAttribute("href")).toBe("/runtime/sessions/ses_1/preview/docs/a?b=1");
  });

  it("asks for nothing when the template has no preview port", () => {
    const calls = previewAPI();
    renderPane(null);
    expect(screen.queryByTestId("preview-frame")).toBeNull();
    expect(calls).toEqual([]);
  });
});
