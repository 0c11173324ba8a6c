import { env, exports } from "cloudflare:workers";
import { errorBodySchema } from "@burstflare/sdk/schemas/common";
import { createShareResponse } from "@burstflare/sdk/schemas/shares";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signVisitGrant } from "../../src/preview/visit-grants";
import { runningSession } from "../helpers/sessions";
import { call, createTestUser, type TestUser } from "../helpers/users";

/**
 * Generated runtime paths and headers against the real Worker, session DO and a real runtime
 * agent (the workers project's runtime host), as an ordinary member of the session's workspace.
 * Deterministic (fixed seed), so a failure names a request that fails again.
 *
 * What the agent routed on is read back from the agent itself: its 400/404 answers name the
 * path, the file API answers JSON entries, /preview answers its own page. For every request
 * that reaches it, that path must belong to the kind named by the raw URL's own segment.
 */

const SEED = 0x5eed_2026;
const REQUESTS = 2400;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS = ["terminal", "files", "preview", "ssh"];
const OTHER_WORDS = ["exec", "health", "snapshot", "connections", "bundle", "terminals", "Files", "PREVIEW", "tree", "content"];
const SEPARATORS = [
  "/",
  "%2F",
  "%2f",
  "%252F",
  "%25252F",
  "%5C",
  "%5c",
  "%255C",
  "\\",
  "//",
  ";",
  "..;",
  "%3B",
  "%EF%BC%8F",
  "%EF%BC%BC",
  "%E2%88%95",
  "%c0%af",
  "%e0%80%af",
  "%c1%9c",
];
const DOTS = [
  ".",
  "..",
  "%2e",
  "%2E",
  "%2e%2e",
  "%2E%2E",
  ".%2e",
  "%2e.",
  "%252e%252e",
  "%EF%BC%8E%EF%BC%8E",
  "%c0%ae%c0%ae",
  "..%00",
  "...",
  ". .",
];
const NOISE = [
  "%00",
  "%0d%0a",
  "%0A",
  "%09",
  "%7f",
  "%C2%85",
  "%20",
  "%",
  "%zz",
  "%e2%80%ae",
  "%F0%9F%98%80",
  "a",
  "x.html",
  "index",
  "?",
  "#",
  "@",
  ":",
  "&",
  "=",
  "~",
  "$",
  "'",
  "%22%3E%3Cscript%3E",
];
const HEADER_NAMES = [
  "x-bf-agent-path",
  "x-bf-session-id",
  "x-bf-wake",
  "x-agent-token",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-original-url",
  "x-rewrite-url",
  "x-http-method-override",
  "host",
  "origin",
  "cookie",
  "upgrade",
  "connection",
  "x-burstflare-principal",
];
const HEADER_VALUES = [
  "/preview/x",
  "/files/../preview/x",
  "/exec",
  "1",
  "websocket",
  "Upgrade",
  "evil.example",
  "http://localhost:8787",
  "bf_session=x",
  "a".repeat(3000),
  "/terminal%2F..%2Fpreview",
  "..%2F..%2F",
  "\t",
  "",
];

type Pick = <T>(items: readonly T[]) => T;

function generatePiece(random: () => number, pick: Pick): string {
  const r = random();
  if (r < 0.3) return pick([...KINDS, ...OTHER_WORDS]);
  if (r < 0.5) return pick(SEPARATORS);
  if (r < 0.7) return pick(DOTS);
  if (r < 0.95) return pick(NOISE);
  return pick(["a", "%2F", "."]).repeat(1 + Math.floor(random() * 3000));
}

/** The part after a runtime prefix: mostly a real kind first, then a mix of pieces and slashes. */
function generateTail(random: () => number, pick: Pick): string {
  let tail = random() < 0.8 ? pick(KINDS) : generatePiece(random, pick);
  const pieces = Math.floor(random() * 7);
  for (let i = 0; i < pieces; i++) tail += (random() < 0.5 ? "/" : "") + generatePiece(random, pick);
  if (random() < 0.3) tail += `?${pick(["path", "token", "from", "x"])}=${generatePiece(random, pick)}${generatePiece(random, pick)}`;
  return tail;
}

let owner: TestUser;
let member: TestUser;
let sessionId: string;
let sharePath: string;
let grantPrefix: string;

beforeAll(async () => {
  owner = await createTestUser();
  sessionId = await runningSession(owner, "fuzzed");
  member = await createTestUser({ workspaceId: owner.workspaceId, role: "member" });
  const share = await call("POST", `/api/sessions/${sessionId}/shares`, { user: owner, body: { expiresInSeconds: 3600, scope: "anyone" } });
  expect(share.status).toBe(201);
  sharePath = createShareResponse.parse(await share.json()).path;
  const grant = await signVisitGrant(
    env,
    "preview",
    sessionId,
    { userId: member.userId, credential: { kind: "sign_in", id: "as_fuzz" } },
    Date.now() + 3_600_000,
  );
  grantPrefix = `/runtime/preview/${sessionId}.${grant}/`;
}, 120_000);

