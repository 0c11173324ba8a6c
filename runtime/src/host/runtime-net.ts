import fs from "node:fs";
import path from "node:path";
import { attachedSubnets, PRIVATE_NETS, resolversOf } from "@burstflare/sdk/sandbox-network";
import { helperPath, runHelper } from "./system";

/**
 * One network namespace per runtime, joined to the host by a veth pair on its own /30:
 *   host side  <base + slot*1024 + index*4 + 1>   interface bfr<slot><index>h
 *   runtime    <base + slot*1024 + index*4 + 2>   interface bfr<slot><index>r, default route via host side
 * All runtime subnets come from 100.72.0.0/13 (inside the shared address space of RFC 6598,
 * which no public or LAN address uses). Each host process claims one /22 "slot" (256 runtimes)
 * through a lock file, so hosts running side by side never share a subnet, interface or rule.
 *
 * One nftables table per slot does the filtering, matched by interface name prefix:
 * - input:   a runtime reaches no port of the host (any address, loopback via the veth
 *            included); only replies to connections the host opened come back; the rest is
 *            rejected rather than dropped so a blocked connect fails at once;
 * - forward: no runtime-to-runtime traffic (of any host), nothing to private networks (RFC 1918,
 *            shared address space, link-local and cloud metadata, the machine's own LAN and
 *            bridges such as Docker's) except DNS to the machine's resolvers; everything else
 *            leaves with masquerade, which is how the runtime keeps outbound internet, as a
 *            container does. Nothing from outside starts a connection in.
 */
export const RUNTIME_NET_CIDR = "100.72.0.0/13";
const BASE = ipToInt("100.72.0.0");
const SLOTS = 512;
const PER_SLOT = 256;
const LOCK_DIR = "/run/burstflare/net";

/** Subnets this machine reaches directly (its LAN, bridges), which runtimes must not. */
function machineSubnets(): string[] {
  return attachedSubnets(runHelper("ip", ["-o", "-4", "route", "show", "scope", "link"], { allowFailure: true }).stdout ?? "", "bfr");
}

function resolvers(): string[] {
  return resolversOf(fs.existsSync("/etc/resolv.conf") ? fs.readFileSync("/etc/resolv.conf", "utf8") : "");
}

const NETNS_DIR = "/run/netns";

export interface NetLease {
  index: number;
  netns: string;
  netnsPath: string;
  hostInterface: string;
  hostIP: string;
  runtimeIP: string;
}

