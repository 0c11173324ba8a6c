import { z } from "zod";

/**
 * The runtime agent's HTTP/WebSocket surface (runtime/src/agent). Every request carries
 * AGENT_TOKEN_HEADER (sdk/protocol/runtime-host.ts). The control plane reaches it through
 * the session Durable Object (local driver: loopback URL; containers driver: container port).
 *
 *   GET  /health                         → AgentHealth
 *   GET  /terminal?terminal=&cols=&rows=   WebSocket, frames of sdk/protocol/terminal.ts;
 *                                          a reconnect to the same terminal id replays recent output
 *   GET  /terminals                      → { terminals: TerminalInfo[] }
 *   GET  /files/tree?path=               → { entries: FileEntry[] }  (one level)
 *   GET  /files/content?path=            → raw bytes (x-file-mtime header)
 *   PUT  /files/content?path=              raw bytes → FileEntry   (creates parents)
 *   POST /files/mkdir      { path }      → FileEntry
 *   POST /files/rename     { from, to }  → FileEntry
 *   DELETE /files?path=                  → { ok: true }
 *   ANY  /preview/*                        proxied to 127.0.0.1:previewPort (HTTP and WebSocket)
 *   GET  /ssh                              WebSocket of raw SSH bytes; SSH_AUTHORIZED_KEYS_HEADER lists
 *                                          the OpenSSH public keys allowed for this connection
 *   GET  /snapshot/fingerprint           → SnapshotFingerprint: changes when anything under the persisted paths does
 *   POST /snapshot/export                → tar.gz of the persisted paths; headers SHA256_HEADER, content-length
 *   POST /snapshot/export?stream=1       → the same archive streamed as it is built (no temp file, no
 *                                          length or hash up front; the receiver hashes it), gzip
 *                                          level in SNAPSHOT_ENCODING_HEADER ("gzip;level=1")
 *   POST /snapshot/import?sha256=          tar.gz body, unpacked into staging while it is hashed; the
 *                                          persisted paths are replaced only once the hash matched
 *                                          (a mismatch changes nothing) → { files, bytes }
 *                                          (400 checksum_mismatch, 422 unsafe_archive, 400 bad_request: not a tar.gz)
 *   POST /snapshot/manifest              body: the base snapshot's manifest JSON (or empty) → { token,
 *                                          manifest, deleted, changed, changedBytes }: per-file manifest
 *                                          (path, type, size, mtime, mode, link target, SHA-256), hashing
 *                                          only files whose size or mtime differ from the base's
 *   POST /snapshot/export?stream=1&delta=<token>  only the entries that changed since that base
 *   POST /snapshot/import-chain            u32 header length, JSON { steps: [{ sha256, bytes, deleted }] },
 *                                          then the archives (full base, increments in order); all
 *                                          unpacked into one staging folder, swapped only if every hash matched
 *   POST /bundle/import?sha256=            tar.gz template bundle, unpacked into the workspace root
 *                                          (sha256 optional here; entries checked first → 422 unsafe_archive)
 *   POST /exec             ExecBody      → NDJSON stream of ExecEvent lines, last one `exit`
 *   POST /exec/run, /processes…            the automation API's commands and background processes
 *                                          (sdk/protocol/automation.ts)
 *   POST /connections/close ConnectionMatch → ClosedConnections: ends the open terminal, ssh and
 *                                          preview WebSockets, running commands and background
 *                                          processes whose principal matches (revoked access);
 *                                          with lostAccess also the user's terminal shells and SSH jobs;
 *                                          on sandboxed local runtimes the matching member groups
 *                                          (cgroups) are killed, detached processes included
 *
 * Every /terminal, /ssh, /preview, /exec/run and /processes request from a user carries
 * PRINCIPAL_HEADER, set by the control plane (clients' copies are stripped by the Worker): who
 * opened the connection or started the work, and with which credential. A terminal belongs to the user who opened it; another user attaches only
 * when the owner opened it with `shared=1`.
 *
 * File API errors: `..` → 400 bad_request; outside the workspace or through a symlink → 403
 * forbidden; missing → 404 not_found; clash → 409 conflict. Details: runtime/README.md.
 */
export const SHA256_HEADER = "x-content-sha256";
/** How a streamed snapshot archive is compressed: `gzip;level=N`. Recorded with the object in R2. */
export const SNAPSHOT_ENCODING_HEADER = "x-snapshot-encoding";
export const SSH_AUTHORIZED_KEYS_HEADER = "x-ssh-authorized-keys";
export const SSH_USER_HEADER = "x-ssh-user";
export const PRINCIPAL_HEADER = "x-bf-principal";

/**
 * The credential a connection was opened with: a browser or CLI sign-in (sign-in id), an API
 * token, a share link, or a preview visit grant (signed for a user, bound to no sign-in).
 */
