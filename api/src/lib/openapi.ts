import { errorBodySchema } from "@burstflare/sdk/schemas/common";
import { z } from "@hono/zod-openapi";

/** Shorthands for createRoute(): a JSON request body and JSON responses with the shared error shape. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { body: { content: { "application/json": { schema } }, required: true } };
}

export function jsonResponse<T extends z.ZodType>(schema: T, description = "OK") {
  return { content: { "application/json": { schema } }, description };
}

/** A streamed (non-JSON) answer: the document names its media type, the body is opaque bytes. */
export function streamResponse(mediaType: string, description: string) {
  return { content: { [mediaType]: { schema: z.string() } }, description };
}

export const errorResponses = {
  400: jsonResponse(errorBodySchema, "Invalid input"),
  401: jsonResponse(errorBodySchema, "Not signed in"),
  403: jsonResponse(errorBodySchema, "Not allowed"),
  404: jsonResponse(errorBodySchema, "Not found"),
} as const;

/** A request that does not fit the resource's current state (archived, running, taken). */
export const conflict = { 409: errorResponses[400] } as const;
