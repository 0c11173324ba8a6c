import { requireAuth, requireOperator } from "../../middleware/auth";

/** Routes about the signed-in user rather than a workspace resource (list mine, switch, accept). */
export const signedIn = () => [requireAuth];
export const operatorOnly = () => [requireAuth, requireOperator];
