import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STACK_PORT } from "../ports";
import { probe } from "../stack/helpers/driver-probe";
import { sessionWithPreviewServer } from "../stack/helpers/preview-server";
import { connectAttempt, machineAddresses, refusedEverywhere, runInTerminal } from "../stack/helpers/terminal-run";
import { createStackUser, type StackUser } from "../stack/helpers/users";

const driver = probe();

/**
 * Hostile code in one session, on either driver: it must reach the internet only, as a Cloudflare
 * container does. Not another session's runtime (its agent, its dev server, the container's
 * sidecar that tunnels to any port inside it), and not this machine on the session's own link.
 */
describe(`a runtime's network (${driver.name})`, () => {
  let alice: StackUser;
  let bob: StackUser;
  let a: string;
  let b: string;
  let listener: net.Server | undefined;
  let knocks = 0;

  beforeAll(async () => {
    alice = await createStackUser();
    bob = await createStackUser();
    [a, b] = await Promise.all([sessionWithPreviewServer(alice, "network-a"), sessionWithPreviewServer(bob, "network-b")]);
  });

  afterAll(async () => {
    await new Promise((resolve) => (listener ? listener.close(resolve) : resolve(null)));
  });

  it("reaches neither another session's runtime nor a port this machine opened on any of its addresses", async () => {
    // A service of this machine's listening on every address, as a developer's database might: the
    // session's traffic leaves by this machine's end of its link, and could knock on any other address.
    const hostSide = await driver.hostSideOf(a);
    listener = net.createServer((socket) => {
      knocks++;
      socket.on("error", () => {});
      socket.end("host-secret\n");
    });
    await new Promise<void>((resolve) => listener!.listen(0, "0.0.0.0", resolve));
    const hostPort = (listener.address() as net.AddressInfo).port;
    // Loopback inside the runtime is its own; every other address is this machine's.
    const machine = [hostSide, ...machineAddresses().filter((ip) => ip !== "127.0.0.1" && ip !== hostSide)];

    const doors = await driver.doorsOf(b);
    const bPort = Number((await runInTerminal(bob, b, 'printf "%s" "$PORT"')).output);
    const ownPort = Number((await runInTerminal(alice, a, 'printf "%s" "$PORT"')).output);
    // The probe works: the session reaches its own dev server.
    expect((await runInTerminal(alice, a, connectAttempt("127.0.0.1", ownPort))).output).toContain("CONNECTED");

    const targets: [string, number][] = [
      ...[...doors.ports, bPort].map((p): [string, number] => [doors.address, p]),
      ...machine.flatMap((ip): [string, number][] => [
        [ip, hostPort],
        [ip, STACK_PORT],
      ]),
    ];
    const { output } = await runInTerminal(alice, a, targets.map(([h, p]) => connectAttempt(h, p)).join("; "), 60_000);
    refusedEverywhere(output, targets);
    expect(knocks).toBe(0);
  });
});
