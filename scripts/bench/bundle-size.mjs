// The Worker's bundle (wrangler's dry-run output) and the SPA's initial JS, gzip-compressed;
// xterm and Monaco must stay out of the initial JS (loaded lazily with the workbench).
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { buildWeb, ROOT } from "../lib/processes.mjs";

const exec = promisify(execFile);
const kb = (bytes) => bytes / 1024;
const gzipKB = (file) => kb(gzipSync(readFileSync(file), { level: 9 }).length);

/** Scripts and modulepreloads that index.html loads before any lazy route or module. */
function initialScripts(distDir) {
  const html = readFileSync(path.join(distDir, "index.html"), "utf8");
  const refs = [...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="([^"]+\.js)"/g)].map((m) => m[1]);
  return [...new Set(refs)].map((ref) => path.join(distDir, ref.replace(/^\//, "")));
}

export default {
  name: "bundle-size",
  description: "Worker bundle and SPA initial JS (gzip)",
  async run(ctx) {
    // The bench's own stack already built both from this tree; against --base-url, build here.
    if (!ctx.webBuilt) await buildWeb();
    const out = ctx.workerBundleDir ?? mkdtempSync(path.join(tmpdir(), "bf-worker-"));
    try {
      if (!ctx.workerBundleDir) {
        await exec(path.join(ROOT, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--containers-rollout=none", "--outdir", out], {
          cwd: ROOT,
          env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
        });
      }
      const workerFiles = readdirSync(out).filter((f) => f.endsWith(".js"));
      const worker = workerFiles.reduce((sum, f) => sum + gzipKB(path.join(out, f)), 0);
      const scripts = initialScripts(path.join(ROOT, "dist/web"));
      const initial = scripts.reduce((sum, f) => sum + gzipKB(f), 0);
      // Strings only xterm's and Monaco's own code carries: neither may be in what the first page loads.
      const initialText = scripts.map((f) => readFileSync(f, "utf8")).join("\n");
      const lazy = {
        xterm: !initialText.includes("xterm-helper-textarea"),
        monaco: !initialText.includes("monaco-editor-background"),
      };
      if (!lazy.xterm || !lazy.monaco) throw new Error(`the SPA's initial JS includes ${JSON.stringify(lazy)} (false = not lazy)`);
      return [
        { metric: "Worker bundle (gzip)", unit: "KB", better: "lower", samples: [worker] },
        { metric: "SPA initial JS (gzip)", unit: "KB", better: "lower", samples: [initial], target: { median: 300 }, info: { lazy } },
      ];
    } finally {
      if (!ctx.workerBundleDir) rmSync(out, { recursive: true, force: true });
    }
  },
};
