import { createShareResponse } from "@burstflare/sdk/schemas/shares";
import { beforeAll, describe, expect, it } from "vitest";
import { api, baseURL, expectOK, until } from "../stack/helpers/api";
import { launchChromium } from "../stack/helpers/chromium";
import { visitPreview } from "../stack/helpers/preview-host";
import { putFile, shell } from "../stack/helpers/snapshot-tree";
import { createSessionWithManifest } from "../stack/helpers/templates";
import { createStackUser, type StackUser } from "../stack/helpers/users";

/**
 * Every preview is framed under the app's site, so a browser keeps one person's visit cookies in
 * one partition. An attacker (another workspace) shares its own preview as an `anyone` link; the
 * victim, who has their own preview open, opens it. The attacker's page knows the victim's
 * preview host as any link of that session shows it, and sends a WebSocket, a form POST and an
 * image there. None of them may reach the victim's dev server as the victim: each visit lives on
 * its own unguessable host, which no other preview can name.
 */

const SECRET = `victim-secret-${Math.random().toString(36).slice(2)}`;

// The victim's dev server: logs every request and greets every WebSocket with a secret.
const VICTIM_APP = `const http = require("node:http");
const crypto = require("node:crypto");
const seen = [];
const server = http.createServer((req, res) => {
  seen.push({ method: req.method, url: req.url });
  if (req.url === "/seen") { res.writeHead(200, { "content-type": "application/json" }); res.end(JSON.stringify(seen)); return; }
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  res.end("<!doctype html><title>victim</title><p id=ok>victim app</p>");
});
server.on("upgrade", (req, socket) => {
  seen.push({ method: "WS", url: req.url });
  const accept = crypto.createHash("sha1").update(req.headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
  socket.write("HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: " + accept + "\\r\\n\\r\\n");
  const body = Buffer.from(process.env.SECRET);
  socket.write(Buffer.concat([Buffer.from([0x81, body.length]), body]));
  socket.on("error", () => {});
});
server.listen(Number(process.env.PORT), "127.0.0.1");
`;

// The attacker's previewed app: aims a WebSocket, a form POST and an image at the victim's host.
const ATTACKER_APP = `const http = require("node:http");
const page = (target) => \`<!doctype html><title>attacker</title><pre id="out">running</pre>
<iframe name="sink" style="display:none"></iframe>
<form id="f" method="post" action="\${target}/from-attacker-form" target="sink"><input name="x" value="1"></form>
<script>
const out = [];
const finish = () => { const el = document.getElementById("out"); el.textContent = out.join("\\\\n"); el.dataset.done = "1"; };
const img = new Image(); img.onload = () => out.push("img:load"); img.onerror = () => out.push("img:error");
img.src = "\${target}/from-attacker-img";
document.getElementById("f").submit();
let ws;
try { ws = new WebSocket("\${target}".replace(/^http/, "ws") + "/from-attacker-ws"); }
catch (e) { out.push("ws-throw:" + e.name); finish(); }
if (ws) {
  ws.onopen = () => out.push("ws:open");
  ws.onmessage = (e) => { out.push("ws:message:" + e.data); };
  ws.onerror = () => out.push("ws:error");
  ws.onclose = () => { out.push("ws:close"); setTimeout(finish, 500); };
  setTimeout(() => { out.push("ws:timeout"); try { ws.close(); } catch {} finish(); }, 8000);
}
</script>\`;
http.createServer((req, res) => {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  res.end(page(process.env.TARGET));
}).listen(Number(process.env.PORT), "127.0.0.1");
`;

async function sessionRunning(user: StackUser, name: string, file: string, source: string, env: string): Promise<string> {
  const session = await createSessionWithManifest(user, { persistedPaths: ["."], previewPort: 3000 }, { name });
  await putFile(user, session.id, file, source);
  await shell(user, session.id, `(${env} nohup node ${file} > app.log 2>&1 &)`);
  return session.id;
}

let victim: StackUser;
let attacker: StackUser;
let victimSession: string;
let attackerLink: string;
let victimHost: string;

const newContext = launchChromium();

beforeAll(async () => {
  victim = await createStackUser();
  attacker = await createStackUser();
  victimSession = await sessionRunning(victim, "victim", "victim.cjs", VICTIM_APP, `SECRET=${SECRET}`);
  // What the attacker can learn about the victim's preview: the host any link of that session shows.
  const victimShare = await api(victim, "POST /api/sessions/{sessionId}/shares", {
    params: { sessionId: victimSession },
    body: { scope: "workspace", expiresInSeconds: 3600 },
  });
  victimHost = new URL(createShareResponse.parse(await expectOK(victimShare, 201)).url).origin;
  const check = await visitPreview(victim, victimSession);
  await until(async () => (await check.get("/seen")).status === 200, "the victim's app inside the session");

  const attackerSession = await sessionRunning(attacker, "attacker", "attacker.cjs", ATTACKER_APP, `TARGET=${victimHost}`);
  const attackerVisit = await visitPreview(attacker, attackerSession);
  await until(async () => (await attackerVisit.get("/")).status === 200, "the attacker's app inside the session");
  const res = await api(attacker, "POST /api/sessions/{sessionId}/shares", {
    params: { sessionId: attackerSession },
    body: { scope: "anyone", expiresInSeconds: 3600 },
  });
  attackerLink = createShareResponse.parse(await expectOK(res, 201)).url;
}, 180_000);

describe("one preview cannot reach another preview's visit", () => {
  it("in Chromium, an attacker's anyone link reaches nothing of the victim's open preview", async () => {
    const context = await newContext();
    const app = new URL(baseURL());
    await context.addCookies([
      { name: "bf_session", value: victim.token, domain: app.hostname, path: "/", httpOnly: true, sameSite: "Lax" as const },
    ]);
    const page = await context.newPage();

    // The victim opens their own preview: the viewer page frames it and the visit cookie is set.
    await page.goto(`${baseURL()}/runtime/sessions/${victimSession}/preview/`);
    await page.frameLocator("[data-testid=preview-shell-frame]").locator("#ok").waitFor({ timeout: 20_000 });
    const visitCookies = (await context.cookies()).filter((c) => c.name === "__Host-bf_preview");
    expect(visitCookies.length).toBeGreaterThan(0);
    // It lives on the visit's own host, not on the session's host the attacker can learn.
    for (const cookie of visitCookies) expect(cookie.domain).not.toBe(new URL(victimHost).hostname);

    // Then the attacker's link, in the same browser.
    const evil = await context.newPage();
    await evil.goto(attackerLink);
    const out = evil.frameLocator("[data-testid=preview-shell-frame]").locator("#out[data-done='1']");
    await out.waitFor({ timeout: 30_000 });
    const report = (await out.textContent()) ?? "";

    // The attacker's page read nothing, and the victim's dev server saw none of its requests.
    expect(report).not.toContain(SECRET);
    expect(report).not.toContain("ws:message");
    expect(report).not.toContain("ws:open");
    const seen = (await (await (await visitPreview(victim, victimSession)).get("/seen")).json()) as { method: string; url: string }[];
    expect(seen.filter((r) => r.url.startsWith("/from-attacker"))).toEqual([]);
    await context.close();
  });
});
