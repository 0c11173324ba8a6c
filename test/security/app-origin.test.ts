import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "@playwright/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseURL, until } from "../stack/helpers/api";
import { launchChromium } from "../stack/helpers/chromium";
import { putFile, shell } from "../stack/helpers/snapshot-tree";
import { createSessionWithManifest } from "../stack/helpers/templates";
import { createStackUser, type StackUser } from "../stack/helpers/users";

/**
 * The app's own pages carry a Content-Security-Policy that runs only our bundle and lets no page
 * frame the app (sdk/app-headers.ts). Before, the SPA had no policy at all: any origin could frame
 * `/device?code=…` (the CLI approval) or a delete button, and one escaping slip anywhere names,
 * file names or logs are shown would have run as the app. Checked in real Chromium, together with
 * the proof that the workbench (terminal WebSocket, Monaco and its workers, the preview frame on
 * its own host) still works under the policy with no violation reported.
 */

/** A file name and content another member (or the session's code) controls. */
const HOSTILE_NAME = `<img src=x onerror="window.__pwned=1">.txt`;
const PREVIEW_APP = `require("node:http").createServer((q, s) => { s.writeHead(200, { "content-type": "text/html" }); s.end("<p id=ok>preview-under-csp</p>"); }).listen(Number(process.env.PORT), "127.0.0.1");`;

/** Files a browser would run as pages if the app origin served them as such. */
const PAGE_FILES = ["page.html", "image.svg", "page.xhtml"];
const PAGE_BODY = `<svg xmlns="http://www.w3.org/2000/svg"><script>document.title="ran"</script></svg><html><script>document.title="ran"</script></html>`;

let owner: StackUser;
let sessionId: string;
let attacker: http.Server;
let attackerPort: number;
const newContext = launchChromium();

beforeAll(async () => {
  owner = await createStackUser();
  const session = await createSessionWithManifest(owner, { persistedPaths: ["."], previewPort: 3000 }, { name: "csp-bench" });
  sessionId = session.id;
  await putFile(owner, sessionId, HOSTILE_NAME, `</script><script>window.__pwned=2</script>`);
  await putFile(owner, sessionId, "serve.cjs", PREVIEW_APP);
  for (const page of PAGE_FILES) await putFile(owner, sessionId, page, PAGE_BODY);
  await shell(owner, sessionId, "(nohup node serve.cjs > serve.log 2>&1 &)");
  // A page of another site (as far as the browser knows) that frames the app's CLI approval page.
  attacker = http
    .createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<!doctype html><h1>win a prize</h1><iframe id="victim" src="${baseURL()}/device?code=BCDF-GHJK"></iframe>`);
    })
    .listen(0, "127.0.0.1");
  await new Promise((r) => attacker.once("listening", r));
  attackerPort = (attacker.address() as AddressInfo).port;
}, 180_000);

afterAll(() => attacker?.close());

async function signedInPage(): Promise<Page> {
  const context = await newContext();
  const host = new URL(baseURL()).hostname;
  await context.addCookies([
    { name: "bf_session", value: owner.token, domain: host, path: "/", httpOnly: true, sameSite: "Lax" },
    { name: "bf_csrf", value: "csp-test-csrf", domain: host, path: "/", sameSite: "Lax" },
  ]);
  const page = await context.newPage();
  // Every violation of the app's policy, reported by the browser itself.
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: string[] };
    w.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      w.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`),
    );
  });
  return page;
}

const violations = (page: Page) => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);

describe("the app origin's pages", () => {
  it("carry a script-only-from-self policy, refuse framing and sniffing, on the SPA's index and deep links", async () => {
    for (const path of ["/", "/sessions/ses_x/workbench", "/device?code=BCDF-GHJK"]) {
      const res = await fetch(`${baseURL()}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/html");
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toMatch(/(^|; )script-src 'self'( [^;']+)*(;|$)/);
      expect(csp).not.toContain("unsafe-inline'; script");
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("cannot be framed by another page: the CLI approval page never renders inside it", async () => {
    const page = await signedInPage();
    await page.goto(`http://evil.localhost:${attackerPort}/`);
    const frame = await until(() => page.frames().find((f) => f !== page.mainFrame()), "the attacker's frame");
    // Chromium replaces a refused frame with its error page: no app, no Approve button, ever.
    await until(() => frame.url().startsWith("chrome-error:"), "the frame refused", 15_000);
    expect(await frame.locator("#root").count()).toBe(0);
    await page.context().close();
  });

  it("serves a workspace's .html and .svg opened in a tab as a download, never as a page on the app origin", async () => {
    const page = await signedInPage();
    for (const file of PAGE_FILES) {
      const url = `${baseURL()}/runtime/sessions/${sessionId}/files/content?path=${encodeURIComponent(file)}`;
      const download = page.waitForEvent("download");
      await expect(page.goto(url)).rejects.toThrow(/Download is starting/);
      expect((await download).url()).toBe(url);
      expect(await page.title()).not.toBe("ran");
    }
    await page.context().close();
  });

  it("runs no injected inline script, and the workbench works under the policy with no violation", async () => {
    const page = await signedInPage();
    await page.goto(`${baseURL()}/sessions/${sessionId}/workbench`);
    await expect.poll(() => page.getByTestId("connection-status").textContent(), { timeout: 90_000 }).toBe("connected");

    // Monaco (and its web workers) opens the hostile file; its name and content stay text.
    const tree = page.getByTestId("file-tree");
    await tree.getByText(HOSTILE_NAME).click();
    await page.locator(".monaco-editor .view-lines").getByText("window.__pwned=2").waitFor();
    // The preview frame loads from its own host (frame-src allows the preview origin).
    const preview = page.frameLocator('[data-testid="preview-frame"]');
    await until(
      async () => {
        if ((await preview.locator("#ok").count()) > 0) return true;
        await page.getByTestId("preview-reload").click();
        return false;
      },
      "the preview under the policy",
      60_000,
    );
    expect(await violations(page)).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    // What an escaping slip would add: a script element with inline code. The policy refuses it
    // (eval is refused by the header checked above; DevTools' own evaluation is exempt, so not tried here).
    const ran = await page.evaluate(() => {
      const s = document.createElement("script");
      s.textContent = "window.__inline = 1";
      document.head.append(s);
      return (window as unknown as { __inline?: number }).__inline ?? null;
    });
    expect(ran).toBeNull();
    await until(async () => (await violations(page)).some((v) => v.startsWith("script-src")), "the refusal reported");
    await page.context().close();
  });
});
