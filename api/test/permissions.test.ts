import { env, exports } from "cloudflare:workers";
import type { ErrorBody } from "@burstflare/sdk/errors";
import { PERMISSIONS } from "@burstflare/sdk/permissions";
import { ROLES, type Role } from "@burstflare/sdk/states";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app";
import { DEPRECATED_PATHS } from "../src/lib/deprecated-paths";
import { type Access, ROUTE_PERMISSIONS, type RouteOptions } from "./helpers/permissions-routes";
import { type ResourceKind, seedWorld, type World } from "./helpers/permissions-world";
import type { TestUser } from "./helpers/users";

/**
 * Runs every route the Worker serves as owner/admin/member/viewer of workspace A, as the
 * owner of workspace B using A's ids, and signed out, and checks the answer against
 * sdk/permissions.ts through the map in ./permissions-routes.ts.
 */

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "ALL"]);

/** Every "METHOD path" registered on the app; `use()` middleware shows up as ALL. */
function discoverRoutes(): string[] {
  const keys = new Set<string>();
  for (const r of buildApp().routes) {
    if (!METHODS.has(r.method)) continue;
    keys.add(`${r.method} ${r.path}`);
  }
  return [...keys].sort();
}

const routes = discoverRoutes();

function entryOf(key: string): { access: Access; opts: RouteOptions } | undefined {
  const e = ROUTE_PERMISSIONS[key];
  if (e === undefined) return undefined;
  return typeof e === "string" ? { access: e as Access, opts: {} } : { access: e[0], opts: e[1] };
}

/** The seeded resource a path parameter stands for, from the path segment before it. */
function kindFor(path: string, param: string, opts: RouteOptions): ResourceKind {
  const explicit = opts.params?.[param];
  if (explicit) return explicit;
  const segments = path.split("/");
  const i = segments.findIndex((s) => s === `:${param}` || s.startsWith(`:${param}{`));
  const before = segments[i - 1] ?? "";
  const inAuth = path.startsWith("/api/auth/");
  const bySegment: Record<string, ResourceKind> = {
    sessions: inAuth ? "signIn" : "session",
    "sign-ins": "signIn",
    templates: "template",
    versions: "version",
    "template-builds": "build",
    builds: "build",
    snapshots: "snapshot",
    secrets: "secret",
    invites: "invite",
    members: "member",
    uploads: "upload",
    workspaces: "workspace",
    "ssh-keys": "sshKey",
    tokens: "apiToken",
    passkeys: "passkey",
    exports: "export",
    "signup-invites": "signupInvite",
  };
  const kind = bySegment[before];
  if (!kind) throw new Error(`cannot tell what :${param} is in ${path}; add params: { ${param}: "<kind>" } to its entry`);
  return kind;
}

/** Fills the path; user-bound resources are `resourcesOf`'s (A's owner's for the cross check). */
async function fillPath(
  w: World,
  path: string,
  opts: RouteOptions,
  resourcesOf: TestUser,
): Promise<{ url: string; kinds: ResourceKind[] }> {
  const kinds: ResourceKind[] = [];
  let url = path;
  for (const m of path.matchAll(/:(\w+)(\{[^}]*\})?/g)) {
    const name = m[1] ?? "";
    const fixed = opts.fixed?.[name];
    if (fixed !== undefined) {
      url = url.replace(m[0], fixed);
      continue;
    }
    const kind = kindFor(path, name, opts);
    kinds.push(kind);
    url = url.replace(m[0], encodeURIComponent(await w.resource(kind, resourcesOf)));
  }
  url = url.replace(/\*$/, opts.wildcard ?? "x");
  return { url: opts.query ? `${url}?${opts.query}` : url, kinds };
}

async function send(method: string, url: string, user: TestUser | null, w: World, opts: RouteOptions): Promise<Response> {
  const headers: Record<string, string> = { ...(user?.headers ?? {}), ...(opts.headers ?? {}) };
  let body: BodyInit | undefined;
  if (opts.raw && method !== "GET") {
    body = await opts.raw(w);
  } else if (opts.body && method !== "GET") {
    headers["content-type"] = "application/json";
    body = JSON.stringify(await opts.body(w));
  }
  const m = method === "ALL" ? "GET" : method;
  return exports.default.fetch(new Request(`http://localhost:8787${url}`, { method: m, headers, body, redirect: "manual" }));
}

async function describeResponse(res: Response): Promise<string> {
  const text = await res.text();
  return `${res.status} ${text.slice(0, 300)}`;
}

