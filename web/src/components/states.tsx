import { NetworkError } from "@burstflare/sdk/client";
import { ApiError } from "@burstflare/sdk/errors";
import type { ReactNode } from "react";
import { AlertIcon } from "./icons";

/** Loading, empty and error states shared by every page, so they look and read the same everywhere. */
export function Spinner({ label = "Loading…" }: { label?: string }) {
  return (
    <span className="row muted" role="status">
      <span className="spinner" aria-hidden />
      {label}
    </span>
  );
}

export function Skeleton({ lines = 3, height = 18 }: { lines?: number; height?: number }) {
  return (
    <div className="stack" style={{ gap: 8 }} role="status" aria-busy="true" aria-label="Loading">
      {Array.from({ length: lines }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <div key={i} className="skeleton" style={{ height, width: `${90 - i * 12}%` }} />
      ))}
    </div>
  );
}

export function EmptyState({
  icon,
  title,
  children,
  action,
}: {
  icon?: ReactNode;
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="empty-state">
      {icon && <div className="empty-icon">{icon}</div>}
      <strong>{title}</strong>
      {children && <div>{children}</div>}
      {action}
    </div>
  );
}

/** Human wording per error code; the server's message is shown beneath for detail. */
export function describeError(error: unknown): { title: string; detail: string } {
  if (error instanceof NetworkError) return { title: "Can't reach the server", detail: error.message };
  if (error instanceof ApiError) {
    const titles: Partial<Record<ApiError["code"], string>> = {
      unauthorized: "You are signed out",
      forbidden: "Your role does not allow this",
      not_found: "Not found",
      quota_exceeded: "Quota reached",
      invalid_state: "Not possible in the current state",
      conflict: "Someone changed this at the same time",
      rate_limited: "Too many requests — try again shortly",
      runtime_unavailable: "Can't reach the server",
      internal: "Something went wrong on our side",
    };
    return { title: titles[error.code] ?? "Request failed", detail: error.message };
  }
  return { title: "Something went wrong", detail: error instanceof Error ? error.message : String(error) };
}

/** An error as one line of text, for the places too small for an ErrorState. */
/** The loading, error and retry props of a view fed by one query. */
export interface QueryStatusProps {
  loading: boolean;
  error: unknown;
  onRetry: () => void;
}

/** A view's QueryStatusProps from the query behind it. */
export function queryStatus(query: { isPending: boolean; error: unknown; refetch: () => unknown }): QueryStatusProps {
  return { loading: query.isPending, error: query.error, onRetry: () => query.refetch() };
}

/** A detail view before its record is there: the skeleton while loading, else the error (or `missing`) with Retry. */
export function QueryPending({ loading, error, onRetry, missing }: QueryStatusProps & { missing?: Error }) {
  return loading ? <Skeleton lines={6} /> : <ErrorState error={error ?? missing} onRetry={onRetry} />;
}

export function errorLine(error: unknown): string {
  return `${describeError(error).title}: ${error instanceof Error ? error.message : ""}`;
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { title, detail } = describeError(error);
  return (
    <div className="alert alert-error" role="alert">
      <AlertIcon size={18} style={{ color: "var(--bad)", flex: "none", marginTop: 2 }} />
      <div className="stack" style={{ gap: 4, flex: 1 }}>
        <strong>{title}</strong>
        <span className="small muted">{detail}</span>
      </div>
      {onRetry && (
        <button type="button" className="btn btn-sm" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

/**
 * The body of a flush list card (`card` with padding 0): a padded skeleton while loading, the
 * error (with Retry when given), the empty state when there are no rows, else the rows.
 * `statePadding` pads the skeleton and the error alike (cards whose header sets its own inset).
 */
export function CardListBody({
  loading,
  error,
  onRetry,
  skeletonLines,
  isEmpty = false,
  empty,
  statePadding,
  children,
}: {
  loading: boolean;
  error: unknown;
  onRetry?: () => void;
  skeletonLines: number;
  isEmpty?: boolean;
  empty?: ReactNode;
  statePadding?: string;
  children: ReactNode;
}) {
  if (loading)
    return (
      <div style={{ padding: statePadding ?? "1.25rem" }}>
        <Skeleton lines={skeletonLines} />
      </div>
    );
  if (error)
    return (
      <div style={{ padding: statePadding ?? "1rem" }}>
        <ErrorState error={error} onRetry={onRetry} />
      </div>
    );
  return <>{isEmpty ? empty : children}</>;
}

/**
 * A flush card holding a list: CardListBody's loading, error and empty states inside; under it,
 * in every state, the error of an action on a row (`actionError`) and a `footer` (e.g. LoadMore).
 */
export function CardList({
  actionError,
  footer,
  ...body
}: Parameters<typeof CardListBody>[0] & { actionError?: unknown; footer?: ReactNode }) {
  return (
    <section className="card" style={{ padding: 0 }}>
      <CardListBody {...body} />
      {actionError ? (
        <div style={{ padding: "0 1rem 1rem" }}>
          <ErrorState error={actionError} />
        </div>
      ) : null}
      {footer}
    </section>
  );
}

/** A short error message in the red alert box (`role="alert"`, so it is announced); nothing while there is none. */
export function ErrorAlert({ small, children }: { small?: boolean; children: ReactNode }) {
  if (!children) return null;
  return (
    <div className={small ? "alert alert-error small" : "alert alert-error"} role="alert">
      {children}
    </div>
  );
}
