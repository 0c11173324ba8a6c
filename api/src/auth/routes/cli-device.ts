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
const approver = [requireAuth, requireUserSession, rateLimit("device.approve", { byUser: true })];

router.openapi(
  route.post("/api/cli/device/start", {
    summary: "Start a CLI sign-in; show userCode and open verificationUri",
    middleware: [rateLimit("device.start")] as const,
    responses: { 200: jsonResponse(deviceStartResponseSchema) },
  }),
  async (c) => {
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
);

router.openapi(
  route.post("/api/cli/device/inspect", {
    summary: "When and from where a pending CLI sign-in was asked for (shown before approving)",
    middleware: approver,
    request: jsonBody(deviceInspectBodySchema),
    responses: { 200: jsonResponse(deviceRequestViewSchema) },
  }),
  async (c) => c.json(await describeDeviceRequest(c.env, c.req.valid("json").userCode), 200),
);

router.openapi(
  route.post("/api/cli/device/approve", {
    summary: "Approve a CLI sign-in from the signed-in browser",
    middleware: approver,
    request: jsonBody(deviceApproveBodySchema),
    responses: { 200: jsonResponse(okSchema) },
  }),
  async (c) => {
    const auth = c.get("auth");
    const body = c.req.valid("json");
    await verifyTurnstile(c, body.turnstileToken, "device_approve");
    await decide(c.env, body.userCode, { approve: true, userId: auth.userId, workspaceId: auth.workspaceId });
    await audit(c, { action: "auth.device_approve", targetType: "device_code", targetId: formatUserCode(body.userCode) });
    return c.json({ ok: true as const }, 200);
  },
);

router.openapi(
  route.post("/api/cli/device/deny", {
    summary: "Refuse a CLI sign-in request",
    middleware: approver,
    request: jsonBody(deviceDenyBodySchema),
    responses: { 200: jsonResponse(okSchema) },
  }),
  async (c) => {
    const body = c.req.valid("json");
    await decide(c.env, body.userCode, { approve: false });
    await audit(c, { action: "auth.device_deny", targetType: "device_code", targetId: formatUserCode(body.userCode) });
    return c.json({ ok: true as const }, 200);
  },
);

router.openapi(
  route.post("/api/cli/device/exchange", {
    summary: "Poll: tokens once approved, else authorization_pending / slow_down / expired_token / access_denied",
    middleware: [rateLimit("device.exchange")] as const,
    request: jsonBody(deviceExchangeBodySchema),
    responses: { 200: jsonResponse(tokenPairSchema) },
  }),
  async (c) => {
    const { deviceCode } = c.req.valid("json");
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
);

export default router;
