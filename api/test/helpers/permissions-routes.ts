import type { Action } from "@burstflare/sdk/permissions";
import { type ResourceKind, randomSSHPublicKey, type World } from "./permissions-world";
import { targz } from "./tar";

/**
 * THE route → permission expectations read by api/test/permissions.test.ts.
 * Every route the Worker serves must have one line here, keyed "METHOD /path/:param"
 * exactly as Hono registers it; a route missing from this map fails the test.
 *
 * access:
 *   an Action from sdk/permissions.ts: roles listed there get 2xx (or a status in `ok`),
 *     the other roles 403, an owner of another workspace using A's ids 404, no auth 401
 *   "signed-in": any signed-in user, no workspace permission (own profile, switch, accept)
 *   "operator":  OPERATOR_EMAILS only; everyone else 403
 *   "public":    no auth; must not answer 401/403 or 5xx
 *   "middleware": a `use()` entry (method ALL), not a route
 *
 * options (second element):
 *   body(w)  a VALID body for an allowed caller (validation runs after the permission check)
 *   raw(w)   a non-JSON body instead (bundle uploads)
 *   fixed    literal values for params that are not resources
 *   query    query string without "?"
 *   ok       non-permission statuses an allowed caller may get (409 state, 503 runtime down)
 *   params   which seeded resource fills each :param when the path segment does not say
 *   wildcard what to put for a trailing "*"
 *   cross    other-workspace check: default on when a :param names a workspace resource
 *   headers  extra request headers (e.g. a WebSocket upgrade)
 */
export type Access = Action | "signed-in" | "operator" | "public" | "middleware";

export interface RouteOptions {
  body?: (w: World) => unknown;
  /** A non-JSON body (uploads). */
  raw?: (w: World) => Promise<Uint8Array<ArrayBuffer> | string> | Uint8Array<ArrayBuffer> | string;
  /** Literal values for params that are not resources (e.g. the runtime route's rest). */
  fixed?: Record<string, string>;
  query?: string;
  ok?: number[];
  params?: Record<string, ResourceKind>;
  wildcard?: string;
  cross?: boolean;
  headers?: Record<string, string>;
}

export type RouteEntry = Access | readonly [Access, RouteOptions];