afterAll(async () => {
  if (sessionId) await call("POST", `/api/sessions/${sessionId}/stop`, { user: owner });
});

/** The path the agent says it routed on, when the response came from the agent; undefined otherwise. */
async function agentSaw(res: Response): Promise<{ path?: string; kind?: string; body: string }> {
  const body = await res.text();
  // The Worker's own 404 names the /runtime/… path it did not route; the agent's names its own.
  const named = /(?:no route for [A-Z]+ |not allowed on )(\/[^"\s]*)/.exec(body);
  if (named && !named[1]?.startsWith("/runtime/")) return { path: named[1], body };
  if (/"entries":\[/.test(body)) return { kind: "files", body };
  if (/runtimeId|"uptime/.test(body)) return { kind: "health", body };
  if (/preview forwards to|has no preview port/.test(body)) return { kind: "preview", body };
  return { body };
}

describe("runtime paths: generated paths and headers", () => {
  it("never answer 500, answer errors as JSON, and never reach an agent path outside the raw kind", async () => {
    const random = rng(SEED);
    const pick: Pick = (items) => items[Math.floor(random() * items.length)] as (typeof items)[number];
    const statuses = new Map<number, number>();
    let reachedAgent = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const entry = random();
      const tail = generateTail(random, pick);
      const path = entry < 0.7 ? `/runtime/sessions/${sessionId}/${tail}` : entry < 0.85 ? `${sharePath}/${tail}` : `${grantPrefix}${tail}`;
      const headers = new Headers(member.headers);
      for (let h = Math.floor(random() * 3); h > 0; h--) headers.set(pick(HEADER_NAMES), pick(HEADER_VALUES));
      const method = pick(["GET", "GET", "GET", "POST", "PUT", "DELETE", "OPTIONS"]);
      let request: Request;
      try {
        request = new Request(`http://localhost:8787${path}`, { method, headers, redirect: "manual" });
      } catch {
        continue;
      }
      const label = `#${i} ${method} ${path.slice(0, 300)} ${JSON.stringify([...headers]).slice(0, 300)}`;
      const res = await exports.default.fetch(request);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.webSocket) {
        res.webSocket.accept();
        res.webSocket.close(1000, "fuzz");
      }
      expect(res.status, label).not.toBe(500);

      // The raw kind: the segment the Worker routes on, as it arrives (after the URL parser alone).
      const routed = new URL(request.url).pathname;
      const rawKind = routed.startsWith(`/runtime/sessions/${sessionId}/`) ? routed.split("/")[4] : "preview";
      const raw = routed.startsWith(`/runtime/sessions/${sessionId}/`)
        ? `/${routed.split("/").slice(4).join("/")}`
        : `/preview/${routed.split("/").slice(4).join("/")}`;
      const saw = await agentSaw(res);
      if (saw.path !== undefined || saw.kind !== undefined) reachedAgent++;
      if (saw.path !== undefined) expect(saw.path, `${label} → agent routed ${saw.path}`).toBe(raw);
      if (saw.kind !== undefined) expect(saw.kind, `${label} → ${saw.body.slice(0, 200)}`).toBe(rawKind);
      if (res.status >= 500) {
        // Only the agent's own page for a preview without a port, or a runtime that is not reachable.
        expect(saw.kind === "preview" || res.status === 503, `${label} → ${res.status} ${saw.body.slice(0, 200)}`).toBe(true);
      } else if (res.status >= 400 && !res.headers.get("content-type")?.includes("text/html")) {
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(saw.body);
        } catch {}
        expect(errorBodySchema.safeParse(parsed).success, `${label} → ${saw.body.slice(0, 200)}`).toBe(true);
      }
      if (res.status >= 300 && res.status < 400) {
        // A redirect on the app's origin stays on the runtime routes (trailing slash, grant, sign-in).
        const location = new URL(res.headers.get("location") ?? "", "http://localhost:8787");
        if (location.origin === "http://localhost:8787") {
          expect(/^\/(runtime|signin)\b/.test(location.pathname), `${label} → ${location}`).toBe(true);
        }
      }
    }
    // The run is only meaningful if it got through to the agent and was refused in both ways.
    expect(reachedAgent, JSON.stringify([...statuses])).toBeGreaterThan(50);
    expect(statuses.get(400) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(200);
  }, 600_000);
});
