import { ApiError } from "@burstflare/sdk/errors";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { meQuery } from "../api/queries/auth";
import { ErrorState, Spinner } from "../components/states";
import { signInPathFor } from "./next-path";

/** App pages anyone may see without an account. */
const PUBLIC_PATHS = new Set(["/status"]);

/** Sends signed-out visitors to sign-in (coming back here afterwards); everyone else sees the page. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const location = useLocation();
  const me = useQuery(meQuery());
  if (PUBLIC_PATHS.has(location.pathname)) return children;
  if (me.isPending) {
    return (
      <div className="auth-screen">
        <Spinner label="Checking your session…" />
      </div>
    );
  }
  if (me.error) {
    if (me.error instanceof ApiError && me.error.code === "unauthorized") {
      return <Navigate to={signInPathFor(location.pathname + location.search)} replace />;
    }
    return (
      <div className="auth-screen">
        <ErrorState error={me.error} onRetry={() => me.refetch()} />
      </div>
    );
  }
  return children;
}
