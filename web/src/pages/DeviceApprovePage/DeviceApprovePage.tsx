import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useLocation } from "react-router";
import { approveDevice, authConfigQuery, denyDevice, meQuery } from "../../api/queries/auth";
import { DeviceApprovePageView } from "./DeviceApprovePageView";
import { DeviceRequestDetails } from "./DeviceRequestDetails";

export function DeviceApprovePage() {
  const location = useLocation();
  const me = useQuery(meQuery());
  const config = useQuery(authConfigQuery());
  const [turnstileToken, setTurnstileToken] = useState<string>();
  const approve = useMutation({ mutationFn: (code: string) => approveDevice(code, turnstileToken) });
  const deny = useMutation({ mutationFn: denyDevice });
  return (
    <DeviceApprovePageView
      initialCode={new URLSearchParams(location.search).get("code") ?? ""}
      me={me.data}
      turnstileSiteKey={config.data?.turnstileSiteKey}
      onTurnstile={setTurnstileToken}
      busy={approve.isPending || deny.isPending}
      error={approve.error ?? deny.error}
      outcome={approve.isSuccess ? "approved" : deny.isSuccess ? "denied" : null}
      onApprove={(code) => approve.mutate(code)}
      onDeny={(code) => deny.mutate(code)}
      requestDetails={(code) => <DeviceRequestDetails code={code} />}
    />
  );
}
