import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { insertShareAccess } from "./share-access-repo";

export interface AccessEntry {
  shareId: string;
  sessionId: string;
  userId: string | null;
  email: string | null;
  method: string;
  /** The path inside the preview (no token), with its query. */
  path: string;
  websocket: boolean;
  outcome: "allowed" | "refused";
  reason: string | null;
  ip: string | null;
  userAgent: string | null;
  at: number;
}

const MAX_PATH = 1024;
const MAX_USER_AGENT = 512;

/** One row per request that matched a link; an allowed one also bumps the link's counters. */
export async function logShareAccess(env: AppBindings, e: AccessEntry): Promise<void> {
  await insertShareAccess(dbOf(env), {
    ...e,
    id: newId("sha"),
    method: e.method.slice(0, 16),
    path: e.path.slice(0, MAX_PATH),
    userAgent: e.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
  });
}
