import { ApiError } from "@burstflare/sdk/errors";
import type { Manifest } from "@burstflare/sdk/schemas/manifest";
import { agentPortsResponse, type ListeningPort, type SessionPort } from "@burstflare/sdk/schemas/ports";
import type { AppBindings } from "../env";
import { boundedJSON } from "../lib/bounded-body";
import { runningAgent } from "../snapshots/agent";

/** A port list of a few thousand listeners. */
const PORTS_ANSWER_BYTES = 1024 * 1024;

/** What the agent says is listening in a running session (never wakes it: the DO refuses with 409). */
export async function listeningPortsOf(env: AppBindings, sessionId: string): Promise<ListeningPort[]> {
  const res = await runningAgent(env, sessionId)("/ports", { method: "GET" });
  if (!res.ok) throw new ApiError("runtime_unavailable", `the agent could not list ports (${res.status})`);
  const parsed = agentPortsResponse.safeParse(await boundedJSON(res, PORTS_ANSWER_BYTES).catch(() => null));
  if (!parsed.success) throw new ApiError("runtime_unavailable", "the agent's port list is malformed");
  return parsed.data.ports;
}

/**
 * Listening ports joined with the template's labels. Ports the template names but nothing
 * listens on yet are listed too (listening: false), so a panel can say "Web app — not started".
 */
export function joinPorts(listening: ListeningPort[], manifest: Manifest): SessionPort[] {
  const named = new Map((manifest.ports ?? []).map((p) => [p.port, p]));
  const byPort = new Map<number, SessionPort>();
  const entry = (port: number, addresses: string[], isListening: boolean): SessionPort => ({
    port,
    listening: isListening,
    addresses,
    label: named.get(port)?.label ?? null,
    onAutoForward: named.get(port)?.onAutoForward ?? null,
    preview: manifest.previewPort === port,
  });
  for (const l of listening) byPort.set(l.port, entry(l.port, l.addresses, true));
  for (const p of named.values()) if (!byPort.has(p.port)) byPort.set(p.port, entry(p.port, [], false));
  if (manifest.previewPort && !byPort.has(manifest.previewPort)) byPort.set(manifest.previewPort, entry(manifest.previewPort, [], false));
  return [...byPort.values()].sort((a, b) => a.port - b.port);
}
