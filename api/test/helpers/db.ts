import { env } from "cloudflare:workers";

/** Tables a test counts per workspace, to prove a refused request wrote nothing. */
type WorkspaceTable = "sessions" | "snapshots" | "session_intents";

/** How many rows of `table` belong to the workspace, read straight from D1 (not through the API under test). */
export async function countInWorkspace(table: WorkspaceTable, workspaceId: string): Promise<number> {
  return (await countRows(table, "workspace_id = ?", workspaceId)) ?? 0;
}

/** How many rows of `table` match `where` (with `?` bound to `params`), read straight from D1. */
export async function countRows(table: string, where: string, ...params: unknown[]): Promise<number | undefined> {
  const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`)
    .bind(...params)
    .first<{ n: number }>();
  return row?.n;
}
