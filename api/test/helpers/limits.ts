import type { ErrorBody } from "@burstflare/sdk/errors";
import { expect } from "vitest";

/**
 * Sends `create` `burst` times at once and expects exactly `fits` of them to be created (`ok`, 201 unless told); every
 * other one answers 403 quota_exceeded naming the limit and the count at it (`max` = `current`).
 * A limit checked before the write, not in it, lets the whole burst through.
 */
export async function expectBurstCapped(
  create: () => Promise<Response>,
  burst: number,
  fits: number,
  limit: string,
  max: number,
  ok = 201,
): Promise<void> {
  const answers = await Promise.all(Array.from({ length: burst }, create));
  expect(answers.filter((r) => r.status === ok)).toHaveLength(fits);
  const refused = answers.filter((r) => r.status !== ok);
  expect(refused).toHaveLength(burst - fits);
  for (const res of refused) {
    expect(res.status).toBe(403);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe("quota_exceeded");
    expect(body.error.details).toMatchObject({ limit, max, current: max });
  }
}

/**
 * Makes `n` rows through the API, `parallel` requests at a time and batch after batch, so a later
 * batch's rows are newer than an earlier one's; what each call made, in that order.
 */
export async function makeMany<T>(n: number, make: (i: number) => Promise<T>, parallel = 10): Promise<T[]> {
  const made: T[] = [];
  for (let start = 0; start < n; start += parallel) {
    const batch = Array.from({ length: Math.min(parallel, n - start) }, (_, k) => make(start + k));
    made.push(...(await Promise.all(batch)));
  }
  return made;
}
