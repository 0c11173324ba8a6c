import { useQuery } from "@tanstack/react-query";
import { useNavigate, useParams } from "react-router";
import { sessionQuery } from "../../api/queries/sessions";
import { useCanManageShares } from "../../api/queries/shares";
import { useCan } from "../../api/queries/workspaces";
import { useSessionEvents } from "../../api/session-events";
import { SessionStartupCard } from "../../components/SessionStartupCard";
import { ShareButton } from "../../components/ShareDialog";
import { SnapshotsPanel } from "../../components/SnapshotsPanel";
import { queryStatus } from "../../components/states";
import { useTemplateChoices } from "../SessionsPage/use-template-choices";
import { SessionDetailPageView } from "./SessionDetailPageView";

export function SessionDetailPage() {
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const query = useQuery(sessionQuery(id));
  const { events, status } = useSessionEvents(id, { enabled: query.isSuccess });
  const templates = useTemplateChoices();
  const canLifecycle = useCan("sessions.lifecycle");
  const canWriteSnapshots = useCan("snapshots.write");
  const session = query.data;
  const canShare = useCanManageShares(session);
  const canWriteSessions = useCan("sessions.write");
  return (
    <SessionDetailPageView
      session={session}
      {...queryStatus(query)}
      events={events}
      streamStatus={status}
      canLifecycle={canLifecycle}
      templateName={session?.templateId ? (templates.names[session.templateId] ?? "Template") : "Starter template"}
      snapshots={
        session && (
          <SnapshotsPanel session={session} canWrite={canWriteSnapshots} onNewSession={(s) => navigate(`/sessions/${s.id}/workbench`)} />
        )
      }
      share={session && canShare && <ShareButton sessionId={session.id} sessionName={session.name} />}
      startup={session && <SessionStartupCard session={session} canEdit={canWriteSessions} />}
      onDeleted={() => navigate("/sessions")}
    />
  );
}
