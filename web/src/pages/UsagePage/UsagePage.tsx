import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useIsOperator } from "../../api/queries/admin";
import { usageQuery } from "../../api/queries/usage";
import { planQuery, useSetPlan } from "../../api/queries/workspaces";
import { UsagePageView } from "./UsagePageView";

export function UsagePage() {
  const [days, setDays] = useState(30);
  const plan = useQuery(planQuery());
  const usage = useQuery(usageQuery(days));
  const setPlan = useSetPlan();
  return (
    <UsagePageView
      plan={plan.data}
      usage={usage.data}
      loading={plan.isPending || usage.isPending}
      error={plan.error ?? usage.error}
      days={days}
      onDays={setDays}
      canChangePlan={useIsOperator()}
      changePlan={{ run: (p) => setPlan.mutate(p), pending: setPlan.isPending, error: setPlan.error }}
    />
  );
}
