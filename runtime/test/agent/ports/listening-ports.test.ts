import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { decodeAddress, listeningPorts, parseProcNetTcp } from "../../../src/agent/ports/listening-ports";

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 100 0 0 10 0
   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 2 1 0 100 0 0 10 0
   2: 0100007F:0BB8 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 3 1 0 100 0 0 10 0
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4 1 0 100 0 0 10 0
   1: 00000000000000000000000001000000:2382 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5 1 0 100 0 0 10 0
`;

describe("listening ports from /proc/net/tcp{,6}", () => {
  it.each([
    ["0100007F", "127.0.0.1"],
    ["00000000", "0.0.0.0"],
    ["00000000000000000000000000000000", "::"],
    ["00000000000000000000000001000000", "::1"],
    ["0000000000000000FFFF00000100007F", "::ffff:127.0.0.1"],
  ])("decodes the IPv4 or IPv6 address %s as %s", (hex, address) => {
    expect(decodeAddress(hex)).toBe(address);
  });

  it("keeps only listening sockets, merges v4 and v6, leaves out excluded ports", async () => {
    expect(parseProcNetTcp(TCP)).toEqual([
      { port: 3000, address: "127.0.0.1" },
      { port: 8080, address: "0.0.0.0" },
    ]);
    const dir = mkdtempSync(path.join(os.tmpdir(), "bf-ports-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(path.join(dir, "tcp"), TCP);
    writeFileSync(path.join(dir, "tcp6"), TCP6);
    const ports = await listeningPorts([9090], [path.join(dir, "tcp"), path.join(dir, "tcp6"), path.join(dir, "missing")]);
    expect(ports).toEqual([
      { port: 3000, addresses: ["127.0.0.1"] },
      { port: 8080, addresses: ["0.0.0.0", "::"] },
    ]);
    expect(await listeningPorts([3000, 8080, 9090], [path.join(dir, "tcp"), path.join(dir, "tcp6")])).toEqual([]);
  });

  it("sees a real server of this process on the real /proc", async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      expect(await listeningPorts([])).toContainEqual({ port, addresses: expect.arrayContaining(["127.0.0.1"]) });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect((await listeningPorts([])).some((p) => p.port === port)).toBe(false);
  });
});
