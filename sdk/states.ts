export const SESSION_STATES = ["created", "starting", "running", "sleeping", "stopping", "stopped", "failed", "deleted"] as const;
export type SessionState = (typeof SESSION_STATES)[number];

export const BUILD_STATES = ["queued", "building", "succeeded", "failed", "retrying", "dead_lettered"] as const;
export type BuildState = (typeof BUILD_STATES)[number];

export const ROLES = ["owner", "admin", "member", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const SNAPSHOT_KINDS = ["manual", "autosave", "stop", "sleep", "safety"] as const;
export type SnapshotKind = (typeof SNAPSHOT_KINDS)[number];

export const LIFECYCLE_PHASES = [
  "provisioning",
  "restoring_artifact",
  "restoring_snapshot",
  "bootstrapping",
  "ready",
  "flushing",
  "stopped",
] as const;
export type LifecyclePhase = (typeof LIFECYCLE_PHASES)[number];
