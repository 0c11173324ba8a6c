import { z } from "zod";
import { SNAPSHOT_KINDS } from "../states";
import { trimmedText, withoutControls, workspaceRecordFields } from "./common";
import { sessionNameSchema, sessionSchema } from "./sessions";

export const SNAPSHOT_STATUSES = ["pending", "ready", "failed"] as const;
export type SnapshotStatus = (typeof SNAPSHOT_STATUSES)[number];

export const snapshotLabelSchema = withoutControls(trimmedText(120));

/** One snapshot as the API shows it. `bytes` and `sha256` are null until the upload is verified. */
export const snapshotSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  workspaceId: z.string(),
  kind: z.enum(SNAPSHOT_KINDS),
  label: z.string().nullable(),
  status: z.enum(SNAPSHOT_STATUSES),
  bytes: z.number().int().nullable(),
  sha256: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  /** True for the session's restore point: its newest ready snapshot. */
  restorePoint: z.boolean(),
  /** `incremental`: holds only what changed since `baseId`; a restore assembles the chain. */
  format: z.enum(["full", "incremental"]).optional(),
  baseId: z.string().nullable().optional(),
  /** How the archive is compressed (`gzip;level=1`); null for older snapshots (gzip, default level). */
  encoding: z.string().nullable().optional(),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

/**
 * What the workspace's deleted snapshots still hold in storage: they count against `snapshotBytes`
 * until purged (`purgeAfter`: the last of them) or deleted permanently. Bytes 0 when none.
 */
export const deletedSnapshotBytesSchema = z.object({ bytes: z.number().int().nonnegative(), purgeAfter: z.string().nullable() });
export type DeletedSnapshotBytes = z.infer<typeof deletedSnapshotBytesSchema>;

export const snapshotListSchema = z.object({ snapshots: z.array(snapshotSchema), deleted: deletedSnapshotBytesSchema.optional() });

/** A snapshot in the workspace-wide list, which includes those of deleted sessions. */
export const workspaceSnapshotSchema = snapshotSchema.extend({ sessionName: z.string(), sessionDeleted: z.boolean() });
export type WorkspaceSnapshot = z.infer<typeof workspaceSnapshotSchema>;
export const workspaceSnapshotListSchema = z.object({ snapshots: z.array(workspaceSnapshotSchema) });

export const createSnapshotBody = z.object({ label: snapshotLabelSchema.optional() });
export type CreateSnapshotBody = z.infer<typeof createSnapshotBody>;

export const restoreSnapshotResult = z.object({
  restored: snapshotSchema,
  /** The automatic snapshot of the state the restore replaced. */
  safety: snapshotSchema,
});
export type RestoreSnapshotResult = z.infer<typeof restoreSnapshotResult>;

export const restoreIntoNewSessionBody = z.object({
  name: sessionNameSchema,
  /** Start the new session right away (default); its first start restores the snapshot. */
  start: z.boolean().optional(),
});
export type RestoreIntoNewSessionBody = z.infer<typeof restoreIntoNewSessionBody>;

export const restoreIntoNewSessionResult = z.object({ session: sessionSchema, snapshot: snapshotSchema });

export const workspaceExportSchema = z.object({
  ...workspaceRecordFields,
  bytes: z.number().int(),
  sha256: z.string(),
  createdAt: z.string(),
  /** Rows per section of the document (members, templates, sessions, auditLog, …). */
  counts: z.record(z.string(), z.number().int()),
  /** Authenticated download path (GET). */
  downloadURL: z.string(),
});
export type WorkspaceExport = z.infer<typeof workspaceExportSchema>;

export const workspaceExportListSchema = z.object({ exports: z.array(workspaceExportSchema) });
