/**
 * Every error the API can answer with. The status map is a Record over the
 * codes so the compiler refuses a code without a status.
 */
export const ErrorCode = {
  bad_request: "bad_request",
  validation_failed: "validation_failed",
  payload_too_large: "payload_too_large",
  unauthorized: "unauthorized",
  csrf_failed: "csrf_failed",
  forbidden: "forbidden",
  /** The credential is an API token, and this needs a person's sign-in (or a wider token). */
  token_not_allowed: "token_not_allowed",
  signup_closed: "signup_closed",
  quota_exceeded: "quota_exceeded",
  turnstile_failed: "turnstile_failed",
  not_found: "not_found",
  conflict: "conflict",
  invalid_state: "invalid_state",
  gone: "gone",
  unsafe_archive: "unsafe_archive",
  checksum_mismatch: "checksum_mismatch",
  challenge_invalid: "challenge_invalid",
  authorization_pending: "authorization_pending",
  slow_down: "slow_down",
  expired_token: "expired_token",
  access_denied: "access_denied",
  token_reused: "token_reused",
  rate_limited: "rate_limited",
  runtime_unavailable: "runtime_unavailable",
  internal: "internal",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const errorStatus: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  payload_too_large: 413,
  unauthorized: 401,
  csrf_failed: 403,
  forbidden: 403,
  token_not_allowed: 403,
  signup_closed: 403,
  quota_exceeded: 403,
  turnstile_failed: 403,
  not_found: 404,
  conflict: 409,
  invalid_state: 409,
  gone: 410,
  unsafe_archive: 422,
  checksum_mismatch: 400,
  challenge_invalid: 400,
  authorization_pending: 400,
  slow_down: 400,
  expired_token: 400,
  access_denied: 403,
  token_reused: 401,
  rate_limited: 429,
  runtime_unavailable: 503,
  internal: 500,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** The one error type the API throws; `onError` turns it into an ErrorBody. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, message: string, opts: { details?: unknown; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = errorStatus[code];
    this.details = opts.details;
    this.headers = opts.headers;
  }
}

export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== "object" || value === null || !("error" in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === "object" && error !== null && "code" in error && "message" in error;
}
