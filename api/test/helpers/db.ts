import { env } from "cloudflare:workers";

/** Tables a test counts per workspace, to prove a refused request wrote nothing. */
type WorkspaceTable = "sessions" | "snapshots" | "session_intents";

/** How many rows of `table` belong to the workspace, read straight from D1 (not through the API under test). */
export async function countInWorkspace(table: WorkspaceTable, workspaceId: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE workspace_id = ?`).bind(workspaceId).first<{ n: number }>();
  return row?.n ?? 0;
}
