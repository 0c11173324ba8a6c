import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router";
import { buildArtifactURL, buildQuery, isBuildActive, useBuildLog, useRetryBuild } from "../../api/queries/builds";
import { useCan } from "../../api/queries/workspaces";
import { errorLine, queryStatus } from "../../components/states";
import { BuildDetailPageView } from "./BuildDetailPageView";

export function BuildDetailPage() {
  const { id = "" } = useParams();
  const query = useQuery(buildQuery(id));
  const active = query.data ? isBuildActive(query.data.status) : true;
  const log = useBuildLog(id, active);
  const retry = useRetryBuild();
  const canRetry = useCan("builds.write");
  const canDownload = useCan("runtime.access");
  return (
    <BuildDetailPageView
      build={query.data}
      {...queryStatus(query)}
      log={log.text}
      logError={log.error}
      artifactURL={canDownload ? buildArtifactURL(id) : null}
      canRetry={canRetry}
      retrying={retry.isPending}
      retryError={retry.error ? errorLine(retry.error) : null}
      onRetryBuild={() => retry.mutate(id)}
    />
  );
}
