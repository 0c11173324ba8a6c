import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { now } from "../lib/time";
import { countUnusedRecoveryCodes, markRecoveryCodeUsed, replaceRecoveryCodesStatements } from "./recovery-codes-repo";
import { hashToken } from "./tokens";

const RECOVERY_CODE_COUNT = 10;
/** No 0/O, 1/I/L: codes are read off paper. */
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

function randomCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  // 31 symbols: rejection-free modulo bias is ~0.8% per symbol, acceptable for 60 bits of entropy.
  const chars = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join("");
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}

const normaliseRecoveryCode = (code: string): string => code.toUpperCase().replace(/[^A-Z0-9]/g, "");

/** Bound to the user so one leaked hash table row cannot be replayed for another account. */
const hashCode = (userId: string, code: string) => hashToken(`recovery:${userId}:${normaliseRecoveryCode(code)}`);

/** Statements that replace the user's codes; run them in the caller's batch so replacement is atomic. */
export async function newRecoveryCodes(env: AppBindings, userId: string): Promise<{ codes: string[]; statements: D1PreparedStatement[] }> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, randomCode);
  const hashed: { id: string; codeHash: string }[] = [];
  for (const code of codes) hashed.push({ id: newId("rc"), codeHash: await hashCode(userId, code) });
  const statements = replaceRecoveryCodesStatements(dbOf(env), userId, hashed, now());
  return { codes, statements };
}

/** Marks a matching unused code used; the conditional update makes each code work exactly once. */
export async function consumeRecoveryCode(env: AppBindings, userId: string, code: string): Promise<boolean> {
  return markRecoveryCodeUsed(dbOf(env), userId, await hashCode(userId, code), now());
}

export async function remainingRecoveryCodes(env: AppBindings, userId: string): Promise<number> {
  return countUnusedRecoveryCodes(dbOf(env), userId);
}
