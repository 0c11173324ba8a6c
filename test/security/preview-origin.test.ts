import { beforeAll, describe, expect, it } from "vitest";
import { baseURL, createSession, until } from "../stack/helpers/api";
import { launchChromium } from "../stack/helpers/chromium";
import { get, publicOrigin, VISIT_HOST, visitPreview } from "../stack/helpers/preview-host";
import { putFile, shell } from "../stack/helpers/snapshot-tree";
import { createSessionWithManifest } from "../stack/helpers/templates";
import { createStackUser, type StackUser } from "../stack/helpers/users";

/**
 * Previews are user code. A hostile previewed app, opened by its victim in a real browser, tries
 * to read the victim's app cookies, call /api as the victim, and plant cookies on the app's
 * origin (nameless, Domain=localhost, our own names, from headers and from script). It must get
 * nothing: the preview runs on its own host, which the app's host-only cookies never reach, its
 * Set-Cookie lines are filtered, its scripts run in an opaque origin, and that host answers no
 * app route.
 */

const EVIL_APP = `const http = require("node:http");
const seen = [];
const page = (appURL) => \`<!doctype html><title>evil</title><pre id="out">running</pre><img src="/pixel.png" alt="">
<script>
const out = [];
try { out.push("read:" + document.cookie); } catch (e) { out.push("read-error:" + e.name); }
try { document.cookie = "bf_session=fromscript; domain=localhost; path=/"; document.cookie = "y=2; domain=localhost; path=/"; out.push("write:ok"); }
catch (e) { out.push("write-error:" + e.name); }
fetch("\${appURL}/api/auth/me", { credentials: "include" })
  .then((r) => r.text().then((t) => out.push("me:" + r.status + ":" + t)))
  .catch((e) => out.push("me-error:" + e.name))
  .finally(() => { document.getElementById("out").textContent = out.join("\\\\n"); document.getElementById("out").dataset.done = "1"; });
</script>\`;
http.createServer((req, res) => {
  seen.push({ url: req.url, cookie: req.headers.cookie || "" });
  if (req.url === "/seen") { res.writeHead(200, { "content-type": "application/json" }); res.end(JSON.stringify(seen)); return; }
  res.writeHead(200, {
    "content-type": req.url.startsWith("/pixel") ? "image/png" : "text/html; charset=utf-8",
    "set-cookie": [
      "=bf_session=evil; Path=/",
      "bf_session=evil; Domain=localhost; Path=/",
      "x=1; Domain=localhost; Path=/",
      "bf_csrf=evil; Path=/",
      "__Host-bf_preview=evil; Path=/; Secure",
      "__Secure-z=1; Path=/; Secure",
      "app=1; Path=/",
    ],
  });
  res.end(req.url.startsWith("/pixel") ? "" : page(process.env.APP_URL));
}).listen(Number(process.env.PORT), "127.0.0.1");
`;

let owner: StackUser;
let sessionId: string;
let previewOrigin: string;

async function evilSession(user: StackUser): Promise<string> {
  const session = await createSessionWithManifest(user, { persistedPaths: ["."], previewPort: 3000 }, { name: "evil-preview" });
  await putFile(user, session.id, "evil.cjs", EVIL_APP);
  await shell(user, session.id, `(APP_URL=${baseURL()} nohup node evil.cjs > evil.log 2>&1 &)`);
  const visit = await visitPreview(user, session.id);
  await until(async () => (await visit.get("/seen")).status === 200, "the evil app inside the session");
  previewOrigin = visit.origin;
  return session.id;
}

const newContext = launchChromium();

beforeAll(async () => {
  owner = await createStackUser();
  sessionId = await evilSession(owner);
}, 120_000);