async function expectAllowed(label: string, res: Response, ok: number[] = []): Promise<void> {
  const good = (res.status >= 200 && res.status < 300) || ok.includes(res.status);
  if (!good) expect.fail(`${label}: expected 2xx${ok.length ? ` or ${ok.join("/")}` : ""}, got ${await describeResponse(res)}`);
  await res.body?.cancel();
}

async function expectStatus(label: string, res: Response, status: number, code?: string): Promise<void> {
  if (res.status !== status) expect.fail(`${label}: expected ${status}, got ${await describeResponse(res)}`);
  if (code) {
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code, label).toBe(code);
  } else {
    await res.body?.cancel();
  }
}

const ACCESS_KINDS = new Set(["signed-in", "operator", "public", "middleware"]);

describe("permission table", () => {
  // The operator seeding routes exist only where OPERATOR_SEEDING=1; here they are checked like every operator route.
  const mutableEnv = env as unknown as Record<string, string | undefined>;
  beforeAll(() => {
    mutableEnv.OPERATOR_SEEDING = "1";
  });
  afterAll(() => {
    mutableEnv.OPERATOR_SEEDING = undefined;
  });

  it("discovers the app's routes, including every path in the OpenAPI document", async () => {
    const doc = (await (await exports.default.fetch("http://localhost/api/openapi.json")).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const fromDoc = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ":$1")}`),
    );
    expect(fromDoc.length).toBeGreaterThan(10);
    // A deprecated path is no route of its own: routing maps it onto its successor, which must be one.
    const colons = (p: string) => p.replace(/\{(\w+)\}/g, ":$1");
    const successor = new Map(DEPRECATED_PATHS.map((d) => [`${d.method} ${colons(d.old)}`, `${d.method} ${colons(d.current)}`]));
    expect(fromDoc.filter((k) => !routes.includes(k) && !routes.includes(successor.get(k) ?? ""))).toEqual([]);
  });

  it("names only real routes and real actions", () => {
    const stale = Object.keys(ROUTE_PERMISSIONS).filter((k) => !routes.includes(k));
    expect(stale, "entries in api/test/helpers/permissions-routes.ts for routes that no longer exist").toEqual([]);
    for (const [key, e] of Object.entries(ROUTE_PERMISSIONS)) {
      const access = typeof e === "string" ? e : e[0];
      expect(ACCESS_KINDS.has(access) || access in PERMISSIONS, `${key}: unknown access ${access}`).toBe(true);
    }
  });

  for (const key of routes) {
    const [method = "GET", path = "/"] = key.split(" ");
    it(key, async () => {
      const entry = entryOf(key);
      if (!entry) {
        expect.fail(
          `${key} is not in api/test/helpers/permissions-routes.ts: add one line naming its permission (new routes fail until added)`,
        );
      }
      const { access, opts } = entry;
      if (access === "middleware") return;

      const w = await seedWorld();
      const own = await fillPath(w, path, opts, w.a.owner);

      if (access === "public") {
        const res = await send(method, own.url, null, w, opts);
        if (res.status === 401 || res.status === 403 || res.status >= 500) {
          expect.fail(`${key} is public but answered ${await describeResponse(res)}`);
        }
        await res.body?.cancel();
        return;
      }

      await expectStatus(`${key} signed out`, await send(method, own.url, null, w, opts), 401, "unauthorized");

      if (access === "operator") {
        await expectStatus(`${key} as a non-operator owner`, await send(method, own.url, w.a.owner, w, opts), 403, "forbidden");
        await expectAllowed(`${key} as operator`, await send(method, own.url, w.operator, w, opts), opts.ok);
        return;
      }

      const cross = opts.cross ?? own.kinds.some((k) => k !== "workspace");
      if (cross) {
        // B's owner holds every permission in B, so only A's ids can make this fail: 404, never 403.
        const other = await fillPath(w, path, opts, w.a.owner);
        await expectStatus(
          `${key} as another workspace's owner with A's ids`,
          await send(method, other.url, w.other, w, opts),
          404,
          "not_found",
        );
      }

      // Destructive runs get a fresh world each so one role's delete cannot hide another's answer.
      for (const role of ROLES as readonly Role[]) {
        const world = method === "GET" || role === "owner" ? w : await seedWorld();
        const mine = await fillPath(world, path, opts, world.a[role]);
        const res = await send(method, mine.url, world.a[role], world, opts);
        const allowed = access === "signed-in" || (PERMISSIONS[access] as readonly Role[]).includes(role);
        if (allowed) await expectAllowed(`${key} as ${role}`, res, opts.ok);
        else await expectStatus(`${key} as ${role}`, res, 403, "forbidden");
      }
    });
  }
});
