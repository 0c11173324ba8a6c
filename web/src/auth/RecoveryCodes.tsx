import { CopyButton } from "../components/CopyButton";

/** One-time recovery codes, shown once: copy or download them now. */
export function RecoveryCodes({ codes }: { codes: string[] }) {
  const text = codes.join("\n");
  const download = `data:text/plain;charset=utf-8,${encodeURIComponent(`BurstFlare recovery codes (each works once)\n\n${text}\n`)}`;
  return (
    <div className="stack recovery-codes">
      <div className="alert alert-warn" role="note">
        Save these recovery codes somewhere safe. Each one signs you in once if you lose your passkeys. They will not be shown again.
      </div>
      <ol className="recovery-code-list mono" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ol>
      <div className="row">
        <CopyButton text={text} label="Copy recovery codes" />
        <a className="btn btn-sm" href={download} download="burstflare-recovery-codes.txt">
          Download
        </a>
      </div>
    </div>
  );
}
