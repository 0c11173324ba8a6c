import { useQuery } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import {
  membersQuery,
  useCan,
  useCurrentWorkspace,
  useDeleteWorkspace,
  useLeaveWorkspace,
  useRenameWorkspace,
  useTransferOwnership,
  workspacesQuery,
} from "../../api/queries/workspaces";
import { WorkspaceSettingsPageView } from "./WorkspaceSettingsPageView";

export function WorkspaceSettingsPage() {
  const list = useQuery(workspacesQuery());
  const workspace = useCurrentWorkspace();
  const canTransfer = useCan("workspace.transfer");
  const members = useQuery({ ...membersQuery(), enabled: canTransfer });
  const rename = useRenameWorkspace();
  const transfer = useTransferOwnership();
  const leave = useLeaveWorkspace();
  const remove = useDeleteWorkspace();
  const navigate = useNavigate();
  const home = () => navigate("/");

  return (
    <WorkspaceSettingsPageView
      workspace={workspace}
      members={members.data}
      loading={list.isPending}
      error={list.error}
      canRename={useCan("workspace.update")}
      canTransfer={canTransfer}
      canDelete={useCan("workspace.delete")}
      actions={{
        rename: { run: (name) => rename.mutate(name), pending: rename.isPending, error: rename.error },
        transfer: { run: (userId) => transfer.mutate(userId), pending: transfer.isPending, error: transfer.error },
        leave: { run: () => leave.mutate(undefined, { onSuccess: home }), pending: leave.isPending, error: leave.error },
        remove: { run: () => remove.mutate(undefined, { onSuccess: home }), pending: remove.isPending, error: remove.error },
      }}
    />
  );
}
