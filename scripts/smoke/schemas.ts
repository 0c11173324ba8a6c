/**
 * The answer schema of every route the smoke calls, so each answer is checked against the contract
 * (scripts/smoke/steps.mjs loads this file through tsx: sdk/schemas imports without extensions).
 */
import type { RouteKey } from "@burstflare/sdk/client";
import { adminReportSchema } from "@burstflare/sdk/schemas/admin";
import {
  ceremonyStartResponseSchema,
  createApiTokenResponseSchema,
  loginFinishResponseSchema,
  meResponseSchema,
  okSchema,
  operatorBootstrapResponseSchema,
  registerFinishResponseSchema,
} from "@burstflare/sdk/schemas/auth";
import { buildSchema } from "@burstflare/sdk/schemas/builds";
import { healthSchema } from "@burstflare/sdk/schemas/health";
import { sessionDetailResponse, sessionResponse } from "@burstflare/sdk/schemas/sessions";
import { snapshotListSchema, snapshotSchema } from "@burstflare/sdk/schemas/snapshots";
import { createVersionResponse, templateDetailSchema, templateSchema, uploadResultSchema } from "@burstflare/sdk/schemas/templates";
import type { z } from "zod";

export const SMOKE_SCHEMAS = {
  "GET /api/health": healthSchema,
  "GET /api/auth/me": meResponseSchema,
  "POST /api/auth/passkeys/register/start": ceremonyStartResponseSchema,
  "POST /api/auth/passkeys/register/finish": registerFinishResponseSchema,
  "POST /api/admin/bootstrap": operatorBootstrapResponseSchema,
  "POST /api/auth/passkeys/login/start": ceremonyStartResponseSchema,
  "POST /api/auth/passkeys/login/finish": loginFinishResponseSchema,
  "POST /api/auth/tokens": createApiTokenResponseSchema,
  "DELETE /api/auth/tokens/{tokenId}": okSchema,
  "POST /api/templates": templateSchema,
  "POST /api/templates/{templateId}/versions": createVersionResponse,
  "PUT /api/uploads/{grantId}": uploadResultSchema,
  "GET /api/template-builds/{buildId}": buildSchema,
  "POST /api/templates/{templateId}/promote": templateDetailSchema,
  "DELETE /api/templates/{templateId}": okSchema,
  "POST /api/sessions": sessionResponse,
  "GET /api/sessions/{sessionId}": sessionDetailResponse,
  "POST /api/sessions/{sessionId}/snapshots": snapshotSchema,
  "GET /api/sessions/{sessionId}/snapshots": snapshotListSchema,
  "POST /api/sessions/{sessionId}/stop": sessionResponse,
  "DELETE /api/sessions/{sessionId}": sessionResponse,
  "GET /api/admin/report": adminReportSchema,
} satisfies Partial<Record<RouteKey, z.ZodType>>;
