import { z } from "zod";
import { emailSchema, withoutControls } from "./common";

/**
 * Preview share links: who may open a session's preview through `/runtime/share/<token>/…`.
 * `people` = the listed emails of signed-in users, `workspace` = any member of the session's
 * workspace, `anyone` = whoever holds the link. A link only ever reaches the preview.
 */
export const SHARE_SCOPES = ["people", "workspace", "anyone"] as const;
export type ShareScope = (typeof SHARE_SCOPES)[number];

export const SHARE_STATUSES = ["active", "expired", "revoked"] as const;
export type ShareStatus = (typeof SHARE_STATUSES)[number];

export const MIN_SHARE_TTL_SECONDS = 60;
export const MAX_SHARE_TTL_SECONDS = 30 * 24 * 3600;
export const MAX_SHARE_EMAILS = 50;
/** Where share links live; only `/api/*` and `/runtime/*` reach the Worker in production. */
export const SHARE_PATH_PREFIX = "/runtime/share/";

export const createShareBody = z.object({
  scope: z.enum(SHARE_SCOPES),
  /** Required (at least one) for `people`, refused for the other scopes. */
  emails: z.array(emailSchema).max(MAX_SHARE_EMAILS).optional(),
  expiresInSeconds: z.number().int().min(MIN_SHARE_TTL_SECONDS).max(MAX_SHARE_TTL_SECONDS),
  label: withoutControls(z.string().trim().max(80)).optional(),
  /** A port of the session other than its preview (the ports panel); absent = the preview. */
  port: z.number().int().min(1).max(65535).optional(),
});
export type CreateShareBody = z.infer<typeof createShareBody>;

export const shareSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  scope: z.enum(SHARE_SCOPES),
  emails: z.array(z.string()),
  label: z.string().nullable(),
  createdBy: z.string(),
  createdByEmail: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  status: z.enum(SHARE_STATUSES),
  lastAccessAt: z.string().nullable(),
  accessCount: z.number().int(),
  /** The port the link opens; null or absent = the session's preview. */
  port: z.number().int().nullish(),
});
export type Share = z.infer<typeof shareSchema>;

/** The plaintext link exists only in this answer: the server keeps a hash of its token. */
export const createShareResponse = z.object({ share: shareSchema, url: z.string(), path: z.string() });
export type CreateShareResponse = z.infer<typeof createShareResponse>;
export const shareResponse = z.object({ share: shareSchema });
export const shareListResponse = z.object({ shares: z.array(shareSchema) });

export const SHARE_ACCESS_OUTCOMES = ["allowed", "refused"] as const;

export const shareAccessSchema = z.object({
  id: z.string(),
  shareId: z.string(),
  at: z.string(),
  /** null for a signed-out visitor. */
  userId: z.string().nullable(),
  email: z.string().nullable(),
  method: z.string(),
  path: z.string(),
  websocket: z.boolean(),
  outcome: z.enum(SHARE_ACCESS_OUTCOMES),
  reason: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});
export type ShareAccess = z.infer<typeof shareAccessSchema>;

export const shareAccessQuery = z.object({
  shareId: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const shareAccessListResponse = z.object({ entries: z.array(shareAccessSchema) });

/** `1h`, `30m`, `7d`, `90s` → seconds; null when not a duration. Shared by the CLI and the SPA. */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,6})\s*([smhd])$/.exec(text.trim().toLowerCase());
  if (!m) return null;
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as "s" | "m" | "h" | "d"];
  return Number(m[1]) * unit;
}
