import { isRouteErrorResponse, Link, useRouteError } from "react-router";
import { ErrorState } from "./states";

/** Shown when a route throws while rendering or a lazy chunk fails to load (e.g. after a deploy). */
export function RouteError() {
  const error = useRouteError();
  const chunkFailed = error instanceof Error && /dynamically imported module|Loading chunk/i.test(error.message);
  return (
    <div style={{ padding: "2rem", maxWidth: 640, margin: "0 auto" }} className="stack">
      <h1>{isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : "Something broke"}</h1>
      <ErrorState
        error={chunkFailed ? new Error("A new version of BurstFlare was deployed. Reload to get it.") : error}
        onRetry={() => window.location.reload()}
      />
      <Link to="/">Back to the dashboard</Link>
    </div>
  );
}
