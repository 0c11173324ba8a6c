// A built template for the start benches, made the way a user makes one: create, upload a
// bundle (a small project), let the build run, promote. Its idle timeout is the shortest the
// manifest allows, so the wake bench can let sessions fall asleep on their own.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { create } from "tar";

export const BUILT_MARKER = "built-by-bench";
const BUILD_TIMEOUT_MS = 5 * 60_000;

/** A project of a few dozen source files, packed as the .tar.gz an upload carries. */
async function projectBundle() {
  const dir = mkdtempSync(path.join(tmpdir(), "bf-bench-template-"));
  try {
    mkdirSync(path.join(dir, "src"));
    for (let i = 0; i < 40; i++) {
      writeFileSync(path.join(dir, "src", `module${i}.js`), `export const value${i} = ${i};\n`.repeat(50));
    }
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "bench-project", version: "1.0.0" }, null, 2));
    writeFileSync(path.join(dir, "README.md"), "# bench project\n");
    const chunks = [];
    for await (const chunk of create({ gzip: true, cwd: dir, portable: true }, ["src", "package.json", "README.md"])) chunks.push(chunk);
    return new Uint8Array(Buffer.concat(chunks));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Creates, builds and promotes the bench template; returns its id and how long the build took. */
export async function createBuiltTemplate(ctx) {
  const template = await ctx.call("POST /api/templates", { body: { name: `bench-${process.pid}-${Date.now().toString(36)}` } });
  const { version, uploadGrant } = await ctx.call("POST /api/templates/{templateId}/versions", {
    params: { templateId: template.id },
    body: {
      version: "1",
      manifest: {
        persistedPaths: ["."],
        // What a build typically leaves behind: generated files next to the sources.
        build: `mkdir -p dist && cat src/*.js > dist/bundle.js && echo ${BUILT_MARKER} > built.txt`,
        idleTimeoutSeconds: 5,
      },
    },
  });
  const bundle = await projectBundle();
  const t0 = performance.now();
  // By the grant's id, not its URL: the URL names the server's own origin, which a proxy may hide.
  const res = await ctx.client.callRaw("PUT /api/uploads/{grantId}", {
    params: { grantId: uploadGrant.id },
    headers: { "content-type": "application/gzip", "content-length": String(bundle.length) },
    body: bundle,
    acceptErrors: true,
  });
  if (!res.ok) throw new Error(`bundle upload → ${res.status}: ${await res.text()}`);
  const { build } = await res.json();
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  for (;;) {
    const b = await ctx.call("GET /api/template-builds/{buildId}", { params: { buildId: build.id } });
    if (b.status === "succeeded") break;
    if (b.status === "failed" || b.status === "dead_lettered") throw new Error(`template build ${b.status}: ${b.error ?? "no error"}`);
    if (Date.now() > deadline) throw new Error(`template build still ${b.status} after ${BUILD_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const buildMs = performance.now() - t0;
  await ctx.call("POST /api/templates/{templateId}/promote", { params: { templateId: template.id }, body: { versionId: version.id } });
  return { templateId: template.id, buildMs };
}
