import { useNavigate, useSearchParams } from "react-router";
import { useAcceptInvite } from "../../api/queries/workspaces";
import { JoinWorkspacePageView } from "./JoinWorkspacePageView";

export function JoinWorkspacePage() {
  const [params] = useSearchParams();
  const accept = useAcceptInvite();
  const navigate = useNavigate();
  const joined = accept.data?.workspace ?? null;
  return (
    <JoinWorkspacePageView
      initialCode={params.get("code") ?? ""}
      pending={accept.isPending}
      error={accept.error}
      joined={joined ? { name: joined.name, role: joined.role } : null}
      onJoin={(code) => accept.mutate(code)}
      onContinue={() => navigate("/")}
    />
  );
}
