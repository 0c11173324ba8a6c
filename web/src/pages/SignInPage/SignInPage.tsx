import { ApiError } from "@burstflare/sdk/errors";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useLocation, useNavigate } from "react-router";
import { cancelCeremonies, resetSession, signInWithAutofill, signInWithPasskey } from "../../api/queries/auth";
import { nextPath } from "../../auth/next-path";
import { SignInPageView } from "./SignInPageView";

/** The person dismissed the browser prompt or a newer ceremony replaced this one: not an error to show. */
const isCancel = (err: unknown) =>
  err instanceof Error && !(err instanceof ApiError) && /abort|cancel|NotAllowed/i.test(`${err.name} ${err.message}`);

export function SignInPage() {
  const location = useLocation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const done = async () => {
    await resetSession(client);
    const next = nextPath(location.search);
    // A share link (/runtime/share/…) is served by the Worker, not by this SPA's router.
    if (next.startsWith("/runtime/")) window.location.assign(next);
    else navigate(next, { replace: true });
  };
  const modal = useMutation({ mutationFn: signInWithPasskey, onSuccess: done });
  const doneRef = useRef(done);
  doneRef.current = done;

  // Conditional UI: passkeys offered in the email field's autofill. It starts when the field
  // is first focused rather than on load, so it never races an explicit "Sign in" click (an
  // authenticator that answers without a person, as in automated browsers, would win that race).
  const autofill = useRef<"idle" | "started" | "closed">("idle");
  const startAutofill = () => {
    if (autofill.current !== "idle") return;
    autofill.current = "started";
    signInWithAutofill()
      .then(async (user) => {
        if (autofill.current === "started" && user) await doneRef.current();
      })
      .catch(() => {});
  };
  useEffect(
    () => () => {
      if (autofill.current === "started") cancelCeremonies();
      autofill.current = "closed";
    },
    [],
  );

  return (
    <SignInPageView
      busy={modal.isPending}
      error={modal.error && !isCancel(modal.error) ? modal.error : null}
      onEmailFocus={startAutofill}
      onSignIn={(email) => {
        // The explicit ceremony replaces a pending autofill one (one WebAuthn request at a time).
        if (autofill.current === "started") autofill.current = "idle";
        modal.mutate(email || undefined);
      }}
    />
  );
}
