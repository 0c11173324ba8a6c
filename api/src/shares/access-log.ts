import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { insertShareAccess, type NewShareAccess } from "./share-access-repo";

/** One request made with a share link; `path` is the path inside the preview (no token), with its query. */
export type AccessEntry = Omit<NewShareAccess, "id">;

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
