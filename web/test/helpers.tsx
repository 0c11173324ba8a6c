import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, vi } from "vitest";

/** A JSON answer as the API sends it, for stubbed fetches. */
export const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** Renders `ui` with `qc` as its query cache, and returns the cache. */
export function renderWithClient(ui: ReactNode, qc = new QueryClient()): QueryClient {
  render(<QueryClientProvider client={qc}>{ui}</QueryClientProvider>);
  return qc;
}

/** Every test of the file (or describe block) starts from an empty document and the real globals. */
export function resetAfterEach(): void {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });
}
