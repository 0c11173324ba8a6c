import type { ParsedKey, PublicKeyAuthContext, utils as SSH2Utils } from "ssh2";

/** Parses the base64 header value: OpenSSH public keys, one per line; lines that do not parse are ignored. */
export function parseAuthorizedKeys(headerValue: string | string[] | undefined, utils: typeof SSH2Utils): ParsedKey[] {
  if (typeof headerValue !== "string" || !headerValue) return [];
  let text: string;
  try {
    text = Buffer.from(headerValue, "base64").toString("utf8");
  } catch {
    return [];
  }
  const keys: ParsedKey[] = [];
  for (const line of text.split("\n").map((l) => l.trim())) {
    if (!line || line.startsWith("#")) continue;
    const parsed = utils.parseKey(line);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key && !(key instanceof Error)) keys.push(key);
  }
  return keys;
}

/** True when the offered key is one of the allowed keys and, when signed, the signature verifies. */
export function publicKeyAllowed(ctx: PublicKeyAuthContext, allowed: ParsedKey[]): boolean {
  const match = allowed.find((key) => ctx.key.data.equals(key.getPublicSSH()));
  if (!match) return false;
  if (!ctx.signature || !ctx.blob) return true;
  return match.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true;
}
