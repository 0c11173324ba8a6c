import { redactCredentials } from "@burstflare/sdk/log-redact";

type Level = "debug" | "info" | "warn" | "error";

/**
 * Structured JSON logs: one object per line so Workers observability can index the fields.
 * Every line is redacted: request paths and error messages may carry share, preview or SSH
 * credentials.
 */
export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  const line = redactCredentials(JSON.stringify({ level, message, time: new Date().toISOString(), ...fields }));
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
