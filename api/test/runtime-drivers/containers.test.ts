import type { RuntimeInfo } from "@burstflare/sdk/protocol/runtime-host";
import { describe, expect, it } from "vitest";
import type { AppBindings } from "../../src/env";
import { CONTAINER_START_ATTEMPTS, ContainersRuntimeDriver } from "../../src/runtime-drivers/containers";

/**
 * The platform's container service can fail one start outright ("Network connection lost", then
 * "Container failed to start"; seen on a loaded CI machine under the local engine). The container
 * objects here answer as the platform would: the first `failures` boots throw, later ones boot.
 */
function platformFailing(failures: number) {
  const boots: string[] = [];
  const stub = {
    async boot(envVars: Record<string, string>, info: RuntimeInfo): Promise<RuntimeInfo> {
      boots.push(envVars.BURSTFLARE_AGENT_TOKEN ?? "");
      if (boots.length <= failures) throw new Error("Container failed to start");
      return info;
    },
  };
  const env = { WORKSPACE_CONTAINER: { idFromName: (name: string) => name, get: () => stub } } as unknown as AppBindings;
  return { driver: new ContainersRuntimeDriver(env), boots };
}

const body = { runtimeId: "ses_retry", env: {}, persistedPaths: [], fresh: true };

describe("a container start the platform fails", () => {
  it("is tried once more, with the same agent token, and the runtime starts", async () => {
    const { driver, boots } = platformFailing(1);
    const info = await driver.start(body);
    expect(boots).toHaveLength(2);
    expect(new Set(boots)).toEqual(new Set([info.agentToken]));
  });

  it(`fails the start after ${CONTAINER_START_ATTEMPTS} failed tries, with the platform's reason`, async () => {
    const { driver, boots } = platformFailing(CONTAINER_START_ATTEMPTS);
    await expect(driver.start(body)).rejects.toThrow("Container failed to start");
    expect(boots).toHaveLength(CONTAINER_START_ATTEMPTS);
  });
});
