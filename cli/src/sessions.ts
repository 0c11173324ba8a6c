import type { ApiClient } from "@burstflare/sdk/client";
import { ApiError } from "@burstflare/sdk/errors";
import { type Session, sessionDetailResponse, sessionNameSchema, sessionResponse } from "@burstflare/sdk/schemas/sessions";
import { listSessionPage } from "@burstflare/sdk/sessions";
import type { SessionState } from "@burstflare/sdk/states";
import { CLIError } from "./output";

/** Host names of config-ssh entries end in this; `flare ssh dev.burstflare` works like `flare ssh dev`. */
export const HOST_SUFFIX = ".burstflare";

export { listAllSessions, listSessionPage } from "@burstflare/sdk/sessions";

/** The live session with this exact name, or null: one filtered request, whatever the workspace's size. */
export async function findSessionByName(client: ApiClient, name: string): Promise<Session | null> {
  if (!sessionNameSchema.safeParse(name).success) return null;
  const page = await listSessionPage(client, { name, limit: 1 });
  return page.sessions.find((s) => s.name === name && s.state !== "deleted") ?? null;
}

/** Finds a session by id or by name (names are what people type; ids are what scripts keep). */
export async function resolveSession(client: ApiClient, ref: string): Promise<Session> {
  const key = ref.endsWith(HOST_SUFFIX) ? ref.slice(0, -HOST_SUFFIX.length) : ref;
  // Ids look like `ses_…`; names never hold an underscore, so a name skips the lookup by id.
  if (key.includes("_")) {
    try {
      return (await client.call("GET /api/sessions/{sessionId}", { params: { sessionId: key }, schema: sessionDetailResponse })).session;
    } catch (err) {
      if (!(err instanceof ApiError) || (err.code !== "not_found" && err.code !== "validation_failed")) throw err;
    }
  }
  const match = await findSessionByName(client, key);
  if (!match) {
    throw new CLIError("not_found", `no session named or with id "${key}"`, { hint: "list yours with `flare session list`" });
  }
  return match;
}

export function describeState(s: Pick<Session, "name" | "state" | "lastLifecyclePhase">): string {
  return `${s.name}: ${s.state}${s.lastLifecyclePhase && s.state !== "stopped" ? ` (${s.lastLifecyclePhase.replace(/_/g, " ")})` : ""}`;
}

interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  onUpdate?: (s: Session) => void;
}

/** Polls the session until it reaches one of `targets`; a `failed` session ends the wait with its reason. */
export async function waitForState(client: ApiClient, id: string, targets: SessionState[], opts: WaitOptions = {}): Promise<Session> {
  const deadline = Date.now() + (opts.timeoutMs ?? 5 * 60_000);
  for (;;) {
    const { session } = await client.call("GET /api/sessions/{sessionId}", { params: { sessionId: id }, schema: sessionDetailResponse });
    opts.onUpdate?.(session);
    if (targets.includes(session.state)) return session;
    if (session.state === "failed") {
      throw new CLIError("session_failed", `session ${session.name} failed: ${session.failureReason ?? "no reason given"}`, {
        hint: `see what happened with \`flare session events ${session.name}\`, then \`flare session restart ${session.name}\``,
      });
    }
    if (session.state === "deleted") throw new CLIError("not_found", `session ${session.name} was deleted`);
    if (Date.now() > deadline) {
      throw new CLIError("timeout", `session ${session.name} is still ${session.state} after waiting`, {
        hint: `check \`flare session status ${session.name}\``,
      });
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 500));
  }
}

/** Brings a session to `running`: starts it when stopped or sleeping, waits while it moves. */
export async function ensureRunning(client: ApiClient, session: Session, opts: WaitOptions = {}): Promise<Session> {
  if (session.state === "running") return session;
  let current = session;
  if (current.state === "stopping") current = await waitForState(client, current.id, ["stopped", "sleeping", "running"], opts);
  if (current.state === "running") return current;
  if (current.state !== "starting") {
    try {
      await client.call("POST /api/sessions/{sessionId}/start", { params: { sessionId: current.id }, body: {}, schema: sessionResponse });
    } catch (err) {
      // Someone else started it between our read and our start: just wait for it.
      if (!(err instanceof ApiError && (err.code === "invalid_state" || err.code === "conflict"))) throw err;
    }
  }
  return waitForState(client, current.id, ["running"], opts);
}
