import type { ApiClient } from "@burstflare/sdk/client";
import { type Build, buildSchema } from "@burstflare/sdk/schemas/builds";
import type { BuildState } from "@burstflare/sdk/states";

/** States after which a build changes no more without a person's retry. */
export const FINAL_BUILD_STATES: BuildState[] = ["succeeded", "failed", "dead_lettered"];

export async function getBuild(client: ApiClient, id: string): Promise<Build> {
  return client.call("GET /api/template-builds/{buildId}", { params: { buildId: id }, schema: buildSchema });
}

export async function getBuildLog(client: ApiClient, id: string): Promise<string> {
  const res = await client.callRaw("GET /api/template-builds/{buildId}/log", {
    params: { buildId: id },
    headers: { accept: "text/plain" },
  });
  return res.text();
}

/** Polls until the build is final, calling onUpdate on every read. */
export async function waitForBuild(
  client: ApiClient,
  id: string,
  opts: { onUpdate?: (b: Build) => void | Promise<void>; intervalMs?: number; timeoutMs?: number } = {},
): Promise<Build> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
  for (;;) {
    const build = await getBuild(client, id);
    await opts.onUpdate?.(build);
    if (FINAL_BUILD_STATES.includes(build.status) || Date.now() > deadline) return build;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 1000));
  }
}
