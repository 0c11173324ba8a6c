import dns from "node:dns";
import { baseURL } from "./api";
import { openWSAt } from "./preview-server";
import type { StackUser } from "./users";

/**
 * Previews are served on `<label>.localhost:<port>`. Browsers resolve every `*.localhost` name to
 * loopback; Node's resolver does not, so this process resolves them the way a browser would.
 */
const originalLookup = dns.lookup;
if (!(dns.lookup as { bfLocalhost?: boolean }).bfLocalhost) {
  const lookup = function (this: unknown, hostname: string, ...rest: unknown[]) {
    const name = /\.localhost\.?$/i.test(hostname) ? "localhost" : hostname;
    return (originalLookup as (...args: unknown[]) => unknown).call(this, name, ...rest);
  };
  Object.assign(lookup, { bfLocalhost: true });
  dns.lookup = lookup as typeof dns.lookup;
}

/** A visit's own host: `<label>[-<port>]-v<visit>.localhost`, minted per grant and per share entry. */
export const VISIT_HOST = /^[a-z2-7]+(?:-[1-9][0-9]{0,4})?-v[a-z2-7]{20}\.localhost$/;

/** The session's public host (where share links are handed out) of a visit's origin or URL. */
export const publicOrigin = (url: string): string => new URL(url).origin.replace(/-v[a-z2-7]{20}(?=\.)/, "");

export const PREVIEW_GRANT_COOKIE = "__Host-bf_preview";
export const SHARE_VISIT_COOKIE = "__Host-bf_share";

/** The `name=value` of a Set-Cookie line named `name`, or null. */
export function setCookieValue(res: Response, name: string): string | null {
  const line = res.headers.getSetCookie().find((l) => l.startsWith(`${name}=`));
  return line ? (line.split(";")[0] ?? null) : null;
}

export const get = (url: string, headers: Record<string, string> = {}, method = "GET") =>
  fetch(url.startsWith("http") ? url : `${baseURL()}${url}`, { method, headers, redirect: "manual" });

export interface PreviewVisit {
  /** `http://<label>[-<port>]-v<visit>.localhost:<port>`: this visit's own host. */
  origin: string;
  /** The `__Host-bf_preview=<grant>` pair to send back. */
  cookie: string;
  /** The grant URL the owner route answered with. */
  enterURL: string;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  ws(path: string, headers?: Record<string, string>): Promise<{ status: number; message: string | null }>;
}

/**
 * What a browser does when a member opens the preview: the owner route (their credential)
 * answers with the preview host's grant URL, which is traded for the visit cookie.
 */
export async function visitPreview(user: StackUser | Record<string, string>, sessionId: string, path = "/"): Promise<PreviewVisit> {
  const headers = "headers" in user && typeof user.headers === "object" ? (user as StackUser).headers : (user as Record<string, string>);
  const owner = await get(`/runtime/sessions/${sessionId}/preview${path}`, headers);
  if (owner.status !== 303) throw new Error(`owner route answered ${owner.status}: ${await owner.text()}`);
  const enterURL = owner.headers.get("location") ?? "";
  const enter = await get(enterURL);
  const cookie = setCookieValue(enter, PREVIEW_GRANT_COOKIE);
  if (enter.status !== 303 || !cookie) throw new Error(`the grant URL answered ${enter.status} without the visit cookie`);
  const origin = new URL(enterURL).origin;
  return visitOn(origin, cookie, enterURL);
}

export function visitOn(origin: string, cookie: string, enterURL = ""): PreviewVisit {
  return {
    origin,
    cookie,
    enterURL,
    get: (path, headers = {}) => get(`${origin}${path}`, { cookie, ...headers }),
    ws: (path, headers = {}) => openWSAt(`${origin.replace(/^http/, "ws")}${path}`, { cookie, ...headers }),
  };
}

/**
 * A share link opened as a browser would: the app-origin link checks who may open it (the
 * headers are the visitor's credential, if any) and moves to the preview host, whose entry trades
 * the link for the visit cookie. Returns the visit, or the refusal the app origin answered with.
 */
export async function visitShare(path: string, headers: Record<string, string> = {}): Promise<PreviewVisit | Response> {
  const res = await get(path, headers);
  if (res.status !== 303) return res;
  const enterURL = res.headers.get("location") ?? "";
  const enter = await get(enterURL);
  const cookie = setCookieValue(enter, SHARE_VISIT_COOKIE);
  if (enter.status !== 303 || !cookie) throw new Error(`the share entry answered ${enter.status} without the visit cookie`);
  return visitOn(new URL(enterURL).origin, cookie, enterURL);
}

export async function mustVisitShare(path: string, headers: Record<string, string> = {}): Promise<PreviewVisit> {
  const visit = await visitShare(path, headers);
  if (visit instanceof Response) throw new Error(`the share link answered ${visit.status}: ${await visit.text()}`);
  return visit;
}
