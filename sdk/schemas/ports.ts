import { z } from "zod";
import { portAutoForward } from "./manifest";

/** One TCP port a process in the session listens on, as the agent reads it from /proc/net/tcp{,6}. */
export const listeningPortSchema = z.object({
  port: z.number().int().min(1).max(65535),
  /** "127.0.0.1", "0.0.0.0", "::", "::1", …: loopback-only servers are reachable through the proxy too. */
  addresses: z.array(z.string()),
});
export type ListeningPort = z.infer<typeof listeningPortSchema>;

/** The agent's `GET /ports`. */
export const agentPortsResponse = z.object({ ports: z.array(listeningPortSchema) });

/** A port as the API and workbench show it: listening now and/or named by the template. */
export const sessionPortSchema = z.object({
  port: z.number().int().min(1).max(65535),
  listening: z.boolean(),
  addresses: z.array(z.string()),
  /** From the template's `ports` (devcontainer portsAttributes). */
  label: z.string().nullable(),
  onAutoForward: portAutoForward.nullable(),
  /** The port the session's preview (and its share links) serve. */
  preview: z.boolean(),
});
export type SessionPort = z.infer<typeof sessionPortSchema>;
export const sessionPortsResponse = z.object({ ports: z.array(sessionPortSchema) });
export type SessionPortsResponse = z.infer<typeof sessionPortsResponse>;
