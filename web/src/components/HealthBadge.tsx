import { useQuery } from "@tanstack/react-query";
import { healthQuery } from "../api/queries/health";

/** Live platform health from /api/health, shown in the shell's header. */
export function HealthBadge() {
  const { data, isError, isPending } = useQuery(healthQuery());
  const status = isPending ? "checking" : isError || !data?.ok ? "degraded" : "healthy";
  return (
    <span
      className={`health-badge health-${status}`}
      data-testid="health-status"
      title={data ? `runtime driver: ${data.runtimeDriver}` : undefined}
    >
      {status === "healthy" ? "All systems go" : status === "checking" ? "Checking…" : "Degraded"}
      {data && <span className="health-driver"> · {data.runtimeDriver} runtime</span>}
    </span>
  );
}
