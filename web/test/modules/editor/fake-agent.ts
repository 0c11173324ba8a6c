/** One file on a fake session's disk. */
export interface FakeFile {
  text: string;
  mtimeMs: number;
}

const parentOf = (p: string) => p.slice(0, Math.max(0, p.lastIndexOf("/")));

/**
 * The file API of each session's agent, answered from in-memory disks, for a stubbed `fetch`;
 * tests edit a disk to play "someone else" and read `puts` to see what the SPA wrote where.
 */
export class FakeAgent {
  private readonly disks = new Map<string, Map<string, FakeFile>>();
  readonly puts: { session: string; path: string; body: string }[] = [];

  /** The session's files (created empty on first use). */
  disk(session: string): Map<string, FakeFile> {
    if (!this.disks.has(session)) this.disks.set(session, new Map());
    return this.disks.get(session)!;
  }

  readonly fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input), "http://app.test");
    const session = decodeURIComponent(/\/runtime\/sessions\/([^/]+)\/files\//.exec(url.pathname)?.[1] ?? "");
    const disk = this.disk(session);
    const path = url.searchParams.get("path") ?? "";
    const method = init?.method ?? "GET";
    if (url.pathname.endsWith("/files/tree")) {
      const entries = [...disk.entries()]
        .filter(([p]) => parentOf(p) === path)
        .map(([p, f]) => ({ path: p, name: p.slice(p.lastIndexOf("/") + 1), type: "file", size: f.text.length, mtimeMs: f.mtimeMs }));
      return Promise.resolve(Response.json({ entries }));
    }
    if (url.pathname.endsWith("/files/content") && method === "GET") {
      const f = disk.get(path);
      if (!f) return Promise.resolve(Response.json({ error: { code: "not_found", message: "no such file" } }, { status: 404 }));
      return Promise.resolve(new Response(f.text, { headers: { "x-file-mtime": String(f.mtimeMs) } }));
    }
    if (url.pathname.endsWith("/files/content") && method === "PUT") {
      const body = String(init?.body);
      this.puts.push({ session, path, body });
      const mtimeMs = (disk.get(path)?.mtimeMs ?? 0) + 1000;
      disk.set(path, { text: body, mtimeMs });
      return Promise.resolve(Response.json({ path, name: path, type: "file", size: body.length, mtimeMs }));
    }
    return Promise.resolve(new Response("unexpected", { status: 500 }));
  };
}
