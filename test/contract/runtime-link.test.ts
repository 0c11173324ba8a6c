import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createSession } from "../stack/helpers/api";
import { probe } from "../stack/helpers/driver-probe";
import { putFile, readFile } from "../stack/helpers/snapshot-tree";
import { runInTerminal } from "../stack/helpers/terminal-run";
import { createStackUser } from "../stack/helpers/users";

const driver = probe();
const claimScript = readFileSync(new URL("./fixtures/claim-address.py", import.meta.url));

/** The link-layer addresses this machine would send `address`'s packets to. */
function neighbours(address: string): string[] {
  const entries = JSON.parse(execFileSync("/usr/sbin/ip", ["-j", "neigh", "show", "to", address], { encoding: "utf8" }) || "[]");
  return (entries as { lladdr?: string }[]).map((e) => e.lladdr ?? "").sort();
}

/**
 * Raw frames on the session's link. A container keeps Docker's default CAP_NET_RAW, so one session's
 * root could answer ARP for another session's address: this machine then sent that session's traffic
 * (the Worker's requests to its agent, with the agent token) to the attacker, who read it
 * (reproduced on the old engine: the token and the victim's file request captured in 8 s). The
 * local driver's runtimes have no capabilities; the engine's OCI runtime now drops CAP_NET_RAW.
 */
describe(`a runtime's link (${driver.name})`, () => {
  it("cannot claim another session's address or read the Worker's traffic to it", async () => {
    const alice = await createStackUser();
    const bob = await createStackUser();
    const [a, b] = await Promise.all([createSession(alice, { name: "link-a" }), createSession(bob, { name: "link-b" })]);
    await putFile(bob, b.id, "private.txt", "bob's");
    const { address } = await driver.doorsOf(b.id);
    const before = neighbours(address);

    const encoded = claimScript.toString("base64");
    let claiming = true;
    const attack = runInTerminal(
      alice,
      a.id,
      `echo ${encoded} | base64 -d > /tmp/claim.py && python3 /tmp/claim.py ${address} 4`,
      60_000,
    ).finally(() => (claiming = false));
    // Bob keeps working meanwhile, so the Worker talks to his agent while the claim is made.
    while (claiming) expect((await readFile(bob, b.id, "private.txt")).status).toBe(200);
    const { output } = await attack;

    // The probe ran (RAW-OPEN or RAW-REFUSED), and got nowhere.
    expect(output).toMatch(/^RAW-(OPEN|REFUSED)/m);
    expect(output).not.toContain("CAPTURED");
    expect(neighbours(address)).toEqual(before);
  });
});
