import { z } from "zod";

/** Start and wake latency of session runtimes as the Session DO measured them. */
export const latencySummarySchema = z.object({
  count: z.number().int(),
  failed: z.number().int(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
});
export type LatencySummary = z.infer<typeof latencySummarySchema>;

export const intentSummarySchema = z.object({
  /** Intents that started a wake. */
  wakes: z.number().int(),
  /** Of those, how many the user then connected to (terminal or ssh). */
  connected: z.number().int(),
  /** Median of min(ready, connected) − fired over the connected ones: the wait the user did not have. */
  medianSavedMs: z.number().nullable(),
  totalSavedMs: z.number(),
});
export type IntentSummary = z.infer<typeof intentSummarySchema>;

export const startLatencyStatsSchema = z.object({
  since: z.string(),
  start: latencySummarySchema,
  wake: latencySummarySchema,
  intent: intentSummarySchema,
});
export type StartLatencyStats = z.infer<typeof startLatencyStatsSchema>;

export const startRecordSchema = z.object({
  kind: z.enum(["start", "wake"]),
  ok: z.boolean(),
  at: z.string(),
  totalMs: z.number(),
  phases: z.record(z.string(), z.number()),
});
export type StartRecord = z.infer<typeof startRecordSchema>;

export const sessionLatencyResponse = z.object({
  /** The whole workspace over the window (last day). */
  workspace: startLatencyStatsSchema,
  /** This session over the window. */
  session: startLatencyStatsSchema,
  recent: z.array(startRecordSchema),
});
export type SessionLatencyResponse = z.infer<typeof sessionLatencyResponse>;
