#!/usr/bin/env node
/**
 * Smoke test of a running BurstFlare: `node scripts/smoke.mjs --base-url URL`.
 * Signs up a throwaway account with a software passkey (or uses BURSTFLARE_TOKEN), builds and
 * promotes a tiny template, runs a session through its terminal, snapshots, stops and deletes,
 * and reads the admin report with operator credentials. One PASS/FAIL/SKIP line per step with
 * its time; exits 1 on any failure.
 */
import { parseArgs } from "node:util";
import { cleanup, createState, STEPS } from "./smoke/steps.mjs";

const USAGE = `usage: node scripts/smoke.mjs --base-url URL [--operator-email EMAIL] [--invite-code CODE] [--email EMAIL]

  --base-url URL         the deployment (e.g. http://localhost:8787 or https://burstflare.example.com)
  --operator-email EMAIL sign up as this address (listed in the deployment's OPERATOR_EMAILS) to check
                         /api/admin/report; also BURSTFLARE_OPERATOR_EMAIL. The address must be proven:
                         pass the one-time code with --bootstrap-code (or BURSTFLARE_BOOTSTRAP_CODE)
                         or an operator's sign-up invite bound to it with --invite-code
  --bootstrap-code CODE  the operator bootstrap code printed by npm run dev / the deploy script
  --invite-code CODE     for deployments with SIGNUP_POLICY=invite-only
  --email EMAIL          the throwaway account's address (default smoke-<random>@example.com)

environment:
  BURSTFLARE_TOKEN           use this API token instead of signing up
  BURSTFLARE_OPERATOR_TOKEN  an operator's token for the admin report step`;

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        "base-url": { type: "string" },
        "operator-email": { type: "string" },
        "invite-code": { type: "string" },
        "bootstrap-code": { type: "string" },
        email: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    console.error(`${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const baseURL = values["base-url"] ?? process.env.BURSTFLARE_URL;
  if (!baseURL || !/^https?:\/\//.test(baseURL)) {
    console.error(`--base-url http(s)://… is required\n\n${USAGE}`);
    process.exit(2);
  }
  return {
    baseURL,
    token: process.env.BURSTFLARE_TOKEN || undefined,
    operatorToken: process.env.BURSTFLARE_OPERATOR_TOKEN || undefined,
    operatorEmail: values["operator-email"] ?? (process.env.BURSTFLARE_OPERATOR_EMAIL || undefined),
    inviteCode: values["invite-code"],
    bootstrapCode: values["bootstrap-code"] ?? (process.env.BURSTFLARE_BOOTSTRAP_CODE || undefined),
    email: values.email,
  };
}

const seconds = (ms) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

async function main() {
  const opts = options();
  console.log(`smoke: ${opts.baseURL}`);
  const state = createState(opts);
  const started = Date.now();
  let failed = null;
  for (const [name, step] of STEPS) {
    if (failed) {
      console.log(`SKIP  ${name}  (after the failure above)`);
      continue;
    }
    const t = Date.now();
    try {
      const note = await step(state);
      const ms = Date.now() - t;
      if (note && typeof note === "object" && "skip" in note) console.log(`SKIP  ${name}  (${seconds(ms)})  ${note.skip}`);
      else console.log(`PASS  ${name}  (${seconds(ms)})${note ? `  ${note}` : ""}`);
    } catch (err) {
      failed = name;
      console.log(`FAIL  ${name}  (${seconds(Date.now() - t)})  ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  await cleanup(state);
  const total = seconds(Date.now() - started);
  if (failed) {
    console.log(`smoke FAILED at "${failed}" after ${total}`);
    process.exit(1);
  }
  console.log(`smoke passed in ${total}`);
}

main().catch((err) => {
  console.error(`smoke crashed: ${err?.stack ?? err}`);
  process.exit(1);
});
