import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { agentSocketDir } from "../../../src/agent/ssh/agent-forwarding";

const listens = (socketPath: string) =>
  new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(socketPath, () => server.close(() => resolve()));
  });

describe("the forwarded-agent socket folder", () => {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("is the data dir's ssh-agent folder when its socket paths fit", () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "ad-"));
    made.push(dataDir);
    expect(agentSocketDir(dataDir)).toBe(path.join(dataDir, "ssh-agent"));
  });

  it("moves to a private folder under /tmp when the data dir is too deep for a unix socket path", async () => {
    const base = mkdtempSync(path.join(tmpdir(), "ad-"));
    made.push(base);
    const dataDir = path.join(base, "a-checkout-path-as-long-as-a-ci-workspace".repeat(3), ".burstflare-agent");
    const dir = agentSocketDir(dataDir);
    made.push(path.dirname(dir));
    expect(dir.startsWith("/tmp/bf-agent-")).toBe(true);
    expect(dir.endsWith("/ssh-agent")).toBe(true);
    expect(statSync(path.dirname(dir)).mode & 0o777).toBe(0o700);
    // The longest socket name AgentForwarding uses binds there, at the path shells are given
    // (in the deep data dir it would bind at a silently truncated path instead).
    mkdirSync(dir, { recursive: true });
    const socketPath = path.join(dir, "0123abcd.0123abcd.sock");
    await listens(socketPath);
    expect(socketPath.length).toBeLessThanOrEqual(107);
    expect(path.join(dataDir, "ssh-agent", "0123abcd.0123abcd.sock").length).toBeGreaterThan(107);
  });

  it("is the same folder for a restarted agent of the same data dir, emptied of the old sockets", () => {
    const base = mkdtempSync(path.join(tmpdir(), "ad-"));
    made.push(base);
    const dataDir = path.join(base, "a-checkout-path-as-long-as-a-ci-workspace".repeat(3), ".burstflare-agent");
    const first = agentSocketDir(dataDir);
    made.push(path.dirname(first));
    mkdirSync(first, { recursive: true });
    writeFileSync(path.join(first, "old.sock"), "");
    const second = agentSocketDir(dataDir);
    expect(second).toBe(first);
    expect(existsSync(path.join(second, "old.sock"))).toBe(false);
  });

  it("is a fresh private folder when the named one under /tmp is someone else's or a link", () => {
    const base = mkdtempSync(path.join(tmpdir(), "ad-"));
    made.push(base);
    const dataDir = path.join(base, "a-checkout-path-as-long-as-a-ci-workspace".repeat(3), ".burstflare-agent");
    const named = path.dirname(agentSocketDir(dataDir));
    made.push(named);
    const elsewhere = mkdtempSync(path.join(tmpdir(), "ad-target-"));
    made.push(elsewhere);
    rmSync(named, { recursive: true, force: true });
    symlinkSync(elsewhere, named);
    const dir = agentSocketDir(dataDir);
    made.push(path.dirname(dir));
    expect(path.dirname(dir)).not.toBe(named);
    expect(dir.startsWith("/tmp/bf-")).toBe(true);
    expect(statSync(path.dirname(dir)).mode & 0o777).toBe(0o700);

    rmSync(named, { force: true });
    mkdirSync(named, { mode: 0o777 });
    chmodSync(named, 0o777);
    const fresh = path.dirname(agentSocketDir(dataDir));
    made.push(fresh);
    expect(fresh).not.toBe(named);
  });
});
