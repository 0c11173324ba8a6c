import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, readFile, readlink, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { gzipSync } from "node:zlib";
import { ApiError, BurstFlare, type WatchEvent } from "@burstflare/sdk/automation-client";
import type { FileOpResult, ScopedToken } from "@burstflare/sdk/schemas/automation";
import * as tar from "tar";
import { describe, expect, it } from "vitest";
import { api, baseURL, clientFor, createSession, expectOK, ownerAndForeignSessions, req, send } from "./helpers/api";
import { createStackUser, type StackUser } from "./helpers/users";

const batch = async (user: StackUser, id: string, ops: unknown[]) =>
  (
    (await expectOK(await api(user, "POST /api/sessions/{sessionId}/files/batch", { params: { sessionId: id }, body: { ops } }))) as {
      results: FileOpResult[];
    }
  ).results;
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
const sdk = (user: StackUser) => new BurstFlare({ baseURL: baseURL(), token: user.token });

/** A tar built by hand, so it can hold what no well-behaved tool writes (`..`, absolute links). */
function rawTar(entries: { path: string; type?: "File" | "SymbolicLink"; body?: string; linkpath?: string }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? "");
    const header = new tar.Header({
      path: e.path,
      type: e.type ?? "File",
      size: e.type === "SymbolicLink" ? 0 : body.length,
      mode: e.type === "SymbolicLink" ? 0o777 : 0o644,
      mtime: new Date(),
      linkpath: e.linkpath,
    });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block);
    if (e.type !== "SymbolicLink" && body.length) blocks.push(Buffer.concat([body, Buffer.alloc((512 - (body.length % 512)) % 512)]));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