function ipToInt(ip: string): number {
  return ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

function intToIP(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
const slotTag = (slot: number) => `bfr${hex(slot, 3)}`;
const netnsName = (slot: number, index: number) => `bf-${hex(slot, 3)}-${hex(index, 2)}`;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A firewall that drops forwarded traffic by default (Docker's iptables-nft FORWARD chain does)
 * would drop the runtimes' outbound traffic after our table let it through: such a chain gets
 * two accept rules for this slot's interfaces, in DOCKER-USER when it exists (Docker keeps
 * that chain for its users), tagged with a comment to find them again.
 */
function dropPolicyChains(): string[] {
  const forward = runHelper("nft", ["list", "chain", "ip", "filter", "FORWARD"], { allowFailure: true });
  if (forward.status !== 0 || !/policy drop/.test(forward.stdout)) return [];
  const dockerUser = runHelper("nft", ["list", "chain", "ip", "filter", "DOCKER-USER"], { allowFailure: true });
  return [dockerUser.status === 0 ? "DOCKER-USER" : "FORWARD"];
}

function removeForeignRules(slot: number): void {
  for (const chain of ["DOCKER-USER", "FORWARD"]) {
    const listed = runHelper("nft", ["-a", "list", "chain", "ip", "filter", chain], { allowFailure: true });
    if (listed.status !== 0) continue;
    for (const match of listed.stdout.matchAll(new RegExp(`comment "bf_${hex(slot, 3)}".*# handle (\\d+)`, "g"))) {
      runHelper("nft", ["delete", "rule", "ip", "filter", chain, "handle", match[1]!], { allowFailure: true });
    }
  }
}

/** Everything a slot may have left behind: its table, its veths (and with them the runtime ends), its namespaces. */
function clearSlot(slot: number): void {
  runHelper("nft", ["delete", "table", "inet", `bf_${hex(slot, 3)}`], { allowFailure: true });
  removeForeignRules(slot);
  const links = runHelper("ip", ["-o", "link", "show"], { allowFailure: true }).stdout ?? "";
  for (const match of links.matchAll(/^\d+:\s+([^:@\s]+)/gm)) {
    if (match[1]!.startsWith(slotTag(slot))) runHelper("ip", ["link", "del", match[1]!], { allowFailure: true });
  }
  const prefix = `bf-${hex(slot, 3)}-`;
  for (const name of fs.existsSync(NETNS_DIR) ? fs.readdirSync(NETNS_DIR) : []) {
    if (name.startsWith(prefix)) runHelper("ip", ["netns", "del", name], { allowFailure: true });
  }
}

/**
 * Clears the slots of hosts that died without cleaning up (SIGKILL, a crash): their veths,
 * namespaces and rules would otherwise stay until a new host happened to claim the slot.
 * Returns the slots cleared.
 */
function sweepDeadSlots(): number[] {
  const swept: number[] = [];
  for (const name of fs.readdirSync(LOCK_DIR)) {
    const sweeper = /\.stale-(\d+)$/.exec(name);
    if (sweeper && !pidAlive(Number(sweeper[1]))) fs.rmSync(path.join(LOCK_DIR, name), { force: true });
    const match = /^slot-(\d+)$/.exec(name);
    if (!match) continue;
    const file = path.join(LOCK_DIR, name);
    let owner = 0;
    try {
      owner = Number(fs.readFileSync(file, "utf8").trim());
    } catch {}
    // Empty: a host is writing its pid right now.
    if (!owner || pidAlive(owner)) continue;
    try {
      // Renaming is atomic: of two hosts sweeping the same slot, one wins.
      fs.renameSync(file, `${file}.stale-${process.pid}`);
    } catch {
      continue;
    }
    clearSlot(Number(match[1]));
    fs.rmSync(`${file}.stale-${process.pid}`, { force: true });
    swept.push(Number(match[1]));
  }
  return swept;
}

/** Claims a free slot. */
function claimSlot(): number {
  fs.mkdirSync(LOCK_DIR, { recursive: true, mode: 0o700 });
  const start = Math.floor(Math.random() * SLOTS);
  for (let i = 0; i < SLOTS; i++) {
    const slot = (start + i) % SLOTS;
    const file = path.join(LOCK_DIR, `slot-${slot}`);
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx", mode: 0o600 });
      clearSlot(slot);
      return slot;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  throw new Error(`all ${SLOTS} runtime network slots are taken`);
}

export class RuntimeNetwork {
  private readonly used = new Set<number>();
  private closed = false;

  private constructor(
    readonly slot: number,
    /** Slots of dead hosts cleared on the way; their cgroups are the caller's to remove. */
    readonly swept: number[],
  ) {}

  /** Claims a slot and installs its filter table; throws when the kernel or tools cannot. */
  static open(): RuntimeNetwork {
    fs.writeFileSync("/proc/sys/net/ipv4/ip_forward", "1");
    fs.mkdirSync(LOCK_DIR, { recursive: true, mode: 0o700 });
    const swept = sweepDeadSlots();
    const slot = claimSlot();
    const net = new RuntimeNetwork(slot, swept);
    try {
      runHelper("nft", ["-f", "-"], { input: net.rules() });
      const tag = slotTag(slot);
      const comment = `comment "bf_${hex(slot, 3)}"`;
      for (const chain of dropPolicyChains()) {
        runHelper("nft", ["-f", "-"], {
          input: [
            `insert rule ip filter ${chain} oifname "${tag}*" ct state established,related accept ${comment}`,
            `insert rule ip filter ${chain} iifname "${tag}*" accept ${comment}`,
          ].join("\n"),
        });
      }
    } catch (err) {
      net.close();
      throw err;
    }
    return net;
  }

  get subnet(): string {
    return `${intToIP(BASE + this.slot * 1024)}/22`;
  }

  private rules(): string {
    const tag = slotTag(this.slot);
    const own = `iifname "${tag}*"`;
    const servers = resolvers();
    const dns =
      servers.length > 0
        ? `    ${own} ip daddr { ${servers.join(", ")} } udp dport 53 accept\n    ${own} ip daddr { ${servers.join(", ")} } tcp dport 53 accept\n`
        : "";
    return `table inet bf_${hex(this.slot, 3)} {
  chain input {
    type filter hook input priority filter - 10; policy accept;
    ${own} ct state established,related accept
    ${own} meta l4proto tcp reject with tcp reset
    ${own} reject
  }
  chain refuse {
    meta l4proto tcp reject with tcp reset
    reject
  }
  chain forward {
    type filter hook forward priority filter - 10; policy accept;
    ${own} oifname "bfr*" jump refuse
    ${own} meta nfproto ipv6 jump refuse
${dns}    ${own} ip daddr { ${[...PRIVATE_NETS, ...machineSubnets()].join(", ")} } jump refuse
    ${own} accept
    oifname "${tag}*" ct state established,related accept
    oifname "${tag}*" drop
  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    ip saddr ${this.subnet} oifname != "bfr*" masquerade
  }
}
`;
  }

  /** A namespace with its veth pair up and a default route out through the host. */
  lease(): NetLease {
    if (this.closed) throw new Error("runtime network is closed");
    let index = 0;
    while (this.used.has(index)) index++;
    if (index >= PER_SLOT) throw new Error(`no free runtime subnet (${PER_SLOT} runtimes per host)`);
    this.used.add(index);
    const first = BASE + this.slot * 1024 + index * 4;
    const lease: NetLease = {
      index,
      netns: netnsName(this.slot, index),
      netnsPath: path.join(NETNS_DIR, netnsName(this.slot, index)),
      hostInterface: `${slotTag(this.slot)}${hex(index, 2)}h`,
      hostIP: intToIP(first + 1),
      runtimeIP: intToIP(first + 2),
    };
    const peer = `${slotTag(this.slot)}${hex(index, 2)}r`;
    try {
      // Left over from a crash of this very host process (same slot): start clean.
      this.teardown(lease);
      // Two helper runs in all: each process start costs more than the work it does.
      runHelper("ip", ["-b", "-"], {
        input: [
          `netns add ${lease.netns}`,
          `link add ${lease.hostInterface} type veth peer name ${peer} netns ${lease.netns}`,
          `addr add ${lease.hostIP}/30 dev ${lease.hostInterface}`,
          `link set ${lease.hostInterface} up`,
        ].join("\n"),
      });
      // No IPv6 on the host end: no link-local address for a runtime to reach the host through.
      fs.writeFileSync(`/proc/sys/net/ipv6/conf/${lease.hostInterface}/disable_ipv6`, "1");
      runHelper("ip", ["-n", lease.netns, "-b", "-"], {
        input: [
          "link set lo up",
          `addr add ${lease.runtimeIP}/30 dev ${peer}`,
          `link set ${peer} up`,
          `route add default via ${lease.hostIP}`,
        ].join("\n"),
      });
    } catch (err) {
      this.release(lease);
      throw err;
    }
    return lease;
  }

  private teardown(lease: NetLease): void {
    // Deleting the namespace drops its orphaned sockets silently: a peer on the host (the Worker
    // streaming a snapshot from the agent) would wait forever for bytes or a FIN that never come.
    // Aborting the host's ends first makes every such reader fail at once, as the runtime's death should.
    if (helperPath("ss")) runHelper("ss", ["-K", "dst", lease.runtimeIP], { allowFailure: true });
    const lines = [
      ...(fs.existsSync(`/sys/class/net/${lease.hostInterface}`) ? [`link del ${lease.hostInterface}`] : []),
      ...(fs.existsSync(lease.netnsPath) ? [`netns del ${lease.netns}`] : []),
    ];
    if (lines.length > 0) runHelper("ip", ["-force", "-b", "-"], { input: lines.join("\n"), allowFailure: true });
  }

  release(lease: NetLease): void {
    this.teardown(lease);
    this.used.delete(lease.index);
  }

  /** Removes every veth, namespace and rule of this host and gives the slot back. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearSlot(this.slot);
    fs.rmSync(path.join(LOCK_DIR, `slot-${this.slot}`), { force: true });
  }
}
