import { type QueryKey, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import {
  addPasskey,
  addSSHKey,
  apiTokensQuery,
  authKeys,
  createApiToken,
  deletePasskey,
  deleteSSHKey,
  logoutAll,
  meQuery,
  passkeysQuery,
  recoveryStatusQuery,
  regenerateRecoveryCodes,
  renamePasskey,
  resetSession,
  revokeApiToken,
  revokeSignIn,
  signInsQuery,
  sshKeysQuery,
} from "../../api/queries/auth";
import {
  clearDotfiles,
  clearGitCredential,
  dotfilesQuery,
  gitCredentialQuery,
  gitKeys,
  setDotfiles,
  setGitCredential,
} from "../../api/queries/git";
import { accountListData } from "./AccountList";
import { AccountPageView } from "./AccountPageView";

/** A mutation that refreshes the lists it changes. */
function useAction<A, R>(fn: (arg: A) => Promise<R>, ...keys: QueryKey[]) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => Promise.all(keys.map((queryKey) => client.invalidateQueries({ queryKey }))),
  });
}

export function AccountPage() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const me = useQuery(meQuery());
  const passkeys = useQuery(passkeysQuery());
  const recovery = useQuery(recoveryStatusQuery());
  const signIns = useQuery(signInsQuery());
  const tokens = useQuery(apiTokensQuery());
  const sshKeys = useQuery(sshKeysQuery());

  const add = useAction((name: string | undefined) => addPasskey(name), authKeys.passkeys);
  const rename = useAction((v: { id: string; name: string }) => renamePasskey(v.id, v.name), authKeys.passkeys);
  const remove = useAction(deletePasskey, authKeys.passkeys);
  const regenerate = useAction(regenerateRecoveryCodes, authKeys.recovery);
  const revoke = useMutation({
    mutationFn: revokeSignIn,
    onSuccess: async (_, id) => {
      if (id === me.data?.signInId) {
        await resetSession(client);
        navigate("/signin", { replace: true });
      } else await client.invalidateQueries({ queryKey: authKeys.signIns });
    },
  });
  const endAll = useMutation({
    mutationFn: logoutAll,
    onSuccess: async () => {
      await resetSession(client);
      navigate("/signin", { replace: true });
    },
  });
  const createToken = useAction(createApiToken, authKeys.tokens);
  const revokeToken = useAction(revokeApiToken, authKeys.tokens);
  const addKey = useAction(addSSHKey, authKeys.sshKeys);
  const removeKey = useAction(deleteSSHKey, authKeys.sshKeys);
  const credential = useQuery(gitCredentialQuery());
  const dotfiles = useQuery(dotfilesQuery());
  const setToken = useAction(setGitCredential, gitKeys.credential);
  const clearToken = useAction(clearGitCredential, gitKeys.credential);
  const setDots = useAction(setDotfiles, gitKeys.dotfiles);
  const clearDots = useAction(clearDotfiles, gitKeys.dotfiles);
  const gitActions = [setToken, clearToken, setDots, clearDots];

  return (
    <AccountPageView
      me={me.data}
      passkeys={{
        ...accountListData(passkeys, add, rename, remove),
        adding: add.isPending,
        onAdd: (name) => add.mutate(name),
        onRename: (id, name) => rename.mutate({ id, name }),
        onDelete: (id) => remove.mutate(id),
      }}
      recovery={{
        remaining: recovery.data?.remaining,
        codes: regenerate.data,
        busy: regenerate.isPending,
        error: recovery.error ?? regenerate.error,
        onRegenerate: () => regenerate.mutate(undefined),
      }}
      signIns={{
        ...accountListData(signIns, revoke, endAll),
        onRevoke: (id) => revoke.mutate(id),
        onRevokeAll: () => endAll.mutate(),
      }}
      tokens={{
        ...accountListData(tokens, createToken, revokeToken),
        created: createToken.data?.token,
        creating: createToken.isPending,
        onCreate: (name, expiresInDays) => createToken.mutate({ name, expiresInDays }),
        onRevoke: (id) => revokeToken.mutate(id),
      }}
      sshKeys={{
        ...accountListData(sshKeys, addKey, removeKey),
        adding: addKey.isPending,
        added: addKey.isSuccess,
        onAdd: (key) => addKey.mutate(key),
        onDelete: (id) => removeKey.mutate(id),
      }}
      git={{
        credential: credential.data,
        dotfiles: dotfiles.data,
        loading: credential.isPending || dotfiles.isPending,
        error: credential.error ?? dotfiles.error ?? gitActions.find((a) => a.error)?.error,
        busy: gitActions.some((a) => a.isPending),
        saved: gitActions.reduce((n, a) => n + a.submittedAt * Number(a.isSuccess), 0),
        onSetToken: (host, username, token) => setToken.mutate({ host, ...(username ? { username } : {}), token }),
        onClearToken: () => clearToken.mutate(undefined),
        onSetDotfiles: (url, ref) => setDots.mutate({ url, ...(ref ? { ref } : {}) }),
        onClearDotfiles: () => clearDots.mutate(undefined),
      }}
    />
  );
}
