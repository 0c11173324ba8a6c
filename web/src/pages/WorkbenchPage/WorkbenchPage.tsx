import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useNavigate, useParams } from "react-router";
import { sessionQuery, useSessionAction } from "../../api/queries/sessions";
import { useCanManageShares, useIntent } from "../../api/queries/shares";
import { useCan } from "../../api/queries/workspaces";
import { useSessionEvents } from "../../api/session-events";
import { ShareButton } from "../../components/ShareDialog";
import { EmptyState, ErrorState, Spinner } from "../../components/states";
import { PortsMenu } from "../../modules/ports/PortsMenu";
import { WakeScreen } from "./WakeScreen";
import { WorkbenchPageView } from "./WorkbenchPageView";

/** States the workbench wakes on its own when opened; a stopped session waits for a click. */
const AUTO_WAKE = new Set(["sleeping", "created"]);

export function WorkbenchPage() {
  const { id = "" } = useParams();
  const query = useQuery(sessionQuery(id));
  const { lastEvent, status: streamStatus } = useSessionEvents(id, { enabled: query.isSuccess });
  const action = useSessionAction();
  const woke = useRef(false);
  const navigate = useNavigate();
  const session = query.data;
  const canLifecycle = useCan("sessions.lifecycle");
  const canAccess = useCan("runtime.access");
  const canShare = useCanManageShares(session);
  useIntent("workbench", { sessionId: id, enabled: canLifecycle });

  useEffect(() => {
    if (!session || !canLifecycle || woke.current || !AUTO_WAKE.has(session.state)) return;
    woke.current = true;
    action.mutate({ id: session.id, action: "start" });
  }, [session, action, canLifecycle]);

  if (query.isPending)
    return (
      <div className="wake-screen">
        <Spinner label="Opening workbench…" />
      </div>
    );
  if (query.isError || !session)
    return (
      <div style={{ padding: "2rem", maxWidth: 640, margin: "0 auto" }}>
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      </div>
    );

  if (!canAccess)
    return (
      <div style={{ padding: "2rem", maxWidth: 640, margin: "0 auto" }}>
        <EmptyState title="The workbench is for editors">
          Your role in this workspace can see {session.name} but not open its terminal, files or preview.
        </EmptyState>
      </div>
    );

  const running = session.state === "running";
  return (
    <WorkbenchPageView
      session={session}
      streamStatus={streamStatus}
      canLifecycle={canLifecycle}
      onDeleted={() => navigate("/sessions")}
      share={canShare && <ShareButton sessionId={session.id} sessionName={session.name} className="btn btn-sm" />}
      ports={<PortsMenu sessionId={session.id} running={running} canShare={canShare} />}
    >
      {running ? null : (
        <WakeScreen
          session={session}
          lastEvent={lastEvent}
          canStart={canLifecycle}
          starting={action.isPending && action.variables?.action === "start"}
          startError={action.error}
          onStart={() => action.mutate({ id: session.id, action: "start" })}
        />
      )}
    </WorkbenchPageView>
  );
}
