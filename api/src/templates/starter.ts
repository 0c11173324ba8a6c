import type { Manifest } from "@burstflare/sdk/schemas/manifest";

/** Fixed id of the built-in starter template row seeded by migrations/0002_seed_starter_template.sql. */
export const STARTER_TEMPLATE_ID = "tpl_builtin_starter";
export const STARTER_VERSION_ID = "tpv_builtin_starter_1";

/**
 * The starter writes its files only when absent, so a user's edits (and files like hello.txt
 * at the root) survive every stop/start: "." persists the whole workspace. No network needed.
 */
const bootstrap = [
  "set -e",
  "[ -f README.md ] || printf '%s\\n' '# BurstFlare starter' '' 'Edit server.js, then open the preview (port 3000).' 'Run it with: node server.js' > README.md",
  `[ -f package.json ] || printf '%s\\n' '{' '  "name": "starter",' '  "private": true,' '  "scripts": { "start": "node server.js" }' '}' > package.json`,
  "[ -f server.js ] || cat > server.js <<'JS'",
  'const http = require("node:http");',
  "const port = Number(process.env.PORT || 3000);",
  "http",
  "  .createServer((req, res) => {",
  '    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });',
  '    res.end("<!doctype html><title>BurstFlare starter</title><h1>Hello from BurstFlare</h1><p>Edit server.js to change this page.</p>");',
  "  })",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source written into server.js
  '  .listen(port, "127.0.0.1", () => console.log(`starter listening on ${port}`));',
  "JS",
  // Start the preview server in the background unless one is already listening. The probe is
  // bash's /dev/tcp, not a Node one-liner: every boot runs this, and a Node start costs 100+ ms.
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion
  'port="${PORT:-3000}"',
  '(: < "/dev/tcp/127.0.0.1/$port") 2>/dev/null || (PORT="$port" nohup node server.js > .starter-server.log 2>&1 &)',
].join("\n");

export const STARTER_MANIFEST: Manifest = {
  persistedPaths: ["."],
  bootstrap,
  previewPort: 3000,
};
