import type { Action } from "@burstflare/sdk/permissions";
import { requireAuth, requireOperator, requirePermission } from "../../middleware/auth";

/** Route middleware: signed in, then the permission table for the caller's current workspace. */
export const guard = (action: Action) => [requireAuth, requirePermission(action)];
/** Routes about the signed-in user rather than a workspace resource (list mine, switch, accept). */
export const signedIn = () => [requireAuth];
export const operatorOnly = () => [requireAuth, requireOperator];
