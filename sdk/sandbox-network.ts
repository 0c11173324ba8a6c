/**
 * What a runtime's network may not reach, on either local driver: the runtime host's namespaces
 * (runtime/src/host/runtime-net.ts) and the container engine's bridge (scripts/containers/
 * bridge-isolation.mjs). A session keeps outbound internet, as a Cloudflare container does, and
 * nothing private. Plain erasable TypeScript so Node runs it without a build step.
 */

/** RFC 1918, shared address space, link-local (cloud metadata), loopback, "this network", multicast, reserved. */
export const PRIVATE_NETS = [
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "100.64.0.0/10",
  "169.254.0.0/16",
  "127.0.0.0/8",
  "0.0.0.0/8",
  "224.0.0.0/4",
  "240.0.0.0/4",
];

/**
 * Subnets this machine reaches directly (its LAN, bridges), from `ip -o -4 route show scope link`;
 * `except` drops the routes of interfaces whose name starts with it (the runtimes' own links).
 */
export function attachedSubnets(linkRoutes: string, except?: string): string[] {
  return linkRoutes
    .split("\n")
    .filter((line) => line && !(except && line.includes(` dev ${except}`)))
    .map((line) => line.split(" ")[0]!)
    .filter((net) => /^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(net));
}

/** The IPv4 resolvers of an /etc/resolv.conf, the one private destination runtimes keep (port 53). */
export function resolversOf(resolvConf: string): string[] {
  return [...resolvConf.matchAll(/^nameserver\s+(\d+\.\d+\.\d+\.\d+)\s*$/gm)].map((m) => m[1]!).filter((ip) => !ip.startsWith("127."));
}
