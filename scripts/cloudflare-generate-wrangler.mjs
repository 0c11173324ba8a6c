#!/usr/bin/env node
// node scripts/cloudflare-generate-wrangler.mjs [--settings .env] > wrangler.generated.toml
import path from "node:path";
import { parseArgs } from "node:util";
import { missingSettings, renderWranglerToml } from "./lib/cloudflare-config.mjs";
import { readEnvFile } from "./lib/env-file.mjs";
import { ROOT } from "./lib/processes.mjs";

const { values } = parseArgs({ options: { settings: { type: "string", default: path.join(ROOT, ".env") } } });
const settings = { ...readEnvFile(values.settings), ...pickEnv() };
const missing = missingSettings(settings);
if (missing.length) {
  console.error(`Missing settings in ${values.settings} (see .env.example): ${missing.join(", ")}`);
  console.error("Run `node scripts/cloudflare-provision.mjs` to create the resources and fill in their ids.");
  process.exit(1);
}
process.stdout.write(renderWranglerToml(settings));

/** Settings may also come from the environment (CI secrets), which wins over the file. */
function pickEnv() {
  const keys = Object.keys(readEnvFile(path.join(ROOT, ".env.example")));
  return Object.fromEntries(keys.filter((k) => process.env[k]).map((k) => [k, process.env[k]]));
}
