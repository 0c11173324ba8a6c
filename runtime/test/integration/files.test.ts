import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LINKS_LEAVING_TOGETHER, makeArchive, type TestEntry } from "../helpers/archive";
import { agentExec, agentFetch, useTestHost } from "../helpers/host";
import { hashTree } from "../helpers/tree";

describe("agent file API", () => {
  const ctx = useTestHost("files");
  const json = { "content-type": "application/json" };

  const put = (p: string, body: string | Buffer) =>
    agentFetch(ctx.info, `/files/content?path=${encodeURIComponent(p)}`, { method: "PUT", body });
  const get = (p: string) => agentFetch(ctx.info, `/files/content?path=${encodeURIComponent(p)}`);

  it("writes, reads, lists, renames and deletes", async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    const written = await put("src/deep/data.bin", bytes);
    expect(written.status).toBe(200);
    expect(await written.json()).toMatchObject({ path: "src/deep/data.bin", name: "data.bin", type: "file", size: 7 });
    const read = await get("src/deep/data.bin");
    expect(Buffer.from(await read.arrayBuffer())).toEqual(bytes);
    expect(Number(read.headers.get("x-file-mtime"))).toBeGreaterThan(0);

    expect(
      (await agentFetch(ctx.info, "/files/mkdir", { method: "POST", headers: json, body: JSON.stringify({ path: "empty dir" }) })).status,
    ).toBe(200);
    const tree = (await (await agentFetch(ctx.info, "/files/tree?path=")).json()) as { entries: { name: string; type: string }[] };
    expect(tree.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "src", type: "directory" }),
        expect.objectContaining({ name: "empty dir", type: "directory" }),
      ]),
    );

    const renamed = await agentFetch(ctx.info, "/files/rename", {
      method: "POST",
      headers: json,
      body: JSON.stringify({ from: "src/deep/data.bin", to: "moved/ünï cødé.bin" }),
    });
    expect(renamed.status).toBe(200);
    expect((await get("src/deep/data.bin")).status).toBe(404);
    expect(Buffer.from(await (await get("moved/ünï cødé.bin")).arrayBuffer())).toEqual(bytes);
    expect((await agentFetch(ctx.info, `/files?path=${encodeURIComponent("moved")}`, { method: "DELETE" })).status).toBe(200);
    expect((await get("moved/ünï cødé.bin")).status).toBe(404);
  });

  it("sees files written by the shell and the shell sees files written through the API", async () => {
    await agentExec(ctx.info, "printf 'from shell' > shell.txt");
    expect(await (await get("shell.txt")).text()).toBe("from shell");
    await put("api.txt", "from api");
    expect((await agentExec(ctx.info, "cat api.txt")).output).toBe("from api");
  });

  it("refuses traversal and absolute paths outside the workspace", async () => {
    for (const p of ["../escape.txt", "a/../../escape.txt", "..", "x/.."]) {
      const res = await put(p, "nope");
      expect(res.status, p).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "bad_request" } });
    }
    const abs = await get("/etc/passwd");
    expect(abs.status).toBe(403);
    expect(await abs.json()).toMatchObject({ error: { code: "forbidden" } });
    const inside = await put(`${ctx.info.workspaceDir}/abs-inside.txt`, "ok");
    expect(inside.status).toBe(200);
    expect((await agentFetch(ctx.info, "/files/tree?path=/tmp")).status).toBe(403);
  });

  it("refuses to follow symlinks out of the workspace", async () => {
    await agentExec(
      ctx.info,
      "ln -s /etc etc-link; ln -s /etc/hostname host-link; ln -s /tmp/bf-nonexistent-target dangling; mkdir -p ok; ln -s ../api.txt ok/inside-link",
    );
    for (const [method, p] of [
      ["GET", "/files/content?path=etc-link/hostname"],
      ["GET", "/files/content?path=host-link"],
      ["GET", "/files/tree?path=etc-link"],
      ["PUT", "/files/content?path=etc-link/evil.txt"],
      ["PUT", "/files/content?path=dangling"],
      ["POST", "/files/mkdir"],
    ] as const) {
      const res = await agentFetch(
        ctx.info,
        p,
        method === "POST"
          ? { method, headers: json, body: JSON.stringify({ path: "etc-link/newdir" }) }
          : { method, body: method === "PUT" ? "x" : undefined },
      );
      expect(res.status, `${method} ${p}`).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: "forbidden" } });
    }
    expect((await agentExec(ctx.info, "ls /tmp/bf-nonexistent-target 2>&1")).code).not.toBe(0);
    expect(await (await get("ok/inside-link")).text()).toBe("from api");
    // Deleting a link removes the link, never its target.
    expect((await agentFetch(ctx.info, "/files?path=host-link", { method: "DELETE" })).status).toBe(200);
    expect((await agentExec(ctx.info, "test -e /etc/hostname && echo still")).output).toBe("still\n");
  });

  it("answers bad input with 4xx JSON", async () => {
    expect((await agentFetch(ctx.info, "/files/content")).status).toBe(400);
    expect((await get("no/such/file")).status).toBe(404);
    expect((await get("ok")).status).toBe(400);
    const badBody = await agentFetch(ctx.info, "/files/rename", { method: "POST", headers: json, body: JSON.stringify({ from: "" }) });
    expect(badBody.status).toBe(400);
    expect(await badBody.json()).toMatchObject({ error: { code: "validation_failed" } });
    expect((await agentFetch(ctx.info, "/files/mkdir", { method: "POST", headers: json, body: "not json" })).status).toBe(400);
    expect((await agentFetch(ctx.info, "/files?path=", { method: "DELETE" })).status).toBe(400);
    const clash = await agentFetch(ctx.info, "/files/rename", {
      method: "POST",
      headers: json,
      body: JSON.stringify({ from: "api.txt", to: "shell.txt" }),
    });
    expect(clash.status).toBe(409);
    expect((await agentFetch(ctx.info, "/nope")).status).toBe(404);
  });

  it("refuses oversized bodies with 413 and leaves no partial file", async () => {
    const big = await put("big.bin", Buffer.alloc(64 * 1024 * 1024 + 1));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: "payload_too_large" } });
    expect((await get("big.bin")).status).toBe(404);
    expect((await agentExec(ctx.info, "ls -A | grep -c bf- || true")).output.trim()).toBe("0");
    const bigJSON = await agentFetch(ctx.info, "/files/mkdir", {
      method: "POST",
      headers: json,
      body: JSON.stringify({ path: "x".repeat(100_000) }),
    });
    expect(bigJSON.status).toBe(413);
  });

  // `a -> s/..` reads as "." but the kernel resolves s first: a names the workspace's parent.
  it.each<[string, TestEntry[]]>([
    ...LINKS_LEAVING_TOGETHER,
    [
      "a hard link through a symlink, then a file of its name",
      [
        { name: "s", type: "symlink", linkname: "." },
        { name: "h", type: "link", linkname: "s/api.txt" },
        { name: "h", content: "overwritten through the link" },
      ],
    ],
  ])("PUT /files/archive refuses %s (422) and writes nothing", async (_label, entries) => {
    const dir = path.join(ctx.info.workspaceDir, "upload");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "api.txt"), "kept");
    const before = hashTree(ctx.info.workspaceDir);
    const res = await agentFetch(ctx.info, "/files/archive?path=upload", { method: "PUT", body: await makeArchive(entries) });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: "unsafe_archive" } });
    expect(hashTree(ctx.info.workspaceDir)).toEqual(before);
    expect(fs.readFileSync(path.join(dir, "api.txt"), "utf8")).toBe("kept");
  });

  it("PUT /files/archive keeps symlinks that stay inside", async () => {
    const body = await makeArchive([
      { name: "d/", type: "directory" },
      { name: "d/f.txt", content: "inside" },
      { name: "s", type: "symlink", linkname: "d" },
      { name: "d/up", type: "symlink", linkname: "../d/f.txt" },
    ]);
    const res = await agentFetch(ctx.info, "/files/archive?path=linked", { method: "PUT", body });
    expect(res.status).toBe(200);
    expect(await (await get("linked/s/f.txt")).text()).toBe("inside");
    expect(await (await get("linked/d/up")).text()).toBe("inside");
  });

  it("counts file writes as activity", async () => {
    const before = Date.now();
    await put("touch.txt", "x");
    const health = (await (await agentFetch(ctx.info, "/health")).json()) as { lastActivity: { files: number } };
    expect(health.lastActivity.files).toBeGreaterThanOrEqual(before);
  });
});
