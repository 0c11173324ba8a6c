import type { SignIn } from "@burstflare/sdk/schemas/auth";
import { Badge } from "../../components/Badge";
import { MonitorIcon, TerminalIcon } from "../../components/icons";
import { timeAgo } from "../../components/time";
import { AccountList, type AccountListData, AccountRowText } from "./AccountList";
import { AccountSection } from "./AccountSection";

export interface SignInsProps extends AccountListData<SignIn> {
  onRevoke: (id: string) => void;
  onRevokeAll: () => void;
}

/** A readable device label from a user agent, without a parsing library. */
function deviceLabel(s: SignIn): string {
  if (s.kind === "cli") return "flare CLI";
  const ua = s.userAgent ?? "";
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /Chrom/.test(ua)
      ? "Chrome"
      : /Firefox\//.test(ua)
        ? "Firefox"
        : /Safari\//.test(ua)
          ? "Safari"
          : "Browser";
  const os = /Windows/.test(ua)
    ? "Windows"
    : /Mac OS X/.test(ua)
      ? "macOS"
      : /Android/.test(ua)
        ? "Android"
        : /iPhone|iPad/.test(ua)
          ? "iOS"
          : /Linux/.test(ua)
            ? "Linux"
            : "";
  return os ? `${browser} on ${os}` : browser;
}

export function SignInsSection({ onRevoke, onRevokeAll, currentId, ...data }: SignInsProps & { currentId: string | null }) {
  return (
    <AccountSection
      id="sign-ins"
      testId="sign-ins-section"
      icon={<MonitorIcon />}
      title="Sign-ins"
      action={
        <button type="button" className="btn btn-sm btn-danger" onClick={onRevokeAll}>
          Sign out everywhere
        </button>
      }
    >
      <AccountList
        {...data}
        renderRow={(s) => (
          <li key={s.id} className="account-row" data-testid="sign-in-row" data-kind={s.kind}>
            {s.kind === "cli" ? <TerminalIcon /> : <MonitorIcon />}
            <AccountRowText
              name={
                <>
                  {deviceLabel(s)} {s.id === currentId && <Badge tone="ok">this browser</Badge>}
                </>
              }
              actions={
                <button type="button" className="btn btn-sm" onClick={() => onRevoke(s.id)}>
                  {s.id === currentId ? "Sign out" : "Revoke"}
                </button>
              }
            >
              <span className="small muted">
                Signed in {timeAgo(s.createdAt)} · active {timeAgo(s.lastSeenAt)}
                {s.ip ? ` · ${s.ip}` : ""}
              </span>
            </AccountRowText>
          </li>
        )}
      />
    </AccountSection>
  );
}
