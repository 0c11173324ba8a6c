import { ApiError } from "@burstflare/sdk/errors";
import { BUNDLE_MAX_BYTES, UPLOAD_GRANT_TTL_MS, type UploadGrant } from "@burstflare/sdk/schemas/templates";
import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { iso, now } from "../lib/time";
import { findGrant, insertGrant, markGrantUnused, markGrantUsed, type UploadGrantRecord } from "./upload-grants-repo";

export async function createGrant(
  env: AppBindings,
  opts: { workspaceId: string; versionId: string; userId: string; origin: string },
): Promise<UploadGrant> {
  const id = newId("upg");
  const t = now();
  const expiresAt = t + UPLOAD_GRANT_TTL_MS;
  await insertGrant(dbOf(env), {
    id,
    workspaceId: opts.workspaceId,
    versionId: opts.versionId,
    userId: opts.userId,
    maxBytes: BUNDLE_MAX_BYTES,
    createdAt: t,
    expiresAt,
  });
  return { id, url: `${opts.origin}/api/uploads/${id}`, expiresAt: iso(expiresAt) as string, maxBytes: BUNDLE_MAX_BYTES };
}

/**
 * Takes the grant for one upload attempt. Only its own user sees it (404 otherwise); a used
 * or expired grant is 410. The claim is one conditional UPDATE, so two racing PUTs cannot
 * both win.
 */
export async function claimGrant(env: AppBindings, grantId: string, userId: string): Promise<UploadGrantRecord> {
  const db = dbOf(env);
  const grant = await findGrant(db, grantId);
  if (!grant || grant.userId !== userId) throw new ApiError("not_found", "upload grant not found");
  const t = now();
  if (grant.usedAt != null) throw new ApiError("gone", "upload grant already used");
  if (grant.expiresAt <= t) throw new ApiError("gone", "upload grant expired");
  if (!(await markGrantUsed(db, grantId, t))) throw new ApiError("gone", "upload grant already used");
  return { ...grant, usedAt: t };
}

/** A rejected upload gives the grant back so the person can send a corrected bundle before it expires. */
export async function releaseGrant(env: AppBindings, grantId: string): Promise<void> {
  await markGrantUnused(dbOf(env), grantId);
}