export const credentialKind = z.enum(["sign_in", "api_token", "share", "preview_grant"]);
export type CredentialKind = z.infer<typeof credentialKind>;
export const connectionCredential = z.object({ kind: credentialKind, id: z.string().min(1).max(128) });
export type ConnectionCredential = z.infer<typeof connectionCredential>;

export const principal = z.object({
  connectionId: z.string().min(1).max(64),
  /** Null for an anonymous share-link viewer. */
  userId: z.string().min(1).max(64).nullable(),
  credential: connectionCredential,
  /**
   * A scoped share link's viewer: the sign-in or API token their visit grant names. The connection
   * answers for both credentials, so revoking either (the link, or the viewer's sign-in) ends it.
   */
  grantedBy: connectionCredential.optional(),
  /** When the credential stops counting (a share link's expiry, epoch ms): the agent ends the connection then. */
  expiresAt: z.number().int().positive().optional(),
});
export type Principal = z.infer<typeof principal>;

/**
 * Which connections and running work to end: every given field must match. Work is what a
 * principal started and the agent still runs for it: /exec/run commands and background processes.
 */
export const connectionMatch = z
  .object({
    userId: z.string().min(1).max(64).optional(),
    credential: connectionCredential.optional(),
    kinds: z.array(credentialKind).min(1).optional(),
    /**
     * The user lost runtime access to the session (removed, demoted to viewer, left): their
     * terminals' shells and what their SSH channels started end too, not only the sockets. Needs `userId`.
     */
    lostAccess: z.boolean().optional(),
  })
  .refine((m) => m.userId !== undefined || m.credential !== undefined, { message: "name a userId or a credential" })
  .refine((m) => !m.lostAccess || m.userId !== undefined, { message: "lostAccess names a userId" });
export type ConnectionMatch = z.infer<typeof connectionMatch>;

export const closedConnections = z.object({ closed: z.array(z.string()), open: z.array(z.string()) });
export type ClosedConnections = z.infer<typeof closedConnections>;

export function principalMatches(p: Omit<Principal, "connectionId">, m: ConnectionMatch): boolean {
  if (m.userId !== undefined && p.userId !== m.userId) return false;
  // A connection held by a grant answers for the credential behind it as well as its own.
  const held = p.grantedBy ? [p.credential, p.grantedBy] : [p.credential];
  const wanted = m.credential;
  if (wanted && !held.some((c) => c.kind === wanted.kind && c.id === wanted.id)) return false;
  if (m.kinds && !held.some((c) => m.kinds?.includes(c.kind))) return false;
  return true;
}

/** The header's value: URI-encoded JSON, so no byte of it can break the header line. */
export const encodePrincipal = (p: Principal): string => encodeURIComponent(JSON.stringify(p));

export function decodePrincipal(value: string | string[] | null | undefined): Principal | null {
  if (typeof value !== "string" || value.length > 2048) return null;
  try {
    const parsed = principal.safeParse(JSON.parse(decodeURIComponent(value)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export const fileEntry = z.object({
  path: z.string(),
  name: z.string(),
  type: z.enum(["file", "directory", "symlink"]),
  size: z.number(),
  mtimeMs: z.number(),
});
export type FileEntry = z.infer<typeof fileEntry>;

export const fileTree = z.object({ entries: z.array(fileEntry) });
export type FileTree = z.infer<typeof fileTree>;

export const filePathBody = z.object({ path: z.string().min(1).max(1024) });
export const renameBody = z.object({ from: z.string().min(1).max(1024), to: z.string().min(1).max(1024) });

export const terminalInfo = z.object({ id: z.string(), pid: z.number(), cols: z.number(), rows: z.number(), clients: z.number() });
export type TerminalInfo = z.infer<typeof terminalInfo>;
export const terminalList = z.object({ terminals: z.array(terminalInfo) });

export const execBody = z.object({
  command: z.string().min(1).max(16_000),
  env: z.record(z.string(), z.string()).default({}),
  timeoutMs: z.number().int().min(1).max(3_600_000).default(900_000),
});
export type ExecBody = z.infer<typeof execBody>;

export const execEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("output"), data: z.string() }),
  z.object({ type: z.literal("exit"), code: z.number().int().nullable(), signal: z.string().nullable(), durationMs: z.number() }),
]);
export type ExecEvent = z.infer<typeof execEvent>;

export const snapshotFingerprint = z.object({ fingerprint: z.string(), entries: z.number().int() });
export type SnapshotFingerprint = z.infer<typeof snapshotFingerprint>;

export const importResult = z.object({ files: z.number().int(), bytes: z.number().int() });
export type ImportResult = z.infer<typeof importResult>;
