import {
  deviceApproveBodySchema,
  deviceDenyBodySchema,
  deviceExchangeBodySchema,
  deviceInspectBodySchema,
  deviceRequestViewSchema,
  deviceStartResponseSchema,
  okSchema,
  tokenPairSchema,
} from "@burstflare/sdk/schemas/auth";
import { audit, writeAudit } from "../../lib/audit";
import { jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter } from "../../lib/route";
import { requireAuth } from "../../middleware/auth";
import { rateLimit } from "../../middleware/rate-limit";
import { authConfig } from "../config";
import {
  DEVICE_CODE_TTL_SECONDS,
  decide,
  describeDeviceRequest,
  formatUserCode,
  pollDevice,
  startDeviceAuthorization,
} from "../device-flow";
import { requireUserSession } from "../guards";
import { issueCLITokens } from "../refresh-tokens";
import { verifyTurnstile } from "../turnstile";

/** CLI sign-in by device authorization: the CLI starts and polls, a signed-in browser approves at /device. */
const { router, route } = apiRouter(["auth"]);
/** Looking at, approving and refusing a code: a signed-in person (not an API token), rate-limited per user. */
const approver = [requireAuth, requireUserSession, rateLimit("device.approve", { byUser: true })] as const;

route.post("/api/cli/device/start", [rateLimit("device.start")] as const, {
  summary: "Start a CLI sign-in; show userCode and open verificationUri",
  responses: { 200: jsonResponse(deviceStartResponseSchema) },
  handler: async (c) => {
    const { deviceCode, record } = await startDeviceAuthorization(c.env, {
      userAgent: c.req.header("user-agent") ?? null,
      ip: c.req.header("cf-connecting-ip") ?? null,
    });
    const verificationUri = `${authConfig(c.env).origin}/device`;
    const userCode = formatUserCode(record.userCode);
    return c.json(
      {
        deviceCode,
        userCode,
        verificationUri,
        verificationUriComplete: `${verificationUri}?code=${userCode}`,
        interval: record.interval,
        expiresIn: DEVICE_CODE_TTL_SECONDS,
      },
      200,
    );
  },
});

route.post("/api/cli/device/inspect", approver, {
  summary: "When and from where a pending CLI sign-in was asked for (shown before approving)",
  request: jsonBody(deviceInspectBodySchema),
  responses: { 200: jsonResponse(deviceRequestViewSchema) },
  handler: async (c, { body }) => c.json(await describeDeviceRequest(c.env, body.userCode), 200),
});

route.post("/api/cli/device/approve", approver, {
  summary: "Approve a CLI sign-in from the signed-in browser",
  request: jsonBody(deviceApproveBodySchema),
  responses: { 200: jsonResponse(okSchema) },
  handler: async (c, { auth, body }) => {
    await verifyTurnstile(c, body.turnstileToken, "device_approve");
    await decide(c.env, body.userCode, { approve: true, userId: auth.userId, workspaceId: auth.workspaceId });
    await audit(c, { action: "auth.device_approve", targetType: "device_code", targetId: formatUserCode(body.userCode) });
    return c.json({ ok: true as const }, 200);
  },
});

route.post("/api/cli/device/deny", approver, {
  summary: "Refuse a CLI sign-in request",
  request: jsonBody(deviceDenyBodySchema),
  responses: { 200: jsonResponse(okSchema) },
  handler: async (c, { body }) => {
    await decide(c.env, body.userCode, { approve: false });
    await audit(c, { action: "auth.device_deny", targetType: "device_code", targetId: formatUserCode(body.userCode) });
    return c.json({ ok: true as const }, 200);
  },
});

route.post("/api/cli/device/exchange", [rateLimit("device.exchange")] as const, {
  summary: "Poll: tokens once approved, else authorization_pending / slow_down / expired_token / access_denied",
  request: jsonBody(deviceExchangeBodySchema),
  responses: { 200: jsonResponse(tokenPairSchema) },
  handler: async (c, { body: { deviceCode } }) => {
    const { record, claim } = await pollDevice(c.env, deviceCode);
    await claim();
    const ip = c.req.header("cf-connecting-ip") ?? null;
    const tokens = await issueCLITokens(c.env, {
      userId: record.userId!,
      workspaceId: record.workspaceId,
      userAgent: record.userAgent,
      ip,
    });
    await writeAudit(c.env, {
      action: "auth.signin",
      actorId: record.userId,
      workspaceId: record.workspaceId,
      targetType: "sign_in",
      targetId: tokens.signInId,
      details: { method: "device_code" },
      ip,
      requestId: c.get("requestId"),
    });
    const { signInId: _, ...pair } = tokens;
    return c.json(pair, 200);
  },
});

export default router;
