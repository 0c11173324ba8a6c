import { operatorBootstrapBodySchema, operatorBootstrapResponseSchema } from "@burstflare/sdk/schemas/auth";
import { audit } from "../../lib/audit";
import { jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter } from "../../lib/route";
import { requireAuth } from "../../middleware/auth";
import { rateLimit } from "../../middleware/rate-limit";
import { BOOTSTRAP_PREFIX, isOperatorEmail, redeemBootstrapCode, redeemOperatorInvite } from "../operator-proof";

const { router, route } = apiRouter(["admin"]);

route.post("/api/admin/bootstrap", [requireAuth, rateLimit("auth.recover", { byUser: true })] as const, {
  summary:
    "Prove my email with a one-time bootstrap code or an operator's invite bound to it (operator rights need both this and OPERATOR_EMAILS)",
  request: jsonBody(operatorBootstrapBodySchema),
  responses: { 200: jsonResponse(operatorBootstrapResponseSchema) },
  handler: async (c, { auth, body: { code } }) => {
    const method: "bootstrap" | "operator_invite" = code.startsWith(BOOTSTRAP_PREFIX) ? "bootstrap" : "operator_invite";
    if (method === "bootstrap") await redeemBootstrapCode(c.env, auth, code);
    else await redeemOperatorInvite(c.env, auth, code);
    await audit(c, { action: "auth.email_proven", workspaceId: null, targetType: "user", targetId: auth.userId, details: { method } });
    return c.json({ isOperator: isOperatorEmail(c.env, auth.email), method }, 200);
  },
});

export default router;
