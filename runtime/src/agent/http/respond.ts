import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, type ErrorBody } from "@burstflare/sdk/errors";
import type { z } from "zod";

export function sendJSON(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(data), ...headers });
  res.end(data);
}

export function sendError(res: ServerResponse, err: unknown): void {
  const apiError = err instanceof ApiError ? err : null;
  if (!apiError) console.error("agent: unhandled error", err);
  const body: ErrorBody = {
    error: { code: apiError?.code ?? "internal", message: apiError?.message ?? "internal error" },
  };
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJSON(res, apiError?.status ?? 500, body, apiError?.headers);
}

/** Reads a small body fully; refuses more than maxBytes with 413. */
async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) throw new ApiError("payload_too_large", `body exceeds ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw new ApiError("payload_too_large", `body exceeds ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function readJSON<S extends z.ZodType>(req: IncomingMessage, schema: S, maxBytes = 64 * 1024): Promise<z.infer<S>> {
  const raw = await readBody(req, maxBytes);
  let value: unknown;
  try {
    value = raw.length ? JSON.parse(raw.toString("utf8")) : {};
  } catch {
    throw new ApiError("bad_request", "body is not valid JSON");
  }
  return parseWith(schema, value);
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    throw new ApiError("validation_failed", `${where}${issue?.message ?? "invalid input"}`, { details: parsed.error.issues });
  }
  return parsed.data;
}

export function queryOf(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams.entries());
}
