import { operatorBootstrapBodySchema, operatorBootstrapResponseSchema } from "@burstflare/sdk/schemas/auth";
import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../lib/app";
import { audit } from "../../lib/audit";
import { errorResponses, jsonBody, jsonResponse } from "../../lib/openapi";
import { requireAuth } from "../../middleware/auth";
import { rateLimit } from "../../middleware/rate-limit";
import { BOOTSTRAP_PREFIX, isOperatorEmail, redeemBootstrapCode, redeemOperatorInvite } from "../operator-proof";

const router = createRouter();

router.openapi(
  createRoute({
    method: "post",
    path: "/api/admin/bootstrap",
    tags: ["admin"],
    summary:
      "Prove my email with a one-time bootstrap code or an operator's invite bound to it (operator rights need both this and OPERATOR_EMAILS)",
    middleware: [requireAuth, rateLimit("auth.recover", { byUser: true })] as const,
    request: jsonBody(operatorBootstrapBodySchema),
    responses: { 200: jsonResponse(operatorBootstrapResponseSchema), ...errorResponses },
  }),
  async (c) => {
    const auth = c.get("auth");
    const { code } = c.req.valid("json");
    const method: "bootstrap" | "operator_invite" = code.startsWith(BOOTSTRAP_PREFIX) ? "bootstrap" : "operator_invite";
    if (method === "bootstrap") await redeemBootstrapCode(c.env, auth, code);
    else await redeemOperatorInvite(c.env, auth, code);
    await audit(c, { action: "auth.email_proven", workspaceId: null, targetType: "user", targetId: auth.userId, details: { method } });
    return c.json({ isOperator: isOperatorEmail(c.env, auth.email), method }, 200);
  },
);

export default router;
