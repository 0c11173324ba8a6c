import { type Session, type SSHToken, sshTokenSchema } from "@burstflare/sdk/schemas/sessions";
import type { Context } from "../context";
import { signalIntent } from "../intent";
import { SessionIdCache } from "../session-ids";
import { ensureRunning, HOST_SUFFIX, resolveSession } from "../sessions";

export interface PreparedConnection {
  session: Pick<Session, "id" | "name">;
  minted: SSHToken;
}

interface PrepareOptions {
  /** Bound to the token: the connection accepts this key only. */
  publicKey: string | null;
  /** Called while a sleeping or stopped session is woken (for a spinner). */
  onWaking?: (session: Session) => void;
  onWoken?: (session: Session) => void;
}

/**
 * The session a connection goes to, running, and a single-use ssh token for it. When the id is
 * known (an id was given, or the name resolved before), the token is asked for at once and its
 * answer names the session's state: one round trip for a running session. Anything else (asleep,
 * renamed, refused) takes the careful path, which also reports the real error.
 */
export async function prepareConnection(ctx: Context, ref: string, opts: PrepareOptions): Promise<PreparedConnection> {
  const name = ref.endsWith(HOST_SUFFIX) ? ref.slice(0, -HOST_SUFFIX.length) : ref;
  const ids = new SessionIdCache(ctx.configDir, ctx.baseURL);
  const body = opts.publicKey ? { publicKey: opts.publicKey } : {};
  const mint = (id: string) =>
    ctx.client.call("POST /api/sessions/{sessionId}/ssh-token", { params: { sessionId: id }, body, schema: sshTokenSchema });
  const knownId = name.includes("_") ? name : ids.get(name);
  if (knownId) {
    // Start on intent: a sleeping session marked for it starts waking at once.
    const intent = signalIntent(ctx.client, "ssh", knownId);
    const [minted] = await Promise.allSettled([mint(knownId), intent]);
    // The token's answer names the session as it stands: running, and still the one the name means.
    const found = minted.status === "fulfilled" ? minted.value.session : undefined;
    if (minted.status === "fulfilled" && found && (found.id === name || found.name === name) && found.state === "running") {
      ids.set(found.name, found.id);
      return { session: { id: found.id, name: found.name }, minted: minted.value };
    }
  }
  let session = await resolveSession(ctx.client, ref);
  ids.set(session.name, session.id);
  if (session.id !== knownId) await signalIntent(ctx.client, "ssh", session.id);
  if (session.state !== "running") {
    opts.onWaking?.(session);
    session = await ensureRunning(ctx.client, session, { onUpdate: (s) => opts.onWaking?.(s) });
    opts.onWoken?.(session);
  }
  return { session, minted: await mint(session.id) };
}
