import { readFile } from "node:fs/promises";
import type { ListeningPort } from "@burstflare/sdk/schemas/ports";
import { sendJSON } from "../http/respond";
import type { Route } from "../http/router";

/** `st` of a listening socket in /proc/net/tcp{,6}. */
const LISTEN = "0A";

/** A /proc/net/tcp address ("0100007F" or 32 hex digits for IPv6, each 32-bit word in host byte order). */
export function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  // Each word is little-endian on the machines BurstFlare runs on (x86-64, arm64).
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => Number.parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join(".");
  if (bytes.length !== 16) return hex;
  const v4mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (v4mapped) return `::ffff:${bytes.slice(12).join(".")}`;
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  // Shorten the longest run of zero groups, as people write IPv6 addresses.
  const text = groups.join(":");
  const runs = [...text.matchAll(/(?:^|:)0(?::0)+(?::|$)/g)].sort((a, b) => b[0].length - a[0].length);
  return runs[0] ? text.replace(runs[0][0], "::") : text;
}

/** Listening ports in a /proc/net/tcp{,6} text. */
export function parseProcNetTcp(text: string): { port: number; address: string }[] {
  const out: { port: number; address: string }[] = [];
  for (const line of text.split("\n").slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 4 || cols[3] !== LISTEN) continue;
    const [addr, port] = (cols[1] ?? "").split(":");
    if (!addr || !port) continue;
    out.push({ port: Number.parseInt(port, 16), address: decodeAddress(addr) });
  }
  return out;
}

/**
 * The TCP ports processes of this runtime listen on. The agent runs inside the session's
 * network namespace, so /proc/net/tcp{,6} lists exactly the session's sockets; its own port
 * is left out.
 */
export async function listeningPorts(exclude: number[], files = ["/proc/net/tcp", "/proc/net/tcp6"]): Promise<ListeningPort[]> {
  const byPort = new Map<number, Set<string>>();
  for (const file of files) {
    const text = await readFile(file, "utf8").catch(() => "");
    for (const { port, address } of parseProcNetTcp(text)) {
      if (exclude.includes(port)) continue;
      const set = byPort.get(port) ?? new Set<string>();
      set.add(address);
      byPort.set(port, set);
    }
  }
  return [...byPort.entries()].sort(([a], [b]) => a - b).map(([port, addresses]) => ({ port, addresses: [...addresses].sort() }));
}

export function portRoutes(agentPort: () => number): Route[] {
  return [
    { method: "GET", path: "/ports", handle: async (_req, res) => sendJSON(res, 200, { ports: await listeningPorts([agentPort()]) }) },
  ];
}
