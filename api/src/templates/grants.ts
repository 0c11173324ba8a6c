import { ApiError } from "../../../sdk/errors";
import { BUNDLE_MAX_BYTES, UPLOAD_GRANT_TTL_MS, type UploadGrant } from "../../../sdk/schemas/templates";
import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { iso, now } from "../lib/time";

export interface GrantRow {
  id: string;
  workspace_id: string;
  version_id: string;
  user_id: string;
  max_bytes: number;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export async function createGrant(
  env: AppBindings,
  opts: { workspaceId: string; versionId: string; userId: string; origin: string },
): Promise<UploadGrant> {
  const id = newId("upg");
  const t = now();
  const expiresAt = t + UPLOAD_GRANT_TTL_MS;
  await env.DB.prepare(
    "INSERT INTO upload_grants (id, workspace_id, version_id, user_id, max_bytes, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
  )
    .bind(id, opts.workspaceId, opts.versionId, opts.userId, BUNDLE_MAX_BYTES, t, expiresAt)
    .run();
  return { id, url: `${opts.origin}/api/uploads/${id}`, expiresAt: iso(expiresAt) as string, maxBytes: BUNDLE_MAX_BYTES };
}

/**
 * Takes the grant for one upload attempt. Only its own user sees it (404 otherwise); a used
 * or expired grant is 410. The claim is one conditional UPDATE, so two racing PUTs cannot
 * both win.
 */
export async function claimGrant(env: AppBindings, grantId: string, userId: string): Promise<GrantRow> {
  const grant = await env.DB.prepare("SELECT * FROM upload_grants WHERE id = ?").bind(grantId).first<GrantRow>();
  if (!grant || grant.user_id !== userId) throw new ApiError("not_found", "upload grant not found");
  const t = now();
  if (grant.used_at != null) throw new ApiError("gone", "upload grant already used");
  if (grant.expires_at <= t) throw new ApiError("gone", "upload grant expired");
  const claimed = await env.DB.prepare("UPDATE upload_grants SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?")
    .bind(t, grantId, t)
    .run();
  if (claimed.meta.changes !== 1) throw new ApiError("gone", "upload grant already used");
  return { ...grant, used_at: t };
}

/** A rejected upload gives the grant back so the person can send a corrected bundle before it expires. */
export async function releaseGrant(env: AppBindings, grantId: string): Promise<void> {
  await env.DB.prepare("UPDATE upload_grants SET used_at = NULL WHERE id = ?").bind(grantId).run();
}
