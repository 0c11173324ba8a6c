import type { ErrorBody } from "@burstflare/sdk/errors";
import { expect } from "vitest";

/** What a create refused at its limit answers: the status, and the error body's fields that must match. */
interface Refusal {
  status: number;
  error: Partial<ErrorBody["error"]>;
}

/**
 * Sends `create` `burst` times at once and expects exactly `fits` of them to be made (`made`, the
 * route's success status); every other one answers `refused`. A limit checked before the write, not
 * in it, lets the whole burst through.
 */
export async function expectBurstRefused(
  create: () => Promise<Response>,
  burst: number,
  fits: number,
  made: number,
  refused: Refusal,
): Promise<void> {
  const answers = await Promise.all(Array.from({ length: burst }, create));
  expect(answers.filter((r) => r.status === made)).toHaveLength(fits);
  const others = answers.filter((r) => r.status !== made);
  expect(others).toHaveLength(burst - fits);
  for (const res of others) {
    expect(res.status).toBe(refused.status);
    expect(((await res.json()) as ErrorBody).error).toMatchObject(refused.error);
  }
}

/**
 * expectBurstRefused for a create answering 201 (or `made`), refused with 403 quota_exceeded naming the limit
 * and the count at it (`max` = `current`).
 */
export function expectBurstCapped(
  create: () => Promise<Response>,
  burst: number,
  fits: number,
  limit: string,
  max: number,
  made = 201,
): Promise<void> {
  return expectBurstRefused(create, burst, fits, made, {
    status: 403,
    error: { code: "quota_exceeded", details: { limit, max, current: max } },
  });
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
