import type { ReconcileAction, ReconcileResult } from "@burstflare/sdk/schemas/admin";
import { type OpsPolicy, opsPolicy } from "../admin/policy";
import type { AppBindings } from "../env";
import { writeAudit } from "../lib/audit";
import { log } from "../lib/log";
import { iso, now } from "../lib/time";
import { planStuckBuilds } from "./builds";
import { planExpiry } from "./expiry";
import { recordLastReconcile } from "./last-run";
import { planOrphans } from "./orphans";
import { planPurges } from "./purge";
import { planSessions } from "./sessions";
import type { Planner, ReconcileContext } from "./types";

/**
 * Order matters: runtimes of deleted sessions stop before purges remove their rows, and purges
 * remove their own objects before the orphan scan looks for objects without rows.
 */
const STEPS: [string, Planner][] = [
  ["expiry", planExpiry],
  ["builds", planStuckBuilds],
  ["sessions", planSessions],
  ["purges", planPurges],
  ["orphans", planOrphans],
];

interface ReconcileOptions {
  preview?: boolean;
  /** Who asked: an operator's user id, or null for the cron. */
  actorId?: string | null;
  requestId?: string | null;
  /** Overrides of the vars-derived policy (tests, drills). */
  policy?: Partial<OpsPolicy>;
}

/**
 * THE reconcile pass, run by the reconcile queue consumer (the cron only enqueues) and by
 * operators on demand. Preview plans and returns the actions without touching anything.
 * Every applied action is audited as `reconcile.<kind>`; one failing action never stops the rest.
 * Running it twice in a row: the second run finds nothing to do.
 */
export async function runReconcile(env: AppBindings, opts: ReconcileOptions = {}): Promise<ReconcileResult> {
  const started = now();
  const ctx: ReconcileContext = { env, now: started, policy: { ...opsPolicy(env), ...opts.policy }, preview: opts.preview === true };
  const actions: ReconcileAction[] = [];
  let truncated = false;
  for (const [step, plan] of STEPS) {
    let planned: Awaited<ReturnType<Planner>>;
    try {
      planned = await plan(ctx);
    } catch (err) {
      log("error", "reconcile step failed to plan", { step, error: String(err) });
      truncated = true;
      continue;
    }
    truncated ||= planned.truncated;
    for (const a of planned.actions) {
      const base = { kind: a.kind, targetType: a.targetType, targetId: a.targetId, reason: a.reason };
      if (ctx.preview) {
        actions.push({ ...base, outcome: "planned" });
        continue;
      }
      try {
        const outcome = await a.apply();
        actions.push({ ...base, outcome });
        if (outcome === "done") {
          await writeAudit(env, {
            action: `reconcile.${a.kind}`,
            workspaceId: a.workspaceId,
            actorId: opts.actorId ?? null,
            targetType: a.targetType,
            targetId: a.targetId,
            requestId: opts.requestId ?? null,
            details: { reason: a.reason, ...a.details },
          });
        }
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        log("error", "reconcile action failed", { kind: a.kind, targetType: a.targetType, targetId: a.targetId, error });
        actions.push({ ...base, outcome: "failed", error });
      }
    }
  }
  const counted = actions.filter((a) => a.outcome === "done" || a.outcome === "planned");
  const counts: Record<string, number> = {};
  for (const a of counted) counts[a.kind] = (counts[a.kind] ?? 0) + 1;
  const failed = actions.filter((a) => a.outcome === "failed").length;
  const result: ReconcileResult = {
    preview: ctx.preview,
    startedAt: iso(started) ?? "",
    durationMs: now() - started,
    changed: counted.length,
    failed,
    counts,
    actions,
    truncated,
  };
  if (!ctx.preview) {
    await recordLastReconcile(env, { at: result.startedAt, preview: false, actions: counted.length, failed }).catch(() => {});
    log(failed > 0 ? "warn" : "info", "reconcile finished", { changed: counted.length, failed, counts, durationMs: result.durationMs });
  }
  return result;
}
