import { describe, expect, it } from "vitest";
import { absolutise, applyContainersDriver } from "../../containers/dev-config.mjs";

const checkedIn = () => ({
  main: "api/src/index.ts",
  compatibility_date: "2026-11-01",
  dev: { ip: "localhost", enable_containers: false },
  assets: { directory: "./dist/web" },
  vars: { RUNTIME_DRIVER: "local", APP_ORIGIN: "http://localhost:8787" },
  d1_databases: [{ binding: "DB", migrations_dir: "migrations" }],
  containers: [{ class_name: "WorkspaceContainer", image: "./runtime/Dockerfile", image_build_context: "." }],
});

describe("wrangler config for the containers driver", () => {
  it("enables containers, selects the driver and builds runtime/Dockerfile from the repo root on the local base image", () => {
    const config = applyContainersDriver(absolutise(checkedIn(), "/repo"), { root: "/repo", baseImage: "burstflare/base:test" });
    expect(config.dev).toEqual({ ip: "localhost", enable_containers: true });
    expect(config.vars).toEqual({ RUNTIME_DRIVER: "containers", APP_ORIGIN: "http://localhost:8787" });
    expect(config.containers[0]).toMatchObject({
      image: "/repo/runtime/Dockerfile",
      image_build_context: "/repo",
      image_vars: { BASE_IMAGE: "burstflare/base:test" },
    });
    expect(config.main).toBe("/repo/api/src/index.ts");
    expect(config.assets.directory).toBe("/repo/dist/web");
    expect(config.d1_databases[0]?.migrations_dir).toBe("/repo/migrations");
  });

  it("refuses a compatibility date that would share the host's PID namespace with containers", () => {
    expect(() => applyContainersDriver({ ...checkedIn(), compatibility_date: "2026-03-01" }, { root: "/repo", baseImage: "b" })).toThrow(
      /PID namespace/,
    );
  });
});
