/** Stands for this app's origin while `next` is resolved; any other origin in the result means `next` left the app. */
const SELF = "https://app.invalid";

/**
 * Where to go after signing in: `?next=` when it is a path of this app, else the dashboard.
 * Resolved as the browser will resolve it: URL parsing drops tabs and newlines and reads `\` as
 * `/`, so `/\t/evil.example` or `/\/evil.example` are `//evil.example`, another site.
 */
export function nextPath(search: string): string {
  const next = new URLSearchParams(search).get("next");
  if (!next?.startsWith("/") || !URL.canParse(next, SELF)) return "/";
  const url = new URL(next, SELF);
  return url.origin === SELF ? `${url.pathname}${url.search}${url.hash}` : "/";
}

export const signInPathFor = (path: string): string => (path === "/" ? "/signin" : `/signin?next=${encodeURIComponent(path)}`);
