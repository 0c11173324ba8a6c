import { useQuery } from "@tanstack/react-query";
import { useNavigate, useParams } from "react-router";
import { sessionQuery } from "../../api/queries/sessions";
import { useSessionEvents } from "../../api/session-events";
import { CameraIcon } from "../../components/icons";
import { SessionDetailPageView } from "./SessionDetailPageView";

export function SessionDetailPage() {
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const query = useQuery(sessionQuery(id));
  const { events, status } = useSessionEvents(id, { enabled: query.isSuccess });
  return (
    <SessionDetailPageView
      session={query.data}
      loading={query.isPending}
      error={query.error}
      events={events}
      streamStatus={status}
      templateName={query.data?.templateId ? "Template" : "Starter template"}
      snapshots={
        <section className="card" data-slot="snapshots">
          <div className="card-header">
            <h2 className="row">
              <CameraIcon size={16} /> Snapshots
            </h2>
          </div>
          <p className="muted small">Snapshots of this session's persisted paths appear here.</p>
        </section>
      }
      onRetry={() => query.refetch()}
      onDeleted={() => navigate("/sessions")}
    />
  );
}
