import type { Build } from "@burstflare/sdk/schemas/builds";
import { buildSchema } from "@burstflare/sdk/schemas/builds";
import type { BuildState } from "@burstflare/sdk/states";
import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { client, returns } from "../client";
import { templateKeys } from "./templates";

export const buildKeys = {
  all: ["builds"] as const,
  list: (status?: BuildState, templateId?: string) => ["builds", "list", status ?? "all", templateId ?? "any"] as const,
  detail: (id: string) => ["builds", "detail", id] as const,
};

/** Builds that are still moving; pages poll while any is shown. */
const ACTIVE_BUILD_STATES: readonly BuildState[] = ["queued", "building", "retrying"];
export const isBuildActive = (status: BuildState) => ACTIVE_BUILD_STATES.includes(status);

export const buildsQuery = (filter: { status?: BuildState; templateId?: string } = {}) =>
  queryOptions({
    queryKey: buildKeys.list(filter.status, filter.templateId),
    queryFn: async () => {
      const query = { status: filter.status || undefined, templateId: filter.templateId || undefined };
      return (await client.call("GET /api/template-builds", { query, returns: returns<{ builds: Build[] }>() })).builds;
    },
    refetchInterval: (query) => (query.state.data?.some((b) => isBuildActive(b.status)) ? 2_000 : 20_000),
  });

export const buildQuery = (id: string) =>
  queryOptions({
    queryKey: buildKeys.detail(id),
    queryFn: () => client.call("GET /api/template-builds/{buildId}", { params: { buildId: id }, schema: buildSchema }),
    refetchInterval: (query) => (query.state.data && !isBuildActive(query.state.data.status) ? false : 1_500),
  });

export const buildArtifactURL = (id: string) => `/api/template-builds/${encodeURIComponent(id)}/artifact`;

export function useRetryBuild() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      client.call("POST /api/template-builds/{buildId}/retry", { params: { buildId: id }, body: {}, schema: buildSchema }),
    onSuccess: (build) => qc.setQueryData(buildKeys.detail(build.id), build),
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: buildKeys.all }), qc.invalidateQueries({ queryKey: templateKeys.all })]),
  });
}

const LOG_POLL_MS = 1_000;

/**
 * The build log, followed live: fetches only the bytes after what it already has
 * (`?offset=`) every second until the build settles, then once more for the tail.
 */
export function useBuildLog(buildId: string, active: boolean): { text: string; error: unknown } {
  const [state, setState] = useState<{ id: string; text: string; bytes: number; error: unknown }>({
    id: buildId,
    text: "",
    bytes: 0,
    error: null,
  });
  const current = state.id === buildId ? state : { id: buildId, text: "", bytes: 0, error: null };

  // biome-ignore lint/correctness/useExhaustiveDependencies: `active` restarts following when a retry re-queues a finished build
  useEffect(() => {
    let cancelled = false;
    let bytes = 0;
    let text = "";
    let timer: ReturnType<typeof setTimeout> | undefined;
    const decoder = new TextDecoder();
    const poll = async () => {
      try {
        const res = await client.callRaw("GET /api/template-builds/{buildId}/log", { params: { buildId }, query: { offset: bytes } });
        const chunk = new Uint8Array(await res.arrayBuffer());
        if (cancelled) return;
        if (chunk.length > 0) {
          bytes += chunk.length;
          text += decoder.decode(chunk, { stream: true });
          setState({ id: buildId, text, bytes, error: null });
        }
        const status = res.headers.get("x-build-status") as BuildState | null;
        if (status && isBuildActive(status)) timer = setTimeout(poll, LOG_POLL_MS);
      } catch (error) {
        if (!cancelled) setState((s) => ({ ...s, id: buildId, error }));
      }
    };
    void poll();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [buildId, active]);

  return { text: current.text, error: current.error };
}
