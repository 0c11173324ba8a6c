import { ApiError } from "@burstflare/sdk/errors";
import { envNameProblem } from "@burstflare/sdk/reserved-env";
import type { AppBindings } from "../env";
import { base64url, fromBase64url } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { log } from "../lib/log";
import { listSealedSecrets, SECRET_BOUNDS } from "./secrets-repo";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const keyCache = new Map<string, Promise<CryptoKey>>();

/** SECRETS_KEY is base64url of 32 random bytes (AES-256). */
function secretsKey(env: AppBindings): Promise<CryptoKey> {
  const raw = env.SECRETS_KEY;
  if (!raw) throw new ApiError("internal", "SECRETS_KEY is not configured");
  let key = keyCache.get(raw);
  if (!key) {
    const bytes = fromBase64url(raw);
    if (bytes.length !== 32) throw new ApiError("internal", "SECRETS_KEY must be 32 bytes, base64url");
    key = crypto.subtle.importKey("raw", bytes, "AES-GCM", false, ["encrypt", "decrypt"]);
    keyCache.set(raw, key);
  }
  return key;
}

/** The answer to a new secret that upsertSecret refused: the workspace is at its limit. */
export const tooManySecrets = () => new ApiError("conflict", `a workspace holds at most ${SECRET_BOUNDS.maxLive} secrets`);

/** Binding the ciphertext to its workspace and name stops a row being replayed under another name. */
function additionalData(workspaceId: string, name: string): Uint8Array {
  return encoder.encode(`burstflare-secret:${workspaceId}:${name}`);
}

interface SealedSecret {
  ciphertext: string;
  iv: string;
}

export async function sealSecret(env: AppBindings, workspaceId: string, name: string, value: string): Promise<SealedSecret> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: additionalData(workspaceId, name) },
    await secretsKey(env),
    encoder.encode(value),
  );
  return { ciphertext: base64url(new Uint8Array(sealed)), iv: base64url(iv) };
}

export async function openSecret(env: AppBindings, workspaceId: string, name: string, sealed: SealedSecret): Promise<string> {
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64url(sealed.iv), additionalData: additionalData(workspaceId, name) },
    await secretsKey(env),
    fromBase64url(sealed.ciphertext),
  );
  return decoder.decode(plain);
}

/**
 * The workspace's secrets, decrypted, as the environment a runtime starts with. Names refused
 * since they were saved (sdk/reserved-env.ts) are skipped undecrypted, with a warning that
 * names them; they stay listed so the owner can delete them.
 */
export async function secretsEnvFor(env: AppBindings, workspaceId: string): Promise<Record<string, string>> {
  const rows = await listSealedSecrets(dbOf(env), workspaceId);
  const out: Record<string, string> = {};
  for (const r of rows) {
    const refused = envNameProblem(r.name);
    if (refused) {
      log("warn", "workspace secret ignored", { workspaceId, name: r.name, reason: refused });
      continue;
    }
    try {
      out[r.name] = await openSecret(env, workspaceId, r.name, r);
    } catch {
      // Wrong key (SECRETS_KEY rotated without re-encrypting) or a tampered row: name it, never the value.
      throw new ApiError("internal", `workspace secret ${r.name} cannot be decrypted; set it again`);
    }
  }
  return out;
}
