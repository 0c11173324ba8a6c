// The engine's OCI runtime (oci-runtime.sh) as engine.mjs installs it: the shell script with the
// default resource class's limits and the runc it hands over to filled in.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_RESOURCE_CLASS, RESOURCE_LIMITS } from "@burstflare/sdk/resource-classes.ts";

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "oci-runtime.sh");

export function ociRuntimeScript(runc = "/usr/sbin/runc") {
  const limits = RESOURCE_LIMITS[DEFAULT_RESOURCE_CLASS];
  return readFileSync(SCRIPT, "utf8")
    .replace("@RUNC@", runc)
    .replace("@MEMORY_BYTES@", String(limits.memoryBytes))
    .replace("@PIDS@", String(limits.pids))
    .replace("@CPU_SHARES@", String(limits.cpuShares));
}
