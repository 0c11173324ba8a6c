import { ApiError } from "@burstflare/sdk/errors";
import type { Hook } from "@hono/zod-openapi";
import type { z } from "zod";
import type { AppEnv } from "../env";

function zodIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

function validationError(error: z.ZodError): ApiError {
  const issues = zodIssues(error);
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
  return new ApiError("validation_failed", summary || "invalid input", { details: issues });
}

/** Route validation failures become 400 validation_failed with field-level details. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (!result.success) throw validationError(result.error as z.ZodError);
};

/** Parse a value that did not come through a route validator (queue messages, frames, stored JSON). */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error);
  return result.data;
}

/** Whether the request carries a JSON body (routes whose body is optional validate it only then). */
export function hasJSONBody(c: { req: { header(name: string): string | undefined } }): boolean {
  return (c.req.header("content-type") ?? "").includes("application/json") && c.req.header("content-length") !== "0";
}
