import type { AppBindings } from "../env";

/** Snapshot settings from optional Worker vars; the defaults suit a laptop and production alike. */
interface SnapshotConfig {
  /** Autosave at most this often, and only when the persisted paths changed. */
  autosaveIntervalMs: number;
  /** Unlabelled automatic snapshots (autosave, stop, sleep) kept per session. */
  keepAutomatic: number;
  /** Unlabelled safety snapshots (taken before a restore) kept per session. */
  keepSafety: number;
  /** Failed rows kept per session for the record; they hold no object. */
  keepFailed: number;
}

function intVar(env: AppBindings, name: string, fallback: number, min: number): number {
  const raw = (env as unknown as Record<string, unknown>)[name];
  const value = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : typeof raw === "number" ? raw : Number.NaN;
  return Number.isSafeInteger(value) && value >= min ? value : fallback;
}

export function snapshotConfig(env: AppBindings): SnapshotConfig {
  return {
    autosaveIntervalMs: intVar(env, "SNAPSHOT_AUTOSAVE_INTERVAL_SECONDS", 600, 0) * 1000,
    keepAutomatic: intVar(env, "SNAPSHOT_KEEP_AUTOSAVES", 5, 1),
    keepSafety: intVar(env, "SNAPSHOT_KEEP_SAFETY", 3, 1),
    keepFailed: intVar(env, "SNAPSHOT_KEEP_FAILED", 5, 0),
  };
}
