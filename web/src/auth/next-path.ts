/** Where to go after signing in: `?next=` when it is a same-site path, else the dashboard. */
export function nextPath(search: string): string {
  const next = new URLSearchParams(search).get("next");
  return next?.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

export const signInPathFor = (path: string): string => (path === "/" ? "/signin" : `/signin?next=${encodeURIComponent(path)}`);
