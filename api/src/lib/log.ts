type Level = "debug" | "info" | "warn" | "error";

/** Structured JSON logs: one object per line so Workers observability can index the fields. */
export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, message, time: new Date().toISOString(), ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
