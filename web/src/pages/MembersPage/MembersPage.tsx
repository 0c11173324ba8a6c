import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import {
  invitesQuery,
  membersQuery,
  useCan,
  useChangeRole,
  useCreateInvite,
  useCurrentWorkspace,
  useMyUserId,
  useRemoveMember,
  useRevokeInvite,
} from "../../api/queries/workspaces";
import { MembersPageView } from "./MembersPageView";

export function MembersPage() {
  const workspace = useCurrentWorkspace();
  const canManage = useCan("members.manage");
  const canInvite = useCan("invites.manage");
  const members = useQuery(membersQuery());
  const invites = useQuery({ ...invitesQuery(), enabled: canInvite });
  const changeRole = useChangeRole();
  const removeMember = useRemoveMember();
  const createInvite = useCreateInvite();
  const revokeInvite = useRevokeInvite();
  const [createdCode, setCreatedCode] = useState<string | null>(null);
  const myUserId = useMyUserId();

  return (
    <MembersPageView
      me={workspace && myUserId ? { userId: myUserId, role: workspace.role } : undefined}
      members={members.data}
      membersLoading={members.isPending}
      membersError={members.error}
      invites={invites.data}
      canManage={canManage}
      canInvite={canInvite}
      createdCode={createdCode}
      joinURL={(code) => `${window.location.origin}/join?code=${encodeURIComponent(code)}`}
      changeRole={{ run: (v) => changeRole.mutate(v), pending: changeRole.isPending, error: changeRole.error }}
      removeMember={{ run: (id) => removeMember.mutate(id), pending: removeMember.isPending, error: removeMember.error }}
      createInvite={{
        run: (input) => createInvite.mutate(input, { onSuccess: (res) => setCreatedCode(res.code) }),
        pending: createInvite.isPending,
        error: createInvite.error,
      }}
      revokeInvite={{ run: (id) => revokeInvite.mutate(id), pending: revokeInvite.isPending, error: revokeInvite.error }}
    />
  );
}
