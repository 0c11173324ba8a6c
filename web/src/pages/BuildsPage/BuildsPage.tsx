import { BUILD_STATES, type BuildState } from "@burstflare/sdk/states";
import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "react-router";
import { buildsQuery, useRetryBuild } from "../../api/queries/builds";
import { useCan } from "../../api/queries/workspaces";
import { errorLine, queryStatus } from "../../components/states";
import { BuildsPageView } from "./BuildsPageView";

const asState = (v: string | null): BuildState | undefined => BUILD_STATES.find((s) => s === v);

export function BuildsPage() {
  const [params, setParams] = useSearchParams();
  const status = asState(params.get("status"));
  const query = useQuery(buildsQuery({ status }));
  const retry = useRetryBuild();
  const canRetry = useCan("builds.write");
  return (
    <BuildsPageView
      {...queryStatus(query)}
      builds={query.data}
      status={status}
      canRetry={canRetry}
      retrying={retry.isPending ? (retry.variables ?? null) : null}
      retryError={retry.error ? errorLine(retry.error) : null}
      onStatus={(s) => setParams(s ? { status: s } : {})}
      onRetryBuild={(id) => retry.mutate(id)}
    />
  );
}
