import { RecoveryCodes } from "../../auth/RecoveryCodes";
import { ShieldIcon } from "../../components/icons";
import { ErrorState } from "../../components/states";
import { AccountSection } from "./AccountSection";

export interface RecoveryProps {
  remaining: number | undefined;
  codes: string[] | undefined;
  busy: boolean;
  error: unknown;
  onRegenerate: () => void;
}

export function RecoverySection({ remaining, codes, busy, error, onRegenerate }: RecoveryProps) {
  return (
    <AccountSection
      id="recovery"
      icon={<ShieldIcon />}
      title="Recovery codes"
      action={
        <button type="button" className="btn btn-sm" onClick={onRegenerate} disabled={busy} data-testid="regenerate-recovery-codes">
          {busy ? "Generating…" : "Generate new codes"}
        </button>
      }
    >
      <p className="muted" data-testid="recovery-remaining">
        {remaining === undefined ? "\u00a0" : `${remaining} of 10 unused.`} Generating new codes makes all old ones stop working.
      </p>
      {error ? <ErrorState error={error} /> : null}
      {codes && <RecoveryCodes codes={codes} />}
    </AccountSection>
  );
}
