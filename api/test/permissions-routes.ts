import type { Action } from "../../sdk/permissions";
import type { ResourceKind, World } from "./permissions-world";

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
  "DELETE /api/workspaces/current/invites/:id": "invites.manage",
  // A's own members are already in (409); another workspace's user may join with the code.
  "POST /api/workspaces/invites/accept": ["signed-in", { body: (w) => ({ code: w.inviteCode }), ok: [409] }],
  "GET /api/workspaces/current/secrets": "secrets.read",
  "PUT /api/workspaces/current/secrets": ["secrets.write", { body: () => ({ name: "NEW_SECRET", value: "v" }) }],
  "DELETE /api/workspaces/current/secrets/:name": "secrets.write",
  "GET /api/workspaces/current/plan": "plan.read",
  "PUT /api/workspaces/current/plan": ["plan.write", { body: () => ({ plan: "pro" }) }],
  "GET /api/workspaces/current/quota-overrides": "operator",
  "PUT /api/workspaces/current/quota-overrides": ["operator", { body: () => ({ overrides: { templates: 9 } }) }],
  "GET /api/admin/workspaces/:id/quota-overrides": "operator",
  "PUT /api/admin/workspaces/:id/quota-overrides": ["operator", { body: () => ({ overrides: { templates: 9 } }) }],
  "GET /api/audit": ["audit.read", { query: "action=workspace.&limit=10" }],
  "GET /api/usage": ["usage.read", { query: "days=7" }],

  // templates, uploads and builds (the seeded template has sessions, so delete answers 409)
  "GET /api/templates": "templates.read",
  "POST /api/templates": ["templates.write", { body: () => ({ name: `perm-${crypto.randomUUID().slice(0, 8)}` }) }],
  "GET /api/templates/:id": "templates.read",
  "DELETE /api/templates/:id": ["templates.write", { ok: [409] }],
  "POST /api/templates/:id/archive": ["templates.write", { ok: [409] }],
  "POST /api/templates/:id/restore": ["templates.write", { ok: [409] }],
  "POST /api/templates/:id/versions": [
    "templates.write",
    { body: () => ({ version: `v-${crypto.randomUUID().slice(0, 8)}`, manifest: { persistedPaths: ["."] } }) },
  ],
  "GET /api/templates/:id/versions/:versionId": "templates.read",
  "POST /api/templates/:id/versions/:versionId/upload-grant": ["templates.write", { ok: [409] }],
  "POST /api/templates/:id/promote": ["templates.write", { body: (w) => ({ versionId: w.ids.version }), ok: [409] }],
  "POST /api/templates/:id/rollback": ["templates.write", { ok: [409] }],
  // The grant is the owner's: an admin may write templates but not use it (404); the seeded version is already uploaded (410).
  "PUT /api/uploads/:grantId": ["templates.write", { ok: [404, 410] }],
  "GET /api/template-builds": ["builds.read", { query: "status=failed" }],
  "GET /api/template-builds/:id": "builds.read",
  "GET /api/template-builds/:id/log": "builds.read",
  // The seeded build failed, so it has no artifact.
  "GET /api/template-builds/:id/artifact": ["builds.read", { ok: [404] }],
  "POST /api/template-builds/:id/retry": ["builds.write", { ok: [409] }],
  "POST /api/admin/builds/retry-dead-lettered": "operator",

  // snapshots
  "GET /api/sessions/:id/snapshots": "snapshots.read",
  "POST /api/sessions/:id/snapshots": ["snapshots.write", { body: () => ({ label: "perm" }), ok: [409] }],
  "GET /api/sessions/:id/snapshots/:sid": "snapshots.read",
  "POST /api/sessions/:id/snapshots/:sid/restore": ["snapshots.write", { ok: [409] }],
  "DELETE /api/sessions/:id/snapshots/:sid": "snapshots.write",
  "GET /api/sessions/:id/snapshots/:sid/content": "snapshots.read",
};
