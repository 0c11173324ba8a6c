import { ApiError } from "@burstflare/sdk/errors";
import type { DeviceRequestView } from "@burstflare/sdk/schemas/auth";
import type { AppBindings } from "../env";
import { randomToken, sha256Hex } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { now } from "../lib/time";
import { insertDeviceMarker } from "./challenges-repo";

/**
 * OAuth-style device authorization (RFC 8628) with state in KV. The device code
 * is a bearer secret, so KV keys use its hash; the user code is short, typed by
 * a person, and maps back to the device record.
 */
export const DEVICE_CODE_TTL_SECONDS = 600;
const DEVICE_POLL_INTERVAL_SECONDS = 5;
/** RFC 8628 §3.5: each slow_down adds 5 seconds to the interval. */
const SLOW_DOWN_STEP = 5;
/** Records outlive their expiry a little so a late poll hears expired_token rather than a generic error. */
const KV_GRACE_SECONDS = 300;

/** No vowels or look-alikes: no words, no 0/O or 1/I confusion. */
const USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";

interface DeviceRecord {
  userCode: string;
  status: "pending" | "approved" | "denied";
  createdAt: number;
  expiresAt: number;
  interval: number;
  lastPollAt: number | null;
  userId: string | null;
  workspaceId: string | null;
  userAgent: string | null;
  /** The address that started it, shown to the approver (absent in records made before). */
  ip?: string | null;
}

const deviceKey = async (deviceCode: string) => `device:dc:${await sha256Hex(`device:${deviceCode}`)}`;
const userKey = (userCode: string) => `device:uc:${userCode}`;

export const formatUserCode = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;

function newUserCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return [...bytes].map((b) => USER_CODE_ALPHABET[b % USER_CODE_ALPHABET.length]).join("");
}

async function put(env: AppBindings, key: string, record: DeviceRecord | string, expiresAt: number): Promise<void> {
  const ttl = Math.max(60, Math.ceil((expiresAt - now()) / 1000) + KV_GRACE_SECONDS);
  await env.KV.put(key, typeof record === "string" ? record : JSON.stringify(record), { expirationTtl: ttl });
}

export async function startDeviceAuthorization(
  env: AppBindings,
  client: { userAgent: string | null; ip: string | null },
): Promise<{ deviceCode: string; record: DeviceRecord }> {
  const deviceCode = randomToken(32);
  const t = now();
  let userCode = newUserCode();
  // 20^8 codes; a collision with a live code is unlikely but must not hijack someone's login.
  for (let i = 0; i < 3 && (await env.KV.get(userKey(userCode))); i++) userCode = newUserCode();
  const record: DeviceRecord = {
    userCode,
    status: "pending",
    createdAt: t,
    expiresAt: t + DEVICE_CODE_TTL_SECONDS * 1000,
    interval: DEVICE_POLL_INTERVAL_SECONDS,
    lastPollAt: null,
    userId: null,
    workspaceId: null,
    userAgent: client.userAgent?.slice(0, 200) ?? null,
    ip: client.ip?.slice(0, 64) ?? null,
  };
  const dk = await deviceKey(deviceCode);
  await put(env, dk, record, record.expiresAt);
  await put(env, userKey(userCode), dk, record.expiresAt);
  return { deviceCode, record };
}

/** Looks a user code up for the approval page; 404 when unknown or expired. */
async function findByUserCode(env: AppBindings, userCode: string): Promise<{ key: string; record: DeviceRecord }> {
  const key = await env.KV.get(userKey(userCode));
  const raw = key ? await env.KV.get(key) : null;
  const record = raw ? (JSON.parse(raw) as DeviceRecord) : null;
  if (!key || !record || record.expiresAt <= now())
    throw new ApiError("not_found", "this code is unknown or has expired; run `flare auth login` again");
  return { key, record };
}

/**
 * What the approval page shows before anyone approves: when and from where the sign-in was asked
 * for. A link to /device?code=… can come from anyone (device-code phishing); a request made from
 * another machine or long before the person ran `flare auth login` is the tell.
 */
export async function describeDeviceRequest(env: AppBindings, userCode: string): Promise<DeviceRequestView> {
  const { record } = await findByUserCode(env, userCode);
  if (record.status !== "pending") throw new ApiError("invalid_state", `this code was already ${record.status}`);
  return { requestedAt: new Date(record.createdAt).toISOString(), userAgent: record.userAgent, ip: record.ip ?? null };
}

export async function decide(
  env: AppBindings,
  userCode: string,
  decision: { approve: true; userId: string; workspaceId: string } | { approve: false },
): Promise<DeviceRecord> {
  const { key, record } = await findByUserCode(env, userCode);
  if (record.status !== "pending") throw new ApiError("invalid_state", `this code was already ${record.status}`);
  const next: DeviceRecord = decision.approve
    ? { ...record, status: "approved", userId: decision.userId, workspaceId: decision.workspaceId }
    : { ...record, status: "denied" };
  await put(env, key, next, record.expiresAt);
  return next;
}

/**
 * One poll from the CLI. Pending polls that come faster than the interval get
 * slow_down (and a longer interval); an approved record is handed out once.
 */
export async function pollDevice(env: AppBindings, deviceCode: string): Promise<{ record: DeviceRecord; claim: () => Promise<void> }> {
  const key = await deviceKey(deviceCode);
  const raw = await env.KV.get(key);
  const t = now();
  if (!raw) throw new ApiError("expired_token", "device code expired or unknown; start again");
  const record = JSON.parse(raw) as DeviceRecord;
  if (record.expiresAt <= t) throw new ApiError("expired_token", "device code expired; start again");
  if (record.status === "denied") throw new ApiError("access_denied", "the sign-in request was denied");
  const claim = async () => {
    // KV has no compare-and-delete; a D1 primary key makes the hand-out single-use even for racing polls.
    const won = await insertDeviceMarker(dbOf(env), `dev_${key.slice(-40)}`, record.expiresAt + KV_GRACE_SECONDS * 1000);
    if (!won) throw new ApiError("expired_token", "device code was already used; start again");
    await env.KV.delete(key);
    await env.KV.delete(userKey(record.userCode));
  };
  if (record.status === "approved") return { record, claim };
  const tooSoon = record.lastPollAt !== null && t - record.lastPollAt < record.interval * 1000;
  const next = { ...record, lastPollAt: t, interval: tooSoon ? record.interval + SLOW_DOWN_STEP : record.interval };
  await put(env, key, next, record.expiresAt);
  if (tooSoon)
    throw new ApiError("slow_down", `polling too fast; wait ${next.interval}s between polls`, { details: { interval: next.interval } });
  throw new ApiError("authorization_pending", "waiting for approval in the browser", { details: { interval: next.interval } });
}
