import { ApiError } from "@burstflare/sdk/errors";
import { idSchema } from "@burstflare/sdk/schemas/common";
import type { AppBindings } from "../env";

/**
 * Previews live on their own origin, one host per session: `PREVIEW_ORIGIN` is a wildcard origin
 * such as `https://*.preview.example.com` (production, a wildcard route) or
 * `http://*.localhost:8787` (browsers resolve `*.localhost` to loopback). The app's cookies are
 * host-only, so none of them is ever sent to a preview host, and two sessions' previews never
 * share an origin.
 *
 * Hostnames are case-insensitive and limited to 63 characters a label, while session ids are
 * mixed-case base64url: the label is the id in lowercase base32, which round-trips exactly.
 */

interface PreviewOriginPattern {
  protocol: "http:" | "https:";
  /** The part after `*.`, lowercase: `preview.example.com`, `localhost`. */
  suffix: string;
  /** `:8787`, or "" for the scheme's default port. */
  port: string;
}

const PATTERN = /^(https?):\/\/\*\.([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(\d{1,5}))?\/?$/;
const MAX_LABEL = 63;
const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function parsePreviewOrigin(value: string | undefined): PreviewOriginPattern | null {
  const m = PATTERN.exec((value ?? "").trim().toLowerCase());
  if (!m) return null;
  return { protocol: m[1] === "https" ? "https:" : "http:", suffix: m[2] ?? "", port: m[3] ? `:${m[3]}` : "" };
}

function previewPattern(env: Pick<AppBindings, "PREVIEW_ORIGIN">): PreviewOriginPattern {
  const pattern = parsePreviewOrigin(env.PREVIEW_ORIGIN);
  if (!pattern) throw new ApiError("internal", "PREVIEW_ORIGIN must look like https://*.preview.example.com");
  return pattern;
}

function base32(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function unbase32(text: string): Uint8Array | null {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text) {
    const digit = ALPHABET.indexOf(char);
    if (digit < 0) return null;
    value = ((value << 5) | digit) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

/** The session's DNS label; refused for ids that would not fit one (session ids are far shorter). */
export function sessionLabel(sessionId: string): string {
  const label = base32(encoder.encode(sessionId));
  if (!idSchema.safeParse(sessionId).success || label.length > MAX_LABEL) {
    throw new ApiError("internal", "this session id does not fit a preview hostname");
  }
  return label;
}

/** The session id a label names; null unless it is the one canonical label of a valid id. */
export function sessionIdFromLabel(label: string): string | null {
  if (label.length === 0 || label.length > MAX_LABEL) return null;
  const bytes = unbase32(label);
  if (!bytes) return null;
  let id: string;
  try {
    id = decoder.decode(bytes);
  } catch {
    return null;
  }
  if (!idSchema.safeParse(id).success || base32(encoder.encode(id)) !== label) return null;
  return id;
}

/** Characters of a visit's host suffix: 100 random bits in base32. */
const VISIT_LENGTH = 20;
const VISIT_PATTERN = new RegExp(`^[a-z2-7]{${VISIT_LENGTH}}$`);

/**
 * A fresh, unguessable host suffix for one visit (a grant, or one visitor entering a share link).
 * Every preview is framed under the app's site, so a browser keeps all of one person's visit
 * cookies in one partition and any previewed app can send requests, WebSockets included, to a
 * host it can name. A visit's cookie lives on a host only that visit knows.
 */
export function mintVisit(): string {
  return base32(crypto.getRandomValues(new Uint8Array(13))).slice(0, VISIT_LENGTH);
}

const isVisit = (text: string): boolean => VISIT_PATTERN.test(text);

/**
 * `https://<label>[-<port>][-v<visit>].preview.example.com`: where the session's preview is
 * served. Another port of the session (the ports panel) gets its own origin (base32 has no dash,
 * and a port is digits), so one port's visit cookie or share link never reaches another port.
 * Without a visit it is the session's public host, which only enters visits (share links are
 * handed out there) and serves nothing; a visit's own host adds `-v<visit>` and is where its
 * cookie lives. One DNS label, so the `*.<PREVIEW_DOMAIN>` wildcard certificate still covers it.
 */
export function previewOriginFor(
  env: Pick<AppBindings, "PREVIEW_ORIGIN">,
  sessionId: string,
  appPort: number | null = null,
  visit: string | null = null,
): string {
  const { protocol, suffix, port } = previewPattern(env);
  if (visit !== null && !isVisit(visit)) throw new ApiError("internal", "not a visit");
  const label = `${sessionLabel(sessionId)}${appPort === null ? "" : `-${appPort}`}${visit === null ? "" : `-v${visit}`}`;
  if (label.length > MAX_LABEL) throw new ApiError("internal", "this session id does not fit a preview hostname");
  return `${protocol}//${label}.${suffix}${port}`;
}

interface PreviewHost {
  sessionId: string | null;
  port: number | null;
  /** The visit whose host this is; null on the session's public host. */
  visit: string | null;
}

/** A host label: the session's, optionally `-<port>` (canonical digits only, 1-65535), optionally `-v<visit>`. */
function parseHostLabel(label: string): PreviewHost | null {
  if (label.length > MAX_LABEL) return null;
  const m = new RegExp(`^([a-z2-7]+)(?:-([1-9][0-9]{0,4}))?(?:-v([a-z2-7]{${VISIT_LENGTH}}))?$`).exec(label);
  if (!m) return null;
  const port = m[2] === undefined ? null : Number(m[2]);
  if (port !== null && port > 65535) return null;
  const sessionId = sessionIdFromLabel(m[1] ?? "");
  return sessionId ? { sessionId, port, visit: m[3] ?? null } : null;
}

/**
 * Whether the request's host is a preview host, and for which session (null: a preview host that
 * names no session). The port is not compared: a host is a preview host by its name alone, so the
 * app is never served under a preview hostname whatever port a proxy forwards.
 */
export function previewHostOf(env: Pick<AppBindings, "PREVIEW_ORIGIN" | "APP_ORIGIN">, url: URL): PreviewHost | undefined {
  const pattern = parsePreviewOrigin(env.PREVIEW_ORIGIN);
  if (!pattern) return undefined;
  const host = url.hostname.toLowerCase();
  if (env.APP_ORIGIN && URL.canParse(env.APP_ORIGIN) && new URL(env.APP_ORIGIN).hostname === host) return undefined;
  const tail = `.${pattern.suffix}`;
  if (!host.endsWith(tail)) return undefined;
  const label = host.slice(0, -tail.length);
  // Deeper names (a.b.preview.example.com) are still preview hosts, never the app.
  const parsed = label.includes(".") ? null : parseHostLabel(label);
  return parsed ?? { sessionId: null, port: null, visit: null };
}
