import type { Me } from "@burstflare/sdk/schemas/auth";
import { PageHeader } from "../../components/PageHeader";
import { type GitProps, GitSection } from "./GitSection";
import { type PasskeysProps, PasskeysSection } from "./PasskeysSection";
import { type RecoveryProps, RecoverySection } from "./RecoverySection";
import { type SignInsProps, SignInsSection } from "./SignInsSection";
import { type SSHKeysProps, SSHKeysSection } from "./SSHKeysSection";
import { type TokensProps, TokensSection } from "./TokensSection";

interface Props {
  me: Me | undefined;
  passkeys: PasskeysProps;
  recovery: RecoveryProps;
  signIns: SignInsProps;
  tokens: TokensProps;
  sshKeys: SSHKeysProps;
  git: GitProps;
}

export function AccountPageView({ me, passkeys, recovery, signIns, tokens, sshKeys, git }: Props) {
  return (
    <div className="stack account-page">
      <PageHeader title="Account and security" description={me ? `Signed in as ${me.user.email}` : "\u00a0"} />
      <PasskeysSection {...passkeys} />
      <RecoverySection {...recovery} />
      <SignInsSection {...signIns} currentId={me?.signInId ?? null} />
      <TokensSection {...tokens} />
      <SSHKeysSection {...sshKeys} />
      <GitSection {...git} />
    </div>
  );
}
