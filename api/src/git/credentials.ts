import { can } from "@burstflare/sdk/permissions";
import type { GitCredential, SetGitCredentialBody } from "@burstflare/sdk/schemas/git";
import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import { iso, now } from "../lib/time";
import { openSecret, sealSecret } from "../workspaces/secrets";
import { deleteGitCredentialRow, findGitCredential, findLiveMembershipRole, upsertGitCredential } from "./git-account-repo";

/**
 * The user's git token, sealed like a workspace secret (AES-GCM under SECRETS_KEY) with its own
 * additional data (`user:<id>` / `git-token`), so a row cannot be replayed as a secret or as
 * another user's token. It leaves the Worker only as an environment variable of the user's own
 * sessions, read by the credential helper below; never in a file, a URL or a log line.
 */

const SCOPE = (userId: string) => `user:${userId}`;
const NAME = "git-token";

export async function setGitCredential(env: AppBindings, userId: string, body: Required<SetGitCredentialBody>): Promise<GitCredential> {
  const sealed = await sealSecret(env, SCOPE(userId), NAME, body.token);
  const t = now();
  await upsertGitCredential(dbOf(env), userId, { host: body.host, username: body.username, ...sealed }, t);
  return { host: body.host, username: body.username, updatedAt: iso(t) ?? "" };
}

export async function getGitCredential(env: AppBindings, userId: string): Promise<GitCredential | null> {
  const r = await findGitCredential(dbOf(env), userId);
  return r ? { host: r.host, username: r.username, updatedAt: iso(r.updatedAt) ?? "" } : null;
}

export function deleteGitCredential(env: AppBindings, userId: string): Promise<boolean> {
  return deleteGitCredentialRow(dbOf(env), userId);
}

const isLoopback = (host: string) => /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);

/**
 * Whether the user's own git token and dotfiles may reach a runtime of this workspace: only while
 * they are a member who may use runtimes there. Sessions (and template versions) stay in a
 * workspace after their owner leaves or is removed; starting them again must not hand the
 * workspace the token (or run the dotfiles) of someone who is no longer in it.
 */
export async function userInWorkspace(env: AppBindings, userId: string, workspaceId: string): Promise<boolean> {
  const role = await findLiveMembershipRole(dbOf(env), userId, workspaceId);
  return role !== null && can(role, "runtime.access");
}

/**
 * The session environment that offers the owner's token to git, or {} without one (or when the
 * owner is no longer a member of `workspaceId` who may use runtimes). Git reads
 * GIT_CONFIG_COUNT/KEY/VALUE as configuration (no file is written); the helper answers only
 * `get` for this one host (https, and http for loopback hosts only, where nothing crosses a network).
 * A token that cannot be decrypted (SECRETS_KEY rotated) is left out rather than failing the start.
 */
export async function gitSessionEnv(env: AppBindings, ownerId: string, workspaceId: string): Promise<Record<string, string>> {
  if (!(await userInWorkspace(env, ownerId, workspaceId))) return {};
  const r = await findGitCredential(dbOf(env), ownerId);
  if (!r) return {};
  let token: string;
  try {
    token = await openSecret(env, SCOPE(ownerId), NAME, r);
  } catch {
    return {};
  }
  const helper = `!f() { test "$1" = get || exit 0; echo "username=$BF_GIT_USERNAME"; echo "password=$BF_GIT_TOKEN"; }; f`;
  const schemes = isLoopback(r.host) ? ["https", "http"] : ["https"];
  const out: Record<string, string> = { BF_GIT_TOKEN: token, BF_GIT_USERNAME: r.username, GIT_CONFIG_COUNT: String(schemes.length) };
  schemes.forEach((scheme, i) => {
    out[`GIT_CONFIG_KEY_${i}`] = `credential.${scheme}://${r.host}.helper`;
    out[`GIT_CONFIG_VALUE_${i}`] = helper;
  });
  return out;
}

/** Proxy and CA variables git's HTTP transport (libcurl, OpenSSL) reads: where the token travels, and whom it trusts. */
const TRANSPORT_ENV = new Set(["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"]);

/**
 * Variables someone other than the token's owner set (workspace secrets, another member's manifest
 * env) for a build that carries the token, without the names that steer git: `GIT_*`
 * (GIT_CONFIG_PARAMETERS rewrites URLs and adds credential helpers, GIT_SSL_NO_VERIFY and
 * GIT_TRACE_CURL expose the token) and the proxy and CA variables. Admins set secrets, and a build's
 * secrets are read at each attempt (an admin's retry included): they must not send another member's
 * token elsewhere.
 */
export function withoutGitSteering(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !name.toUpperCase().startsWith("GIT_") && !TRANSPORT_ENV.has(name.toUpperCase())),
  );
}
