#!/usr/bin/env node
// npm run deploy [-- --dry-run]: the Worker (with its containers) from wrangler.generated.toml,
// then the SPA to Cloudflare Pages on the same hostname.
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { pagesHeadersFile } from "@burstflare/sdk/app-headers.ts";
import { bootstrapBanner, newBootstrapCode } from "./lib/bootstrap-code.mjs";
import { missingSettings, previewDomain, renderWranglerToml } from "./lib/cloudflare-config.mjs";
import { readEnvFile } from "./lib/env-file.mjs";
import { buildWeb, ROOT, run } from "./lib/processes.mjs";

const { values } = parseArgs({
  options: { settings: { type: "string", default: path.join(ROOT, ".env") }, "dry-run": { type: "boolean", default: false } },
});
const settings = readEnvFile(values.settings);
const missing = missingSettings(settings);
if (missing.length) {
  console.error(`Missing settings in ${values.settings}: ${missing.join(", ")} — see .env.example and scripts/cloudflare-provision.mjs`);
  process.exit(1);
}
const config = path.join(ROOT, "wrangler.generated.toml");
writeFileSync(config, renderWranglerToml(settings));
const wrangler = path.join(ROOT, "node_modules/.bin/wrangler");

console.log("1/4 verify config");
await run(process.execPath, [path.join(ROOT, "scripts/cf-verify.mjs"), "-c", config]);
console.log("2/4 build the SPA");
await buildWeb({ quiet: false });
if (!existsSync(path.join(ROOT, "dist/web/index.html"))) throw new Error("SPA build missing");
// Pages serves the SPA, so its CSP and framing headers travel as Pages' `_headers` file (sdk/app-headers.ts).
writeFileSync(path.join(ROOT, "dist/web/_headers"), pagesHeadersFile(`https://*.${previewDomain(settings)}`));
if (values["dry-run"]) {
  console.log("3/4 Worker (dry run)");
  await run(wrangler, [
    "deploy",
    "-c",
    config,
    "--dry-run",
    "--containers-rollout=none",
    "--outdir",
    path.join(ROOT, ".wrangler/deploy-dry-run"),
  ]);
  console.log(`4/4 would run: wrangler pages deploy dist/web --project-name ${settings.PAGES_PROJECT || "burstflare-web"}`);
  console.log("    and store a one-time operator bootstrap code (printed after a real deploy)");
  process.exit(0);
}
console.log("3/4 migrations + Worker with containers");
await run(wrangler, ["d1", "migrations", "apply", "DB", "--remote", "-c", config]);
// Only the hash goes to D1; the code itself is printed once, below, and nowhere else.
const bootstrap = newBootstrapCode();
await run(wrangler, ["d1", "execute", "DB", "--remote", "-c", config, "--command", bootstrap.sql], { quiet: true });
await run(wrangler, ["deploy", "-c", config]);
console.log("4/4 SPA to Cloudflare Pages");
await run(wrangler, ["pages", "deploy", "dist/web", "--project-name", settings.PAGES_PROJECT || "burstflare-web", "--branch", "main"]);
console.log(`Deployed. Check: node scripts/smoke.mjs --base-url https://${settings.BURSTFLARE_HOSTNAME}`);
console.log(`\n${bootstrapBanner(bootstrap.code, bootstrap.expiresAt, `https://${settings.BURSTFLARE_HOSTNAME}`)}\n`);
