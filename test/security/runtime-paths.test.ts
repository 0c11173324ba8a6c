import http from "node:http";
import { createShareResponse } from "@burstflare/sdk/schemas/shares";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, baseURL, expectOK, runtimeApi } from "../stack/helpers/api";
import { type PreviewVisit, visitPreview } from "../stack/helpers/preview-host";
import { sessionWithPreviewServer } from "../stack/helpers/preview-server";
import { TerminalClient } from "../stack/helpers/terminal";
import { createStackUser, type StackUser } from "../stack/helpers/users";

/**
 * An ordinary member of a workspace tries to reach one runtime route through another: encoded
 * and double-encoded slashes and backslashes, dot segments hidden from the URL parser, path
 * parameters, look-alike and overlong characters, control characters. The session's previewed app
 * (user code: here a page announcing "Shared preview <path>") must never be served on the app's
 * origin, and no such path may reach any runtime route: every one is a 400 with the JSON error.
 *
 * Requests go out with the request target exactly as written (node:http does not normalise it);
 * fetch() would resolve dot segments before sending.
 */

const KINDS = ["terminal", "files", "preview", "ssh"] as const;
const PREVIEW_PAGE = "Shared preview";

/** From kind `k` towards kind `t`, one way each; none may be routed. */
const ENCODINGS: Record<string, (k: string, t: string) => string> = {
  "%2F": (k, t) => `${k}%2F..%2F${t}%2Fx`,
  "%2f": (k, t) => `${k}%2f..%2f${t}%2fx`,
  "%252F": (k, t) => `${k}%252F..%252F${t}%252Fx`,
  "%25252F": (k, t) => `${k}%25252F..%25252F${t}`,
  "%5C": (k, t) => `${k}%5C..%5C${t}%5Cx`,
  "%5c": (k, t) => `${k}%5c..%5c${t}`,
  "..%2F": (k, t) => `${k}/..%2F${t}%2Fx`,
  "%2e%2e%2f": (k, t) => `${k}/x/%2e%2e%2f%2e%2e%2f${t}`,
  "%2E%2E%2F": (k, t) => `${k}/%2E%2E%2F${t}`,
  "%252e%252e": (k, t) => `${k}/%252e%252e/${t}`,
  ".%2e": (k, t) => `${k}/.%2e%2f${t}`,
  ";": (k, t) => `${k};/..;/${t}`,
  "..;": (k, t) => `${k}/..;/${t}`,
  "fullwidth solidus": (k, t) => `${k}%EF%BC%8F..%EF%BC%8F${t}`,
  "fullwidth dots": (k, t) => `${k}/%EF%BC%8E%EF%BC%8E/${t}`,
  "overlong %c0%af": (k, t) => `${k}%c0%af..%c0%af${t}`,
  "overlong dots": (k, t) => `${k}/%c0%ae%c0%ae/${t}`,
  "NUL %00": (k, t) => `${k}%00/${t}`,
  "CR/LF %0d%0a": (k, t) => `${k}%0d%0aX-Injected:%201/${t}`,
  "empty segment": (k, t) => `${k}//${t}`,
  "long segment": (k, t) => `${k}/${"a".repeat(5000)}/${t}`,
};

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request with the target as written; `upgrade` asks for a WebSocket (101 is reported, then closed). */
function raw(target: string, headers: Record<string, string>, opts: { upgrade?: boolean; origin?: string } = {}): Promise<RawResponse> {
  const base = new URL(opts.origin ?? baseURL());
  const all: Record<string, string> = { host: base.host, ...headers };
  if (opts.upgrade) {
    Object.assign(all, {
      connection: "Upgrade",
      upgrade: "websocket",
      "sec-websocket-version": "13",
      "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
    });
  }
  return new Promise((resolve, reject) => {
    // *.localhost names are loopback, as browsers resolve them.
    const req = http.request({ host: "localhost", port: base.port, method: "GET", path: target, headers: all });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: "" });
    });
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

function expectRefused(res: RawResponse, label: string): void {
  expect(res.body, label).not.toContain(PREVIEW_PAGE);
  expect(res.status, `${label} → ${res.body.slice(0, 200)}`).toBe(400);
  expect(res.headers["content-type"], label).toMatch(/^application\/json/);
  expect(JSON.parse(res.body).error.code, label).toBe("bad_request");
}

let owner: StackUser;
let member: StackUser;
let sessionId: string;
let sharePath: string;
let visiting: Promise<PreviewVisit> | null = null;
/** The member's visit to the preview's own host, opened once. */
const previewVisit = () => {
  visiting ??= visitPreview(member, sessionId);
  return visiting;
};

beforeAll(async () => {
  owner = await createStackUser();
  member = await createStackUser({ workspaceId: owner.workspaceId, role: "member" });
  sessionId = await sessionWithPreviewServer(owner, "paths");
  const share = createShareResponse.parse(
    await expectOK(
      await api(owner, "POST /api/sessions/{sessionId}/shares", {
        params: { sessionId },
        body: { expiresInSeconds: 3600, scope: "anyone" },
      }),
      201,
    ),
  );
  sharePath = share.path.replace(/\/$/, "");
}, 180_000);

afterAll(async () => {
  if (sessionId) await api(owner, "POST /api/sessions/{sessionId}/stop", { params: { sessionId } });
});

