import type { Me } from "@burstflare/sdk/schemas/auth";
import { type ReactNode, useState } from "react";
import { Turnstile } from "../../auth/Turnstile";
import { FormField } from "../../components/FormField";
import { TerminalIcon } from "../../components/icons";
import { PageHeader } from "../../components/PageHeader";
import { ErrorState } from "../../components/states";

interface Props {
  initialCode: string;
  me: Me | undefined;
  turnstileSiteKey: string | null | undefined;
  onTurnstile: (t: string | undefined) => void;
  busy: boolean;
  error: unknown;
  outcome: "approved" | "denied" | null;
  onApprove: (code: string) => void;
  onDeny: (code: string) => void;
  /** Shows when and from where the code was asked for (DeviceRequestDetails). */
  requestDetails?: (code: string) => ReactNode;
}

export function DeviceApprovePageView(p: Props) {
  const [code, setCode] = useState(p.initialCode);
  return (
    <div className="device-page">
      <PageHeader title="Sign in the flare CLI" description="Only approve a code you started yourself, in a terminal you control." />
      <section className="card stack device-card">
        {p.outcome === "approved" ? (
          <div className="alert alert-info" role="status" data-testid="device-approved">
            <TerminalIcon /> The CLI is signed in{p.me ? ` as ${p.me.user.email} in ${p.me.workspace.name}` : ""}. You can close this tab.
          </div>
        ) : p.outcome === "denied" ? (
          <div className="alert alert-warn" role="status" data-testid="device-denied">
            Request refused. The CLI will not be signed in.
          </div>
        ) : (
          <form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              p.onApprove(code);
            }}
          >
            <FormField label="Code shown by the CLI">
              <input
                className="input mono device-code-input"
                name="userCode"
                placeholder="XXXX-XXXX"
                autoComplete="off"
                spellCheck={false}
                required
                value={code}
                onChange={(e) => setCode(e.target.value.toUpperCase())}
                data-testid="device-code"
              />
            </FormField>
            {p.requestDetails?.(code)}
            {p.me && (
              <p className="small muted">
                The CLI will act as <strong>{p.me.user.email}</strong> in workspace <strong>{p.me.workspace.name}</strong>.
              </p>
            )}
            <Turnstile siteKey={p.turnstileSiteKey} action="device_approve" onToken={p.onTurnstile} />
            {p.error ? <ErrorState error={p.error} /> : null}
            <div className="row">
              <button type="submit" className="btn btn-primary" disabled={p.busy || code.trim().length < 8}>
                Approve
              </button>
              <button type="button" className="btn btn-ghost" disabled={p.busy || code.trim().length < 8} onClick={() => p.onDeny(code)}>
                Deny
              </button>
            </div>
          </form>
        )}
      </section>
    </div>
  );
}
