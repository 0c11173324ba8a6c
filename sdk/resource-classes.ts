import { z } from "zod";

/**
 * A template's resource class: what one runtime of it may use. The local runtime host turns
 * it into cgroup limits (or rlimits); on Cloudflare it is the Containers instance type
 * (https://developers.cloudflare.com/containers/platform/limits/), whose memory the local
 * limits match so a template that fits locally fits in production.
 */
export const resourceClass = z.enum(["small", "medium", "large"]);
export type ResourceClass = z.infer<typeof resourceClass>;
export const DEFAULT_RESOURCE_CLASS: ResourceClass = "small";

export interface ResourceLimits {
  /** Containers instance type this class maps to. */
  instanceType: "basic" | "standard-1" | "standard-2";
  /** vCPU share of the instance type (informational locally; cpuShares enforces a relative share). */
  vcpu: number;
  memoryBytes: number;
  /** Processes and threads together (cgroup pids counts both). */
  pids: number;
  /** cgroup v1 cpu.shares (1024 = one default share); v2 weight is derived from it. */
  cpuShares: number;
}

const MiB = 1024 * 1024;

export const RESOURCE_LIMITS: Record<ResourceClass, ResourceLimits> = {
  small: { instanceType: "basic", vcpu: 0.25, memoryBytes: 1024 * MiB, pids: 1024, cpuShares: 256 },
  medium: { instanceType: "standard-1", vcpu: 0.5, memoryBytes: 4096 * MiB, pids: 2048, cpuShares: 512 },
  large: { instanceType: "standard-2", vcpu: 1, memoryBytes: 6144 * MiB, pids: 4096, cpuShares: 1024 },
};
