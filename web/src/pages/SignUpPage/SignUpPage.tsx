import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useLocation, useNavigate } from "react-router";
import { authConfigQuery, resetSession, signUp } from "../../api/queries/auth";
import { nextPath } from "../../auth/next-path";
import { SignUpPageView } from "./SignUpPageView";

export function SignUpPage() {
  const location = useLocation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const config = useQuery(authConfigQuery());
  const invite = new URLSearchParams(location.search).get("invite") ?? "";
  const [turnstileToken, setTurnstileToken] = useState<string>();
  const mutation = useMutation({ mutationFn: signUp });
  return (
    <SignUpPageView
      config={config.data}
      initialInvite={invite}
      busy={mutation.isPending}
      error={mutation.error}
      recoveryCodes={mutation.data?.recoveryCodes}
      onTurnstile={setTurnstileToken}
      onSubmit={(v) =>
        mutation.mutate({ email: v.email, name: v.name || undefined, inviteCode: v.inviteCode || undefined, turnstileToken })
      }
      onContinue={async () => {
        await resetSession(client);
        navigate(nextPath(location.search), { replace: true });
      }}
    />
  );
}
