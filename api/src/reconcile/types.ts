import type { ReconcileActionKind } from "@burstflare/sdk/schemas/admin";
import type { OpsPolicy } from "../admin/policy";
import type { AppBindings } from "../env";

export interface ReconcileContext {
  env: AppBindings;
  /** The run's clock: every age is measured against it. */
  now: number;
  policy: OpsPolicy;
  preview: boolean;
}

/**
 * One repair reconcile plans. Planning only reads; `apply` makes the change and must be
 * idempotent and conditional on the state it planned from, so a concurrent run or a user's
 * own action in between turns it into a no-op instead of a wrong write.
 */
export interface PlannedAction {
  kind: ReconcileActionKind;
  targetType: string;
  targetId: string;
  workspaceId: string | null;
  reason: string;
  /** "noop" when nothing needed doing after all (an idle check of a busy session). */
  apply: () => Promise<"done" | "noop">;
  /** Extra audit details (counts, ids of a batch). */
  details?: Record<string, unknown>;
}

export interface Plan {
  actions: PlannedAction[];
  /** A per-run bound cut the plan short; the next run continues. */
  truncated: boolean;
}

/** One step of the run: plans from current state; steps run in order, each seeing the previous one's changes. */
export type Planner = (ctx: ReconcileContext) => Promise<Plan>;

export const ageDays = (now: number, t: number): string => `${((now - t) / 86_400_000).toFixed(2)} days`;
