import { sessionDotfilesResponse } from "@burstflare/sdk/schemas/dotfiles";
import { useQuery } from "@tanstack/react-query";
import { client } from "../api/client";
import { useCan } from "../api/queries/workspaces";
import { Badge } from "./Badge";

/** The startup card's dotfiles part: the last run in this session, its status and output (not for viewers). */
export function DotfilesRun({ sessionId }: { sessionId: string }) {
  const allowed = useCan("runtime.access");
  const q = useQuery({
    enabled: allowed,
    queryKey: ["sessions", sessionId, "dotfiles"],
    queryFn: () => client.call("GET /api/sessions/{sessionId}/dotfiles", { params: { sessionId }, schema: sessionDotfilesResponse }),
    refetchInterval: 15_000,
  });
  const run = q.data?.run;
  if (!run) return null;
  return (
    <div data-testid="dotfiles-run">
      <h3 className="small" style={{ margin: "1rem 0 0.25rem" }}>
        Dotfiles <Badge tone={run.status === "applied" ? "ok" : "warn"}>{run.status}</Badge>{" "}
        <span className="muted small mono">{run.url}</span>
      </h3>
      <pre className="small mono" style={{ maxHeight: 200, overflow: "auto", margin: 0, whiteSpace: "pre-wrap" }}>
        {run.output || "(no output)"}
      </pre>
    </div>
  );
}
