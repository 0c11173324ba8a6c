import type { Session } from "@burstflare/sdk/schemas/sessions";
import type { SessionState } from "@burstflare/sdk/states";

/** A session as the API returns it, for component and hook tests; `over` sets the fields a test is about. */
export function makeSession(state: SessionState, over: Partial<Session> = {}): Session {
  return {
    id: "ses_1",
    workspaceId: "ws_1",
    ownerId: "usr_1",
    name: "calm-otter",
    templateId: null,
    versionId: null,
    state,
    stateVersion: 3,
    runtimeStatus: null,
    runtimeState: null,
    lastBootstrapAt: null,
    lastLifecyclePhase: null,
    failureReason: null,
    previewPort: 3000,
    startOnIntent: false,
    newerVersionAvailable: false,
    createdAt: "2026-11-29T10:00:00.000Z",
    updatedAt: "2026-11-29T10:00:00.000Z",
    lastActiveAt: null,
    ...over,
  };
}
