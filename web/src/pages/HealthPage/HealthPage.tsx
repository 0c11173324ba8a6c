import { useQuery } from "@tanstack/react-query";
import { healthQuery } from "../../api/queries/health";
import { HealthPageView } from "./HealthPageView";

export function HealthPage() {
  const query = useQuery(healthQuery());
  return <HealthPageView health={query.data} error={query.error} loading={query.isPending} />;
}
