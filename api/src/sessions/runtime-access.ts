import { ApiError } from "@burstflare/sdk/errors";
import { can } from "@burstflare/sdk/permissions";
import { type ConnectionCredential, PRINCIPAL_HEADER, SSH_AUTHORIZED_KEYS_HEADER, SSH_USER_HEADER } from "@burstflare/sdk/protocol/agent";
import { PROCESS_OWNER_HEADER } from "@burstflare/sdk/protocol/automation";
import { AGENT_TOKEN_HEADER } from "@burstflare/sdk/protocol/runtime-host";
import type { Context } from "hono";
import { CSRF_COOKIE, SESSION_COOKIE } from "../auth/tokens";
import type { AppBindings, AppEnv } from "../env";
import { base64url } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { authenticate, checkCSRF, resolveMembership } from "../middleware/auth";
import { listUserPublicKeys } from "./authorized-keys-repo";
import { credentialOf } from "./connections";
import { INTERNAL_HEADERS } from "./proxy";
import { consumeSSHToken } from "./ssh-tokens";

export const RUNTIME_KINDS = ["terminal", "files", "preview", "ssh"] as const;
export type RuntimeKind = (typeof RUNTIME_KINDS)[number];

interface RuntimeCaller {
  userId: string;
  workspaceId: string;
  /** Set for /ssh: the login name the token was issued for. */
  sshUser: string | null;
  /** Set for /ssh when the token was minted with a key: the only key that connection accepts. */
  boundKey: string | null;
  /** What the connection is held by, so revoking it ends the connection (connections.ts). */
  credential: ConnectionCredential;
  /**
   * When that credential expires, if it has a fixed expiry (an API token's): a connection outliving
   * it would keep a shell its holder can no longer open, so the agent ends it then.
   */
  credentialExpiresAt: number | null;
}

const isUpgrade = (req: Request) => req.headers.get("upgrade")?.toLowerCase() === "websocket";

/**
 * Who is calling a runtime route. Terminal, files and preview take the cookie or a bearer
 * token; /ssh takes only a single-use ssh token (`Authorization: Bearer bfs_…` or `?token=`).
 * The role must allow runtime.access. Cookie WebSocket upgrades must come from the app's origin
 * (a cross-site page cannot open the user's terminal); cookie file writes need the CSRF header.
 */
export async function authorizeRuntime(c: Context<AppEnv>, kind: RuntimeKind, sessionId: string): Promise<RuntimeCaller> {
  if (kind === "ssh") {
    const header = c.req.header("authorization");
    const token = header?.toLowerCase().startsWith("bearer ") ? header.slice(7).trim() : (c.req.query("token") ?? "");
    const grant = await consumeSSHToken(c.env, token);
    if (!grant) throw new ApiError("unauthorized", "missing, expired or already used ssh token");
    // A token for another session reveals nothing about this one.
    if (grant.sessionId !== sessionId) throw new ApiError("not_found", "session not found");
    const membership = await resolveMembership(c.env, grant.userId, grant.workspaceId);
    if (!membership || membership.workspaceId !== grant.workspaceId) throw new ApiError("not_found", "session not found");
    if (!can(membership.role, "runtime.access")) throw new ApiError("forbidden", `your role (${membership.role}) cannot use runtimes`);
    return {
      userId: grant.userId,
      workspaceId: grant.workspaceId,
      sshUser: grant.sshUser,
      boundKey: grant.boundKey ?? null,
      credential: grant.credential,
      credentialExpiresAt: grant.credentialExpiresAt ?? null,
    };
  }
  const auth = await authenticate(c);
  if (!auth) throw new ApiError("unauthorized", "sign in first");
  if (auth.via === "cookie") {
    if (isUpgrade(c.req.raw) && c.req.header("origin") !== c.env.APP_ORIGIN) {
      throw new ApiError("forbidden", "WebSocket origin is not the app's origin");
    }
    // A previewed app posts its own forms; it cannot know the CSRF token, and reaches only itself.
    if (kind !== "preview") checkCSRF(c, auth);
  }
  if (!can(auth.role, "runtime.access")) throw new ApiError("forbidden", `your role (${auth.role}) cannot use runtimes`);
  return {
    userId: auth.userId,
    workspaceId: auth.workspaceId,
    sshUser: null,
    boundKey: null,
    credential: credentialOf(auth),
    credentialExpiresAt: auth.credentialExpiresAt ?? null,
  };
}

/**
 * The keys one SSH connection accepts, one per line, base64-encoded (the agent's header format):
 * the key bound to its token if there is one, else the user's registered OpenSSH public keys.
 */
export async function authorizedKeysHeader(env: AppBindings, caller: Pick<RuntimeCaller, "userId" | "boundKey">): Promise<string> {
  let keys: string[];
  if (caller.boundKey) keys = [caller.boundKey];
  else {
    keys = await listUserPublicKeys(dbOf(env), caller.userId);
  }
  const text = keys.map((k) => k.replace(/[\r\n]+/g, " ").trim()).join("\n");
  return base64url(new TextEncoder().encode(text));
}

const FORWARD_STRIP = [
  "authorization",
  AGENT_TOKEN_HEADER,
  SSH_AUTHORIZED_KEYS_HEADER,
  SSH_USER_HEADER,
  PRINCIPAL_HEADER,
  PROCESS_OWNER_HEADER,
  ...Object.values(INTERNAL_HEADERS),
];

/**
 * The user's request as the agent may see it: no credentials of ours (the previewed app is
 * user code), no headers only the control plane may set. Other cookies stay for the app.
 */
export function sanitizeForAgent(request: Request, url: string): Request {
  const out = new Request(url, request);
  for (const h of FORWARD_STRIP) out.headers.delete(h);
  const cookie = out.headers.get("cookie");
  if (cookie) {
    const kept = cookie
      .split(";")
      .map((p) => p.trim())
      .filter((p) => p && !p.startsWith(`${SESSION_COOKIE}=`) && !p.startsWith(`${CSRF_COOKIE}=`));
    if (kept.length) out.headers.set("cookie", kept.join("; "));
    else out.headers.delete("cookie");
  }
  return out;
}

/** Defence in depth for the file API: the agent confines paths too, but `..` and absolute paths never leave the Worker. */
export function assertSafeFileQuery(url: URL): void {
  for (const name of ["path", "from", "to"]) {
    for (const value of url.searchParams.getAll(name)) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
      if (/[\u0000-\u001f\u007f]/.test(value) || value.split(/[\\/]/).includes("..")) {
        throw new ApiError("bad_request", `${name} must stay inside the workspace`);
      }
    }
  }
}