describe("runtime routes are chosen on the raw path", () => {
  it("refuses the reported attack: files%2F..%2Fpreview%2Fx never serves the previewed app on the app's origin", async () => {
    for (const headers of [member.headers, owner.headers]) {
      const res = await raw(`/runtime/sessions/${sessionId}/files%2F..%2Fpreview%2Fx`, headers);
      expectRefused(res, "files%2F..%2Fpreview%2Fx");
    }
  });

  it("refuses every encoding from every kind towards every other kind, as HTTP and as WebSocket upgrades", async () => {
    let checked = 0;
    for (const [name, encode] of Object.entries(ENCODINGS)) {
      for (const from of KINDS) {
        for (const to of KINDS.filter((k) => k !== from)) {
          const target = `/runtime/sessions/${sessionId}/${encode(from, to)}`;
          for (const upgrade of [false, true]) {
            expectRefused(await raw(target, member.headers, { upgrade }), `${name} ${from}→${to}${upgrade ? " (upgrade)" : ""}`);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(Object.keys(ENCODINGS).length * 4 * 3 * 2);
  });

  it("refuses the same paths on share links and on preview grant paths, before any link or grant is looked at", async () => {
    const grantLike = `/runtime/preview/${sessionId}.v1.${member.userId}.zzzzzz.AAAAAAAAAAAAAAAAAAAAAA`;
    for (const [name, encode] of Object.entries(ENCODINGS)) {
      for (const to of ["terminal", "files", "ssh", `..%2F..%2Fsessions%2F${sessionId}%2Fterminal`]) {
        expectRefused(await raw(`${sharePath}/${encode("a", to)}`, {}), `share ${name} → ${to}`);
        expectRefused(await raw(`${sharePath}/${encode("a", to)}`, {}, { upgrade: true }), `share ${name} → ${to} (upgrade)`);
        expectRefused(await raw(`${grantLike}/${encode("a", to)}`, {}), `grant ${name} → ${to}`);
      }
    }
  });

  it("refuses them on the preview's own host too: the app's paths never reach another agent route", async () => {
    const visit = await previewVisit();
    for (const [name, encode] of Object.entries(ENCODINGS)) {
      for (const to of ["terminal", "files/tree", "exec", "health"]) {
        const res = await raw(`/${encode("a", to)}`, { cookie: visit.cookie }, { origin: visit.origin });
        expect(res.body, `preview host ${name}`).not.toContain(PREVIEW_PAGE);
        expect(res.status, `preview host ${name} → ${to}: ${res.body.slice(0, 200)}`).toBe(400);
      }
    }
  });

  it("treats dot segments the URL parser resolves as the route they resolve to, never as a page on the app's origin", async () => {
    // Browsers, Cloudflare's edge and workerd resolve these before any Worker code runs: they can
    // only name the resolved route, which then applies its own checks.
    const cases: [string, string][] = [
      ["files/../preview/x", "preview/x"],
      ["files/%2e%2e/preview/x", "preview/x"],
      ["files/.%2E/preview/x", "preview/x"],
      ["files\\..\\preview\\x", "preview/x"],
      ["terminal/./preview/x", "terminal/preview/x"],
      ["ssh/../files/tree?path=", "files/tree?path="],
    ];
    for (const [tail, resolved] of cases) {
      const res = await raw(`/runtime/sessions/${sessionId}/${tail}`, member.headers);
      const direct = await raw(`/runtime/sessions/${sessionId}/${resolved}`, member.headers);
      expect(res.body, tail).not.toContain(PREVIEW_PAGE);
      expect(res.status, tail).toBe(direct.status);
      // A grant in a redirect, and the visit's host it is bound to, are fresh on every answer; the
      // rest of it must be the same.
      const withoutGrant = (location?: string) => location?.replace(/grant=[^&]+/, "grant=").replace(/-v[a-z2-7]{20}(?=\.)/, "-v");
      expect(withoutGrant(res.headers.location), tail).toBe(withoutGrant(direct.headers.location));
      if (res.status === 200) expect(res.headers["content-type"], tail).toMatch(/^application\/json/);
    }
  });
});

describe("legitimate runtime paths still work for a member", () => {
  it("opens the terminal, uses the file API with downloads that cannot render, and previews through the grant", async () => {
    // Its own terminal: another member's terminals are private to them.
    const term = await TerminalClient.open(sessionId, member.headers, "?terminal=paths-member");
    term.send("echo PATHS-$((20+22))\r");
    await term.waitFor("PATHS-42");
    await term.close();

    const write = await fetch(`${baseURL()}/runtime/sessions/${sessionId}/files/content?path=${encodeURIComponent("notes/a b.html")}`, {
      method: "PUT",
      headers: member.headers,
      body: "<script>alert(document.domain)</script>",
    });
    expect(write.status, await write.clone().text()).toBe(200);
    const tree = await runtimeApi(member, "GET", sessionId, "files/tree", { query: { path: "notes" } });
    expect(((await expectOK(tree)) as { entries: { name: string }[] }).entries.map((e) => e.name)).toContain("a b.html");
    const read = await runtimeApi(member, "GET", sessionId, "files/content", { query: { path: "notes/a b.html" } });
    expect(read.status).toBe(200);
    expect(await read.text()).toBe("<script>alert(document.domain)</script>");
    expect(read.headers.get("content-type")).toBe("application/octet-stream");
    expect(read.headers.get("content-disposition")).toBe("attachment");
    expect(read.headers.get("x-content-type-options")).toBe("nosniff");
    expect(read.headers.get("content-security-policy")).toContain("sandbox");

    const visit = await previewVisit();
    const page = await visit.get("/deep/page.html?x=1&y=%2F..%2F");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`${PREVIEW_PAGE} /deep/page.html?x=1&y=%2F..%2F`);
    const ws = await visit.ws("/hmr");
    expect(ws).toEqual({ status: 101, message: "hello /hmr" });
  });
});
