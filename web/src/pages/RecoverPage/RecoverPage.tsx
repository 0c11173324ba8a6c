import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { addPasskey, authConfigQuery, recover, resetSession } from "../../api/queries/auth";
import { RecoverPageView } from "./RecoverPageView";

export function RecoverPage() {
  const navigate = useNavigate();
  const client = useQueryClient();
  const config = useQuery(authConfigQuery());
  const [turnstileToken, setTurnstileToken] = useState<string>();
  const recovery = useMutation({ mutationFn: recover, onSuccess: () => resetSession(client) });
  const passkey = useMutation({ mutationFn: () => addPasskey("Added after recovery") });
  const finish = () => navigate("/", { replace: true });
  return (
    <RecoverPageView
      turnstileSiteKey={config.data?.turnstileSiteKey}
      onTurnstile={setTurnstileToken}
      recovering={recovery.isPending}
      recoverError={recovery.error}
      recovered={recovery.data}
      onRecover={(email, code) => recovery.mutate({ email, code, turnstileToken })}
      addingPasskey={passkey.isPending}
      passkeyError={passkey.error}
      passkeyAdded={passkey.isSuccess}
      onAddPasskey={() => passkey.mutate()}
      onFinish={finish}
    />
  );
}