describe("the file API for programs", () => {
  it("runs batches in order: write, read, list, stat, mkdir, move, delete; audits the writes", async () => {
    const owner = await createStackUser();
    const session = await createSession(owner, { name: "files-batch" });
    const results = await batch(owner, session.id, [
      { op: "write", path: "b/one.txt", content: "one\n" },
      { op: "write", path: "b/bin.dat", content: Buffer.from([0, 1, 2, 255]).toString("base64"), encoding: "base64" },
      { op: "mkdir", path: "b/sub/deep" },
      { op: "read", path: "b/one.txt" },
      { op: "read", path: "b/bin.dat", encoding: "base64" },
      { op: "move", from: "b/one.txt", to: "b/sub/two.txt" },
      { op: "list", path: "b", recursive: true },
      { op: "stat", path: "b/sub/two.txt" },
      { op: "stat", path: "b/one.txt" },
      { op: "delete", path: "b/bin.dat" },
      { op: "list", path: "b" },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true, true, true, true, false, true, true]);
    expect(results[0]?.entry).toMatchObject({ path: "b/one.txt", type: "file", size: 4 });
    expect(results[3]?.content).toBe("one\n");
    expect(Buffer.from(results[4]?.content ?? "", "base64")).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(results[5]?.entry?.path).toBe("b/sub/two.txt");
    expect(results[6]?.entries?.map((e) => e.path)).toEqual(["b/sub", "b/sub/deep", "b/sub/two.txt", "b/bin.dat"]);
    expect(results[6]?.truncated).toBe(false);
    expect(results[7]?.entry).toMatchObject({ type: "file", size: 4 });
    expect(results[8]?.error?.code).toBe("not_found");
    expect(results[10]?.entries?.map((e) => e.name)).toEqual(["sub"]);

    const log = (await expectOK(await api(owner, "GET /api/audit", { query: { limit: 50 } }))) as {
      entries: { action: string; targetId: string; details: { ops: number } }[];
    };
    const writes = log.entries.filter((e) => e.action === "session.files_write" && e.targetId === session.id);
    expect(writes.map((e) => e.details.ops)).toEqual([5]);
    // A batch of reads only is not a write.
    await batch(owner, session.id, [{ op: "stat", path: "b" }]);
    const again = (await expectOK(await api(owner, "GET /api/audit", { query: { limit: 50 } }))) as typeof log;
    expect(again.entries.filter((e) => e.action === "session.files_write" && e.targetId === session.id).length).toBe(1);
  });

  it("refuses traversal (400, nothing runs), symlinks out of the workspace (per op, 403), bad and oversized input", async () => {
    const owner = await createStackUser();
    const session = await createSession(owner, { name: "files-bad" });
    const writeThenRead = (path: string) =>
      api(owner, "POST /api/sessions/{sessionId}/files/batch", {
        params: { sessionId: session.id },
        body: {
          ops: [
            { op: "write", path: "first.txt", content: "x" },
            { op: "read", path },
          ],
        },
      });
    const traversal = await writeThenRead("a/../../etc/passwd");
    expect(traversal.status).toBe(400);
    expect(await errorCode(traversal)).toBe("bad_request");
    const absolute = await writeThenRead("/etc/passwd");
    expect(absolute.status).toBe(403);
    expect(await errorCode(absolute)).toBe("forbidden");
    // The whole batch was refused: the write before the bad op did not run.
    expect((await batch(owner, session.id, [{ op: "stat", path: "first.txt" }]))[0]?.error?.code).toBe("not_found");

    await expectOK(
      await api(owner, "POST /api/sessions/{sessionId}/exec", {
        params: { sessionId: session.id },
        body: { command: "ln -s /etc out && ln -s /etc/hostname host" },
      }),
    );
    const escapes = await batch(owner, session.id, [
      { op: "read", path: "out/hostname" },
      { op: "read", path: "host" },
      { op: "write", path: "out/evil", content: "x" },
      { op: "list", path: "out" },
      { op: "stat", path: "out" },
    ]);
    expect(escapes.slice(0, 4).map((r) => r.error?.code)).toEqual(["forbidden", "forbidden", "forbidden", "forbidden"]);
    // stat looks at the link itself, which is inside the workspace.
    expect(escapes[4]).toMatchObject({ ok: true, entry: { type: "symlink" } });

    for (const body of [
      { ops: [] },
      { ops: [{ op: "chmod", path: "x" }] },
      { ops: [{ op: "write", path: "x" }] },
      { ops: Array.from({ length: 101 }, () => ({ op: "stat", path: "" })) },
    ]) {
      const res = await api(owner, "POST /api/sessions/{sessionId}/files/batch", { params: { sessionId: session.id }, body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(await errorCode(res)).toBe("validation_failed");
    }
    const huge = await api(owner, "POST /api/sessions/{sessionId}/files/batch", {
      params: { sessionId: session.id },
      body: {
        ops: [{ op: "write", path: "big.txt", content: "x".repeat(300 * 1024) }],
      },
    });
    expect(huge.status).toBe(413);
    expect(await errorCode(huge)).toBe("payload_too_large");
    await expectOK(
      await api(owner, "POST /api/sessions/{sessionId}/exec", {
        params: { sessionId: session.id },
        body: { command: "head -c 2000000 /dev/zero > big.bin" },
      }),
    );
    expect((await batch(owner, session.id, [{ op: "read", path: "big.bin" }]))[0]?.error?.code).toBe("payload_too_large");
  });

  it("downloads and uploads directories as tar streams; unsafe archives change nothing", async () => {
    const owner = await createStackUser();
    const session = await createSession(owner, { name: "files-tar" });
    const s = sdk(owner).sessions.attach(session.id);
    const local = await mkdtemp(path.join(tmpdir(), "bf-files-"));
    try {
      await writeFile(path.join(local, "a.txt"), "alpha\n");
      const archive = await new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        const stream = tar.c({ gzip: true, cwd: local, portable: true }, ["a.txt"]) as unknown as Readable;
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => resolve(Buffer.concat(chunks)));
        stream.on("error", reject);
      });
      expect(await s.files.uploadDir("up/dir", new Uint8Array(archive))).toMatchObject({ path: "up/dir", files: 1, bytes: 6 });
      // A second upload merges: files replace files, others stay.
      await s.files.write("up/dir/keep.txt", "keep\n");
      expect((await s.files.uploadDir("up/dir", new Uint8Array(archive))).files).toBe(1);
      expect(await s.files.readText("up/dir/a.txt")).toBe("alpha\n");

      await s.exec("mkdir -p up/dir/nested && echo deep > up/dir/nested/d.txt && ln -s a.txt up/dir/link");
      const out = path.join(local, "out");
      await pipeline(Readable.fromWeb((await s.files.downloadDir("up/dir")) as never), createWriteStream(path.join(local, "dl.tar.gz")));
      await mkdir(out);
      await tar.x({ file: path.join(local, "dl.tar.gz"), cwd: out });
      expect(await readFile(path.join(out, "a.txt"), "utf8")).toBe("alpha\n");
      expect(await readFile(path.join(out, "keep.txt"), "utf8")).toBe("keep\n");
      expect(await readFile(path.join(out, "nested/d.txt"), "utf8")).toBe("deep\n");
      expect(await readlink(path.join(out, "link"))).toBe("a.txt");

      for (const bad of [
        rawTar([
          { path: "ok.txt", body: "ok" },
          { path: "../evil.txt", body: "evil" },
        ]),
        rawTar([
          { path: "ok.txt", body: "ok" },
          { path: "abs", type: "SymbolicLink", linkpath: "/etc" },
        ]),
        rawTar([
          { path: "ok.txt", body: "ok" },
          { path: "up", type: "SymbolicLink", linkpath: "../../outside" },
        ]),
      ]) {
        const err = await s.files.uploadDir("unsafe", new Uint8Array(bad)).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ApiError);
        expect((err as ApiError).code).toBe("unsafe_archive");
      }
      expect((await s.files.batch([{ op: "stat", path: "unsafe" }]))[0]?.error?.code).toBe("not_found");
      // callRaw: the body is not JSON.
      const garbage = await clientFor(owner).callRaw("PUT /api/sessions/{sessionId}/files/archive", {
        params: { sessionId: session.id },
        query: { path: "g" },
        body: "not a tar",
        acceptErrors: true,
      });
      expect(garbage.status).toBe(400);
      expect(
        (
          await api(owner, "GET /api/sessions/{sessionId}/files/archive", {
            params: { sessionId: session.id },
            query: { path: "up/dir/a.txt" },
          })
        ).status,
      ).toBe(400);
      expect(
        (await api(owner, "GET /api/sessions/{sessionId}/files/archive", { params: { sessionId: session.id }, query: { path: "../x" } }))
          .status,
      ).toBe(400);
    } finally {
      await rm(local, { recursive: true, force: true });
    }
  });

  it("watches a directory: create, modify and delete events in order", async () => {
    const owner = await createStackUser();
    const session = await createSession(owner, { name: "files-watch" });
    const s = sdk(owner).sessions.attach(session.id);
    await s.files.mkdir("w");
    const abort = new AbortController();
    const events: WatchEvent[] = [];
    const res = await api(owner, "GET /api/sessions/{sessionId}/files/watch", {
      params: { sessionId: session.id },
      query: { path: "w", timeoutMs: 30000 },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = "";
    const nextBlock = async (): Promise<{ event: string; data: Record<string, unknown> }> => {
      for (;;) {
        const end = buffered.indexOf("\n\n");
        if (end >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          if (block.startsWith(":")) continue;
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? "";
          return { event, data: JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? "null") };
        }
        const { done, value } = await reader.read();
        if (done) throw new Error(`watch ended early after ${JSON.stringify(events)}`);
        buffered += value;
      }
    };
    expect((await nextBlock()).event).toBe("ready");
    // The command paces itself so each step is its own kernel event; the test waits on the events.
    await s.exec("echo a > w/x.txt; sleep 0.3; echo b >> w/x.txt; sleep 0.3; rm w/x.txt");
    while (!events.some((e) => e.type === "delete" && e.path === "w/x.txt")) events.push((await nextBlock()).data as unknown as WatchEvent);
    abort.abort();
    const forX = events.filter((e) => e.path === "w/x.txt");
    const create = forX.findIndex((e) => e.type === "create");
    const modify = forX.findIndex((e, i) => i > create && e.type === "modify");
    const del = forX.findIndex((e) => e.type === "delete");
    expect(create).toBeGreaterThanOrEqual(0);
    expect(modify).toBeGreaterThan(create);
    expect(del).toBeGreaterThan(modify);
    expect(forX[create]?.entryType).toBe("file");
    expect(forX[del]?.entryType).toBeNull();
    // seq counts in the order sent.
    expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((a, b) => a - b));

    // The SDK's iterator, ended by the watch's own timeout.
    const sdkEvents: WatchEvent[] = [];
    const done = (async () => {
      for await (const e of s.files.watch("w", { timeoutMs: 3000 })) sdkEvents.push(e);
    })();
    await expect
      .poll(async () => {
        await s.files.write("w/y.txt", "y");
        return sdkEvents.some((e) => e.path === "w/y.txt");
      })
      .toBe(true);
    await done;

    for (const query of [{ path: "../x" }, { path: "w", timeoutMs: 5 }, { path: "nope" }]) {
      const bad = await api(owner, "GET /api/sessions/{sessionId}/files/watch", { params: { sessionId: session.id }, query });
      expect(bad.status, JSON.stringify(query)).toBeGreaterThanOrEqual(400);
      expect(bad.status, JSON.stringify(query)).toBeLessThan(500);
      expect(bad.headers.get("content-type")).toContain("application/json");
    }
  });

  it("holds at most 8 watches per runtime (429); a watch that timed out frees its place", async () => {
    const owner = await createStackUser();
    const session = await createSession(owner, { name: "files-watch-limit" });
    const watch = () =>
      api(owner, "GET /api/sessions/{sessionId}/files/watch", { params: { sessionId: session.id }, query: { timeoutMs: 2000 } });
    const open = await Promise.all(Array.from({ length: 8 }, watch));
    expect(open.map((r) => r.status)).toEqual(Array(8).fill(200));
    const ninth = await watch();
    expect(ninth.status).toBe(429);
    expect(await errorCode(ninth)).toBe("rate_limited");
    // Each ends by itself with an `end` event once its timeout ran out.
    const texts = await Promise.all(open.map((r) => r.text()));
    for (const text of texts) expect(text).toContain("event: end");
    const again = await watch();
    expect(again.status).toBe(200);
    await again.body?.cancel();
  });

  it("holds to the permission table, scoped tokens and workspaces", async () => {
    const { owner, session, other, foreign } = await ownerAndForeignSessions("files-access");
    const stat = { ops: [{ op: "stat", path: "" }] };

    const viewer = await createStackUser({ workspaceId: owner.workspaceId, role: "viewer" });
    expect(
      (await api(viewer, "POST /api/sessions/{sessionId}/files/batch", { params: { sessionId: session.id }, body: stat })).status,
    ).toBe(403);
    expect((await api(viewer, "GET /api/sessions/{sessionId}/files/archive", { params: { sessionId: session.id } })).status).toBe(403);
    for (const request of [
      req("POST /api/sessions/{sessionId}/files/batch", { params: { sessionId: foreign.id }, body: stat }),
      req("GET /api/sessions/{sessionId}/files/archive", { params: { sessionId: foreign.id } }),
      req("GET /api/sessions/{sessionId}/files/watch", { params: { sessionId: foreign.id } }),
    ]) {
      const res = await send(owner, request);
      expect(res.status, request.label).toBe(404);
    }

    const mint = async (body: Record<string, unknown>) =>
      (await expectOK(
        await api(owner, "POST /api/scoped-tokens", { body: { name: "agent", expiresInSeconds: 600, ...body } }),
        201,
      )) as ScopedToken;
    const as = (token: string): StackUser => ({ ...owner, token, headers: { authorization: `Bearer ${token}` } });
    const files = as((await mint({ sessionId: session.id, scopes: ["files"] })).token);
    expect((await batch(files, session.id, [{ op: "write", path: "t.txt", content: "t" }]))[0]?.ok).toBe(true);
    const tgz = await api(files, "GET /api/sessions/{sessionId}/files/archive", { params: { sessionId: session.id } });
    expect(tgz.status).toBe(200);
    await tgz.arrayBuffer();
    const exec = as((await mint({ sessionId: session.id, scopes: ["exec"] })).token);
    for (const [user, request] of [
      [exec, req("POST /api/sessions/{sessionId}/files/batch", { params: { sessionId: session.id }, body: stat })],
      [exec, req("GET /api/sessions/{sessionId}/files/watch", { params: { sessionId: session.id } })],
      [files, req("POST /api/sessions/{sessionId}/files/batch", { params: { sessionId: other.id }, body: stat })],
      [files, req("POST /api/sessions/{sessionId}/exec", { params: { sessionId: session.id }, body: { command: "true" } })],
      [files, req("POST /api/sessions/{sessionId}/snapshots", { params: { sessionId: session.id }, body: {} })],
    ] as const) {
      const res = await send(user, request);
      expect(res.status, request.label).toBe(403);
      expect(await errorCode(res)).toBe("token_not_allowed");
    }
  });
});
