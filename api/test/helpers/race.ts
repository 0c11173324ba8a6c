import { env } from "cloudflare:workers";

/**
 * Runs `a` and `b` together (Promise.all), one started first: `a` by `lead` D1 round trips when
 * lead >= 0, else `b` by -lead. A sweep of `lead` over rounds lands each call at every step of the
 * other's checks and write, which is where a check-then-write pair could lose a race.
 */
export async function raceAt<A, B>(lead: number, a: () => Promise<A>, b: () => Promise<B>): Promise<[A, B]> {
  if (lead >= 0) {
    const first = started(a());
    await roundTrips(lead);
    return Promise.all([first, b()]);
  }
  const first = started(b());
  await roundTrips(-lead);
  return Promise.all([a(), first]);
}

/** A rejection before the other call starts is still seen by Promise.all, not reported unhandled. */
function started<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

async function roundTrips(n: number): Promise<void> {
  for (let k = 0; k < n; k++) await env.DB.prepare("SELECT 1").first();
}
