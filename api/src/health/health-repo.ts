import { z } from "zod";
import type { Db } from "../lib/db";

/** A round trip to D1 that touches no table: true when the database answers. */
export async function pingDb(db: Db): Promise<boolean> {
  return (await db.one(z.object({ one: z.number() }), "SELECT 1 AS one"))?.one === 1;
}