export const ROUTE_PERMISSIONS: Record<string, RouteEntry> = {
  // app-wide middleware (request id, body limit)
  "ALL /*": "middleware",
  "ALL /api/*": "middleware",

  // operations
  "GET /api/health": "public",
  "GET /api/openapi.json": "public",

  // workspaces
  "GET /api/workspaces": "signed-in",
  "POST /api/workspaces": ["signed-in", { body: () => ({ name: "Perm test" }) }],
  "POST /api/auth/switch-workspace": ["signed-in", { body: (w) => ({ workspaceId: w.ids.workspace }), cross: true }],
  "GET /api/workspaces/current/settings": "workspace.read",
  "PATCH /api/workspaces/current/settings": ["workspace.update", { body: () => ({ name: "Renamed" }) }],
  "POST /api/workspaces/current/transfer": ["workspace.transfer", { body: (w) => ({ userId: w.ids.member }), cross: true }],
  "POST /api/workspaces/current/leave": ["workspace.leave", { ok: [409] }],
  "DELETE /api/workspaces/current": "workspace.delete",
  "GET /api/workspaces/current/members": "members.read",
  "PATCH /api/workspaces/current/members/:userId": ["members.manage", { body: () => ({ role: "viewer" }) }],
  "DELETE /api/workspaces/current/members/:userId": "members.manage",
  "GET /api/workspaces/current/invites": "invites.manage",
  "POST /api/workspaces/current/invites": ["invites.manage", { body: () => ({ role: "member" }) }],
  "DELETE /api/workspaces/current/invites/:inviteId": "invites.manage",
  // A's own members are already in (409); another workspace's user may join with the code.
  "POST /api/workspaces/invites/accept": ["signed-in", { body: (w) => ({ code: w.inviteCode }), ok: [409] }],
  "GET /api/workspaces/current/secrets": "secrets.read",
  "PUT /api/workspaces/current/secrets": ["secrets.write", { body: () => ({ name: "NEW_SECRET", value: "v" }) }],
  "DELETE /api/workspaces/current/secrets/:name": "secrets.write",
  "GET /api/workspaces/current/plan": "plan.read",
  // Plans and the owned-workspace limit are billing: operators only, never the owner.
  "PUT /api/workspaces/current/plan": ["operator", { body: () => ({ plan: "pro" }) }],
  "PUT /api/admin/workspaces/:workspaceId/plan": ["operator", { body: () => ({ plan: "pro" }) }],
  "PUT /api/admin/users/:userId/workspace-limit": ["operator", { params: { userId: "member" }, body: () => ({ maxOwnedWorkspaces: 7 }) }],
  // Only addresses in OPERATOR_EMAILS may redeem (everyone here else: 403); redemption is in identity-operator.test.ts.
  "POST /api/admin/bootstrap": ["signed-in", { body: () => ({ code: "bfb_not-a-real-bootstrap-code" }), ok: [403] }],
  "GET /api/workspaces/current/quota-overrides": "operator",
  "PUT /api/workspaces/current/quota-overrides": ["operator", { body: () => ({ overrides: { templates: 9 } }) }],
  "GET /api/admin/workspaces/:workspaceId/quota-overrides": "operator",
  "PUT /api/admin/workspaces/:workspaceId/quota-overrides": ["operator", { body: () => ({ overrides: { templates: 9 } }) }],
  "GET /api/audit": ["audit.read", { query: "action=workspace.&limit=10" }],
  "GET /api/admin/security-log": ["operator", { query: "action=auth.&limit=10" }],
  // Operator seeding: the permissions run turns OPERATOR_SEEDING on (off, they are missing paths: admin/seed.test.ts).
  "POST /api/admin/seed/users": ["operator", { body: () => ({}) }],
  "POST /api/admin/seed/templates": ["operator", { body: (w) => ({ workspaceId: w.ids.workspace, manifest: { persistedPaths: ["."] } }) }],
  "POST /api/admin/seed/secrets": ["operator", { body: (w) => ({ workspaceId: w.ids.workspace, secrets: { PERM_SEEDED: "x" } }) }],
  "POST /api/admin/seed/sessions": [
    "operator",
    { body: (w) => ({ workspaceId: w.ids.workspace, ownerId: w.a.owner.userId, count: 1, namePrefix: "perm-" }) },
  ],
  // The session is not deleted, so the operator gets "no deleted session" once past the permission check.
  "POST /api/admin/seed/deleted-age": ["operator", { body: (w) => ({ kind: "session", id: w.ids.session, deletedDaysAgo: 8 }), ok: [404] }],
  "GET /api/usage": ["usage.read", { query: "days=7" }],

  // snapshots
  "GET /api/sessions/:sessionId/snapshots": "snapshots.read",
  "POST /api/sessions/:sessionId/snapshots": ["snapshots.write", { body: () => ({ label: "perm" }), ok: [409] }],
  "GET /api/sessions/:sessionId/snapshots/:snapshotId": "snapshots.read",
  "POST /api/sessions/:sessionId/snapshots/:snapshotId/restore": ["snapshots.write", { ok: [409] }],
  "DELETE /api/sessions/:sessionId/snapshots/:snapshotId": "snapshots.write",
  "GET /api/sessions/:sessionId/snapshots/:snapshotId/content": "runtime.access",
  "POST /api/sessions/:sessionId/snapshots/:snapshotId/new-session": [
    "snapshots.write",
    { body: () => ({ name: "from-snapshot", start: false }) },
  ],
  "GET /api/snapshots": "snapshots.read",
  "POST /api/snapshots/:snapshotId/new-session": [
    "snapshots.write",
    { body: () => ({ name: `from-ws-snapshot-${Math.random().toString(36).slice(2, 8)}`, start: false }) },
  ],

  // auth: public ceremonies answer 4xx to an empty body, never 401/403/5xx
  "GET /api/auth/config": "public",
  "POST /api/auth/passkeys/register/start": "public",
  "POST /api/auth/passkeys/register/finish": "public",
  "POST /api/auth/passkeys/login/start": "public",
  "POST /api/auth/passkeys/login/finish": "public",
  "POST /api/auth/recover": "public",
  "POST /api/auth/refresh": "public",
  "POST /api/cli/device/start": "public",
  "POST /api/cli/device/exchange": "public",
  // auth: the signed-in person's own account
  "GET /api/auth/me": "signed-in",
  "POST /api/auth/logout": "signed-in",
  "POST /api/auth/logout-all": "signed-in",
  "GET /api/auth/sign-ins": "signed-in",
  "DELETE /api/auth/sign-ins/:signInId": "signed-in",
  // Deprecated aliases of the two above, until 0.3.0.
  "GET /api/auth/sessions": "signed-in",
  "GET /api/auth/passkeys": "signed-in",
  "POST /api/auth/passkeys/add/start": "signed-in",
  // An unknown challenge is refused whoever asks.
  "POST /api/auth/passkeys/add/finish": ["signed-in", { body: () => ({ challengeId: "chl_none", credential: {} }), ok: [400] }],
  "PATCH /api/auth/passkeys/:passkeyId": ["signed-in", { body: () => ({ name: "Renamed key" }) }],
  // The seeded passkey is the user's only one: removing the last passkey is refused (409).
  "DELETE /api/auth/passkeys/:passkeyId": ["signed-in", { ok: [409] }],
  "GET /api/auth/recovery-codes": "signed-in",
  "POST /api/auth/recovery-codes": "signed-in",
  "GET /api/auth/tokens": "signed-in",
  "POST /api/auth/tokens": ["signed-in", { body: () => ({ name: "ci" }) }],
  "DELETE /api/auth/tokens/:tokenId": "signed-in",
  "GET /api/auth/ssh-keys": "signed-in",
  "POST /api/auth/ssh-keys": ["signed-in", { body: () => ({ publicKey: randomSSHPublicKey(), name: "laptop" }) }],
  "DELETE /api/auth/ssh-keys/:keyId": "signed-in",
  // No device login is pending with this code.
  "POST /api/cli/device/approve": ["signed-in", { body: () => ({ userCode: "ABCD-2345" }), ok: [400, 404, 410] }],
  "POST /api/cli/device/deny": ["signed-in", { body: () => ({ userCode: "ABCD-2345" }), ok: [400, 404, 410] }],
  "POST /api/cli/device/inspect": ["signed-in", { body: () => ({ userCode: "ABCD-2345" }), ok: [400, 404, 410] }],
  "GET /api/admin/signup-invites": "operator",
  "POST /api/admin/signup-invites": ["operator", { body: () => ({ expiresInDays: 1 }) }],
  "DELETE /api/admin/signup-invites/:inviteId": "operator",

  // templates and uploads (the seeded template has sessions, so delete answers 409)
  "GET /api/templates": "templates.read",
  "POST /api/templates": ["templates.write", { body: () => ({ name: "perm-new" }) }],
  "GET /api/templates/:templateId": "templates.read",
  "DELETE /api/templates/:templateId": ["templates.write", { ok: [409] }],
  "POST /api/templates/:templateId/archive": "templates.write",
  "POST /api/templates/:templateId/restore": ["templates.write", { ok: [409] }],
  "POST /api/templates/:templateId/promote": ["templates.write", { body: (w) => ({ versionId: w.ids.version }), ok: [409] }],
  "POST /api/templates/:templateId/rollback": ["templates.write", { ok: [409] }],
  "POST /api/templates/:templateId/versions": [
    "templates.write",
    { body: () => ({ version: "3.0.0", manifest: { persistedPaths: ["."] } }) },
  ],
  "GET /api/templates/:templateId/versions/:versionId": "templates.read",
  // the seeded version is promoted and has sessions: kept with 409
  "DELETE /api/templates/:templateId/versions/:versionId": ["templates.write", { ok: [409] }],
  "POST /api/templates/:templateId/versions/:versionId/upload-grant": ["templates.write", { params: { versionId: "pendingVersion" } }],
  "PUT /api/uploads/:grantId": ["templates.write", { raw: () => targz([{ name: "README.md", content: "hello\n" }]) }],

  // builds
  "GET /api/template-builds": "builds.read",
  "GET /api/template-builds/:buildId": "builds.read",
  "GET /api/template-builds/:buildId/log": "builds.read",
  "GET /api/template-builds/:buildId/artifact": "runtime.access",
  "POST /api/template-builds/:buildId/retry": "builds.write",
  "POST /api/admin/template-builds/retry-dead-lettered": "operator",

  // operations (api/src/admin/routes/admin.ts)
  "GET /api/admin/report": "operator",
  "POST /api/admin/reconcile": ["operator", { body: () => ({ preview: true }) }],
  "GET /api/admin/deleted": "operator",
  // The seeded session is not deleted: an operator's restore of it is a 404.
  "POST /api/admin/restore": ["operator", { body: (w) => ({ kind: "session", id: w.ids.session }), ok: [404] }],
  "POST /api/admin/template-builds/:buildId/retry": ["operator", { ok: [409] }],

  // sessions
  "GET /api/sessions": "sessions.read",
  "POST /api/sessions": ["sessions.write", { body: () => ({ name: "perm-created", start: false }) }],
  "GET /api/sessions/:sessionId": "sessions.read",
  "DELETE /api/sessions/:sessionId": "sessions.write",
  "POST /api/sessions/:sessionId/start": ["sessions.lifecycle", { ok: [409] }],
  "POST /api/sessions/:sessionId/stop": ["sessions.lifecycle", { ok: [409] }],
  "POST /api/sessions/:sessionId/restart": ["sessions.lifecycle", { ok: [409] }],
  "POST /api/sessions/:sessionId/keep-awake": ["sessions.lifecycle", { body: () => ({ minutes: 0 }), ok: [409] }],
  "GET /api/sessions/:sessionId/events": "sessions.read",
  "GET /api/sessions/events": "sessions.read",
  "POST /api/sessions/:sessionId/ssh-token": ["runtime.access", { ok: [409] }],
  // Terminal, files, preview and ssh: the session's runtime behind the role check.
  "ALL /runtime/sessions/*": "middleware",
  "ALL /runtime/sessions/:sessionId/:rest{.+}": ["runtime.access", { fixed: { rest: "files/tree" }, ok: [409, 502, 503] }],
  // Automation (docs/automation.md): exec and background processes, fork, scoped tokens. The
  // seeded session has no runtime here, so an allowed caller gets 409/503 from the agent path.
  "POST /api/sessions/:sessionId/exec": ["runtime.access", { body: () => ({ command: "true" }), ok: [409, 502, 503] }],
  "POST /api/sessions/:sessionId/processes": ["runtime.access", { body: () => ({ command: "true" }), ok: [409, 502, 503] }],
  "GET /api/sessions/:sessionId/processes": ["runtime.access", { ok: [409, 502, 503] }],
  "GET /api/sessions/:sessionId/processes/:processId": [
    "runtime.access",
    { fixed: { processId: "prc_permtest" }, ok: [404, 409, 502, 503] },
  ],
  "GET /api/sessions/:sessionId/processes/:processId/output": [
    "runtime.access",
    { fixed: { processId: "prc_permtest" }, ok: [404, 409, 502, 503] },
  ],
  "POST /api/sessions/:sessionId/processes/:processId/signal": [
    "runtime.access",
    { fixed: { processId: "prc_permtest" }, body: () => ({ signal: "SIGTERM" }), ok: [404, 409, 502, 503] },
  ],
  "POST /api/sessions/:sessionId/processes/:processId/wait": [
    "runtime.access",
    { fixed: { processId: "prc_permtest" }, ok: [404, 409, 502, 503] },
  ],
  "POST /api/sessions/:sessionId/files/batch": [
    "runtime.access",
    { body: () => ({ ops: [{ op: "stat", path: "" }] }), ok: [409, 502, 503] },
  ],
  "GET /api/sessions/:sessionId/files/archive": ["runtime.access", { ok: [409, 502, 503] }],
  "PUT /api/sessions/:sessionId/files/archive": ["runtime.access", { ok: [400, 409, 502, 503] }],
  "GET /api/sessions/:sessionId/files/watch": ["runtime.access", { ok: [409, 502, 503] }],
  "POST /api/sessions/:sessionId/fork": ["sessions.write", { body: () => ({ name: "perm-fork" }), ok: [409] }],
  // MCP over HTTP: any credential; each tool call is checked as the route it calls.
  "POST /api/mcp": [
    "signed-in",
    {
      headers: { accept: "application/json, text/event-stream" },
      body: () => ({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "perm", version: "1" } },
      }),
    },
  ],
  "POST /api/scoped-tokens": ["runtime.access", { body: () => ({ name: "perm", scopes: ["exec"], expiresInSeconds: 600 }) }],
  // The sandboxed preview: a signed grant in the path is the credential (no cookie); none here → 404.
  "ALL /runtime/preview/:credential": ["public", { fixed: { credential: "no-grant" } }],
  "ALL /runtime/preview/:credential/*": ["public", { fixed: { credential: "no-grant" } }],

  // shares, start on intent, latency. The seeded session is the owner's: a plain
  // member manages links of their own sessions only (403 here), a missing link id is a 404.
  "POST /api/sessions/:sessionId/shares": ["shares.manage", { body: () => ({ scope: "anyone", expiresInSeconds: 3600 }), ok: [403] }],
  "GET /api/sessions/:sessionId/shares": ["shares.manage", { ok: [403] }],
  "DELETE /api/sessions/:sessionId/shares/:shareId": ["shares.manage", { params: { shareId: "session" }, ok: [403, 404] }],
  "GET /api/sessions/:sessionId/share-access": ["shares.manage", { ok: [403] }],
  "POST /api/sessions/:sessionId/preview-visit": ["runtime.access", { body: () => ({ path: "/" }) }],
  "GET /api/sessions/:sessionId/ports": ["runtime.access", { ok: [409, 502, 503] }],
  "GET /api/me/git-credential": "signed-in",
  "POST /api/me/git-credential": ["signed-in", { body: () => ({ host: "github.com", token: "ghp_example" }) }],
  "DELETE /api/me/git-credential": "signed-in",
  "GET /api/me/dotfiles": "signed-in",
  "POST /api/me/dotfiles": ["signed-in", { body: () => ({ url: "https://example.com/dotfiles.git" }) }],
  "DELETE /api/me/dotfiles": "signed-in",
  "GET /api/sessions/:sessionId/dotfiles": "runtime.access",
  "POST /api/sessions/:sessionId/dotfiles/apply": ["runtime.access", { ok: [400, 409, 502, 503] }],
  "POST /api/sessions/:sessionId/git/clone": [
    "runtime.access",
    { body: () => ({ git: { url: "https://example.com/r.git" } }), ok: [409, 502, 503] },
  ],
  "POST /api/sessions/:sessionId/ports/:port/visit": ["runtime.access", { body: () => ({ path: "/" }), fixed: { port: "4200" } }],
  "GET /runtime/sessions/:sessionId/ports/:port": ["runtime.access", { fixed: { port: "4200" }, ok: [303] }],
  "ALL /runtime/share/:credential": ["public", { fixed: { credential: "bfsh_unknown" } }],
  "ALL /runtime/share/:credential/*": ["public", { fixed: { credential: "bfsh_unknown" } }],
  "POST /api/intent": ["sessions.lifecycle", { body: () => ({ surface: "dashboard" }) }],
  "PATCH /api/sessions/:sessionId": ["sessions.write", { body: () => ({ startOnIntent: true }) }],
  "GET /api/sessions/:sessionId/latency": "sessions.read",

  // exports
  "POST /api/workspaces/current/exports": "export.create",
  "GET /api/workspaces/current/exports": "export.create",
  "GET /api/workspaces/current/exports/:exportId": "export.create",
  "POST /api/admin/workspaces/:workspaceId/exports": "operator",
  "GET /api/admin/workspaces/:workspaceId/exports/:exportId": "operator",
};