describe("a previewed app cannot reach the app's cookies or origin", () => {
  it("is served on its own host in Chromium: the victim's cookies stay unseen and unchanged, nothing is planted", async () => {
    const context = await newContext();
    const app = new URL(baseURL());
    const victimCookies = [
      { name: "bf_session", value: owner.token, domain: app.hostname, path: "/", httpOnly: true, sameSite: "Lax" as const },
      { name: "bf_csrf", value: "victim-csrf", domain: app.hostname, path: "/", sameSite: "Lax" as const },
    ];
    await context.addCookies(victimCookies);
    const before = await context.cookies(baseURL());
    const page = await context.newPage();

    // The victim opens the preview as the workbench's "open in new tab" does: the owner route. The
    // tab shows the app's viewer page; the app itself runs in a frame on the preview host.
    await page.goto(`${baseURL()}/runtime/sessions/${sessionId}/preview/`);
    expect(new URL(page.url()).origin).toBe(baseURL());
    await page.locator("[data-testid=preview-shell-frame]").waitFor();
    // Each visit gets a host of its own under the session's label (another one than the helper's).
    const appFrame = await until(
      () => page.frames().find((f) => f.url().startsWith("http") && publicOrigin(f.url()) === publicOrigin(previewOrigin)),
      "the preview frame",
    );
    const frameOrigin = new URL(appFrame.url()).origin;
    expect(new URL(frameOrigin).hostname).toMatch(VISIT_HOST);
    expect(frameOrigin).not.toBe(previewOrigin);
    expect(new URL(appFrame.url()).pathname).toBe("/");
    expect(new URL(previewOrigin).hostname).not.toBe(app.hostname);
    const frame = page.frameLocator("[data-testid=preview-shell-frame]");
    const out = frame.locator("#out[data-done='1']");
    await out.waitFor({ timeout: 20_000 });
    const report = (await out.textContent()) ?? "";

    // Its script runs in an opaque origin: no cookie read, no cookie write, no credentialed /api call.
    expect(report).toContain("read-error:SecurityError");
    expect(report).toContain("write-error:SecurityError");
    expect(report).not.toContain(owner.email);
    expect(report).not.toContain(owner.token);
    expect(report).not.toMatch(/me:200/);

    // The app origin's jar is exactly what it was: nothing planted by headers or script.
    expect(await context.cookies(baseURL())).toEqual(before);
    const all = await context.cookies();
    for (const cookie of all.filter((c) => c.domain.replace(/^\./, "") === app.hostname)) {
      expect(victimCookies.map((c) => c.name)).toContain(cookie.name);
    }
    expect(all.some((c) => c.value === "evil" || c.value === "fromscript")).toBe(false);
    // The preview host holds our visit cookie, host-only, and the app could not replace it.
    const visitCookie = (await context.cookies(frameOrigin)).find((c) => c.name === "__Host-bf_preview");
    expect(visitCookie?.domain).toBe(new URL(frameOrigin).hostname);
    expect((await context.cookies(publicOrigin(frameOrigin))).filter((c) => c.name.startsWith("__Host-bf_"))).toEqual([]);
    expect(visitCookie?.value).toMatch(/^v2\./);

    // What the app's server saw over the whole visit: never the victim's app cookies or our grant.
    const seen = (await (await (await visitPreview(owner, sessionId)).get("/seen")).json()) as { url: string; cookie: string }[];
    expect(seen.some((r) => r.url === "/pixel.png")).toBe(true);
    for (const r of seen) {
      expect(r.cookie).not.toContain(owner.token);
      expect(r.cookie).not.toContain("victim-csrf");
      expect(r.cookie).not.toMatch(/bf_/);
    }
    await context.close();
  });

  it("answers the app's routes nowhere on the preview host, and no preview content on the app host", async () => {
    const appCookie = { cookie: `bf_session=${owner.token}; bf_csrf=c` };
    const navigate = { accept: "text/html", "sec-fetch-mode": "navigate" };
    for (const path of [
      "/api/auth/me",
      "/api/health",
      `/api/sessions/${sessionId}`,
      `/runtime/sessions/${sessionId}/files/tree?path=.`,
      "/runtime/share/bfsh_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/",
      "/__burstflare/anything",
    ]) {
      const res = await get(`${previewOrigin}${path}`, { ...owner.headers, ...appCookie });
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain(owner.email);
    }
    // The SPA is not served there either: a page without a visit goes to the app for a grant.
    const spa = await get(`${previewOrigin}/`, { ...appCookie, ...navigate });
    expect(spa.status).toBe(303);
    expect(spa.headers.get("location")).toBe(`${baseURL()}/runtime/sessions/${sessionId}/preview/`);
    expect(await (await get(`${previewOrigin}/index.html`, appCookie)).text()).not.toContain('<div id="root"');
    // Another session's host is no way in with this session's grant.
    const visit = await visitPreview(owner, sessionId);
    // Whatever the browser would make of them, the app's cookie-planting lines never leave the Worker.
    expect((await visit.get("/")).headers.getSetCookie()).toEqual(["app=1; Path=/"]);
    const grant = new URL(visit.enterURL).searchParams.get("grant") ?? "";
    const other = await createSession(owner, { name: "other", start: false });
    const otherOrigin = (await visitPreview(owner, other.id)).origin;
    expect(otherOrigin).not.toBe(previewOrigin);
    expect((await get(`${otherOrigin}/`, { cookie: `__Host-bf_preview=${grant}` })).status).toBe(404);
    expect((await get(`${otherOrigin}/__burstflare/enter?grant=${encodeURIComponent(grant)}&to=/`)).status).toBe(401);

    // The app host answers no preview content: the owner route only redirects, old grant paths serve nothing.
    const ownerRoute = await get(`/runtime/sessions/${sessionId}/preview/page?x=1`, owner.headers);
    expect(ownerRoute.status).toBe(303);
    expect(publicOrigin(ownerRoute.headers.get("location") ?? "")).toBe(publicOrigin(previewOrigin));
    expect(new URL(ownerRoute.headers.get("location") ?? "").hostname).toMatch(VISIT_HOST);
    expect((await get(`/runtime/preview/${sessionId}.${grant}/page`)).status).toBe(404);
    expect((await get(`/runtime/preview/${sessionId}.${grant}/page`, owner.headers)).status).toBe(404);
  });
});
