import { describe, expect, it } from "vitest";
import { ApiClient } from "../client";
import type { Session } from "../schemas/sessions";
import { listAllSessions } from "../sessions";

const session = (id: string): Session => ({
  id,
  workspaceId: "ws_1",
  ownerId: "usr_1",
  name: id,
  templateId: null,
  versionId: null,
  state: "running",
  stateVersion: 1,
  runtimeStatus: null,
  runtimeState: null,
  lastBootstrapAt: null,
  lastLifecyclePhase: null,
  failureReason: null,
  previewPort: null,
  startOnIntent: false,
  newerVersionAvailable: false,
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
  lastActiveAt: null,
});

describe("listAllSessions", () => {
  it("follows the cursor page after page, with the filters on every request", async () => {
    const urls: string[] = [];
    const pages: Record<string, unknown> = {
      "": { sessions: [session("a"), session("b")], nextCursor: "c1" },
      c1: { sessions: [session("c")], nextCursor: null },
    };
    const fetchImpl = (async (input: string | URL | Request) => {
      const url = new URL(String(input));
      urls.push(`${url.pathname}${url.search}`);
      return new Response(JSON.stringify(pages[url.searchParams.get("cursor") ?? ""]), { status: 200 });
    }) as typeof fetch;
    const client = new ApiClient({ baseURL: "http://api.test", fetch: fetchImpl });
    const all = await listAllSessions(client, { state: "running", q: "" });
    expect(all.map((s) => s.id)).toEqual(["a", "b", "c"]);
    expect(urls).toEqual(["/api/sessions?state=running&limit=200", "/api/sessions?state=running&limit=200&cursor=c1"]);
  });

  it("refuses a page that does not match the list schema", async () => {
    const fetchImpl = (async () => new Response(JSON.stringify({ sessions: [{ id: 1 }] }), { status: 200 })) as unknown as typeof fetch;
    const client = new ApiClient({ baseURL: "http://api.test", fetch: fetchImpl });
    await expect(listAllSessions(client)).rejects.toThrow(/GET \/api\/sessions/);
  });
});
