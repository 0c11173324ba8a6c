import type { AppBindings } from "../env";
import { ContainersRuntimeDriver } from "./containers";
import { LocalRuntimeDriver } from "./local";
import type { RuntimeDriver } from "./types";

export function runtimeDriverName(env: AppBindings): "local" | "containers" {
  return env.RUNTIME_DRIVER === "containers" ? "containers" : "local";
}

export function getRuntimeDriver(env: AppBindings): RuntimeDriver {
  return runtimeDriverName(env) === "containers" ? new ContainersRuntimeDriver(env) : new LocalRuntimeDriver(env);
}
