// The container engine's bridge, fenced like the local runtime host's veths (docs/security.md §4):
// a Cloudflare container reaches the internet and nothing else, so a local one must not reach
// another session's container (its sidecar would tunnel to any port inside it), a port this
// machine opened on the bridge or any address, or a private network. Docker's defaults allow all
// three; `--icc=false` covers only the first, so one nftables table refuses the rest.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { attachedSubnets, PRIVATE_NETS, resolversOf } from "@burstflare/sdk/sandbox-network.ts";

export const BRIDGE_TABLE = "bf_engine";

const nftPath = () => ["/usr/sbin/nft", "/sbin/nft"].find((p) => existsSync(p)) ?? "nft";

function nft(args, input) {
  const res = spawnSync(nftPath(), args, { input, encoding: "utf8" });
  if (res.error) throw new Error(`nft ${args.join(" ")}: ${res.error.message}`);
  return res;
}

/** The rules for one bridge; replies to connections the machine opened (workerd to a sidecar) pass. */
export function bridgeRules(bridge, { resolvers, subnets }) {
  const own = `iifname "${bridge}"`;
  const dns = `{ ${resolvers.join(", ")} }`;
  // The machine's resolvers, wherever they are (this machine itself included), answer on port 53.
  const dnsRules =
    resolvers.length > 0 ? `    ${own} ip daddr ${dns} udp dport 53 accept\n    ${own} ip daddr ${dns} tcp dport 53 accept\n` : "";
  return `table inet ${BRIDGE_TABLE} {
  chain refuse {
    meta l4proto tcp reject with tcp reset
    reject
  }
  chain input {
    type filter hook input priority filter - 10; policy accept;
    ${own} ct state established,related accept
${dnsRules}    ${own} jump refuse
  }
  chain forward {
    type filter hook forward priority filter - 10; policy accept;
    ${own} ct state established,related accept
    ${own} meta nfproto ipv6 jump refuse
${dnsRules}    ${own} ip daddr { ${[...PRIVATE_NETS, ...subnets].join(", ")} } jump refuse
  }
}
`;
}

/** Replaces the table for `bridge` (the engine's default bridge, named by dockerd). */
export function fenceBridge(bridge) {
  const routes = spawnSync("ip", ["-o", "-4", "route", "show", "scope", "link"], { encoding: "utf8" }).stdout ?? "";
  const rules = bridgeRules(bridge, {
    resolvers: resolversOf(existsSync("/etc/resolv.conf") ? readFileSync("/etc/resolv.conf", "utf8") : ""),
    // Runtime hosts' veths are fenced by their own tables; the bridge's subnet is private anyway.
    subnets: attachedSubnets(routes, "bfr"),
  });
  nft(["delete", "table", "inet", BRIDGE_TABLE]);
  const res = nft(["-f", "-"], rules);
  if (res.status !== 0) throw new Error(`nft refused the bridge rules: ${res.stderr.trim()}`);
}

export function unfenceBridge() {
  nft(["delete", "table", "inet", BRIDGE_TABLE]);
}
