import { type Action, can } from "@burstflare/sdk/permissions";
import type { Invite, Member, Plan, Secret, Workspace } from "@burstflare/sdk/schemas/workspaces";
import { planSchema } from "@burstflare/sdk/schemas/workspaces";
import type { Role } from "@burstflare/sdk/states";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { client, returns } from "../client";
import { listQuery } from "./list";
import { useRefetchingMutation } from "./mutation";

/**
 * Workspaces, members, invites, secrets and plan. Everything under the "workspace" key
 * belongs to the current workspace, so switching workspaces resets the whole cache.
 */
export const workspaceKeys = {
  list: ["workspaces"] as const,
  members: ["workspace", "members"] as const,
  invites: ["workspace", "invites"] as const,
  secrets: ["workspace", "secrets"] as const,
  plan: ["workspace", "plan"] as const,
};

export const workspacesQuery = () =>
  queryOptions({ ...listQuery<Workspace>(workspaceKeys.list, "GET /api/workspaces", "workspaces"), staleTime: 30_000 });

export const membersQuery = () => listQuery<Member>(workspaceKeys.members, "GET /api/workspaces/current/members", "members");

export const invitesQuery = () => listQuery<Invite>(workspaceKeys.invites, "GET /api/workspaces/current/invites", "invites");

export const secretsQuery = () => listQuery<Secret>(workspaceKeys.secrets, "GET /api/workspaces/current/secrets", "secrets");

export const planQuery = () =>
  queryOptions({
    queryKey: workspaceKeys.plan,
    queryFn: () => client.call("GET /api/workspaces/current/plan", { schema: planSchema }),
  });

/** Same key and answer as the account module's `me` query, so both share one cache entry. */
const meKey = ["auth", "me"] as const;

export function useMyUserId(): string | undefined {
  return useQuery({
    queryKey: meKey,
    queryFn: () => client.call("GET /api/auth/me", { returns: returns<{ user: { id: string } }>() }),
    retry: false,
    staleTime: 60_000,
    select: (me: { user: { id: string } }) => me.user.id,
  }).data;
}

/** The workspace the caller is acting in, with their role there. */
export function useCurrentWorkspace(): Workspace | undefined {
  return useQuery({ ...workspacesQuery(), select: (list) => list.find((w) => w.current) ?? list[0] }).data;
}

export function useRole(): Role | undefined {
  return useCurrentWorkspace()?.role;
}

/** The same table the API enforces; false until the role is known, so nothing flashes enabled. */
export function useCan(action: Action): boolean {
  const role = useRole();
  return role ? can(role, action) : false;
}

function useResetAfter<TVars, TResult>(fn: (vars: TVars) => Promise<TResult>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    // Every cached answer belonged to the previous workspace (or membership): drop them all.
    // The signed-in user is only refreshed: resetting it would unmount everything behind the
    // sign-in gate while it reloads.
    onSuccess: () =>
      Promise.all([qc.resetQueries({ predicate: (q) => q.queryKey[0] !== meKey[0] }), qc.invalidateQueries({ queryKey: meKey })]),
  });
}

export function useSwitchWorkspace() {
  return useResetAfter((workspaceId: string) =>
    client.call("POST /api/auth/switch-workspace", { body: { workspaceId }, returns: returns<{ workspace: Workspace }>() }),
  );
}

const createWorkspace = (name: string) =>
  client.call("POST /api/workspaces", { body: { name }, returns: returns<{ workspace: Workspace }>() });
export const useCreateWorkspace = () => useRefetchingMutation(createWorkspace, workspaceKeys.list, "success");

const renameWorkspace = (name: string) =>
  client.call("PATCH /api/workspaces/current/settings", { body: { name }, returns: returns<{ workspace: Workspace }>() });
export const useRenameWorkspace = () => useRefetchingMutation(renameWorkspace, workspaceKeys.list, "success");

export function useAcceptInvite() {
  return useResetAfter((code: string) =>
    client.call("POST /api/workspaces/invites/accept", { body: { code }, returns: returns<{ workspace: Workspace }>() }),
  );
}

export function useLeaveWorkspace() {
  return useResetAfter(() => client.call("POST /api/workspaces/current/leave", { body: {}, returns: returns<{ ok: true }>() }));
}

export function useDeleteWorkspace() {
  return useResetAfter(() => client.call("DELETE /api/workspaces/current", { returns: returns<{ ok: true }>() }));
}

export function useTransferOwnership() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) =>
      client.call("POST /api/workspaces/current/transfer", { body: { userId }, returns: returns<{ workspace: Workspace }>() }),
    onSuccess: () =>
      Promise.all([qc.invalidateQueries({ queryKey: workspaceKeys.list }), qc.invalidateQueries({ queryKey: workspaceKeys.members })]),
  });
}

export function useChangeRole() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) =>
      client.call("PATCH /api/workspaces/current/members/{userId}", {
        params: { userId },
        body: { role },
        returns: returns<{ member: Member }>(),
      }),
    onSuccess: () =>
      Promise.all([qc.invalidateQueries({ queryKey: workspaceKeys.members }), qc.invalidateQueries({ queryKey: workspaceKeys.list })]),
  });
}

export function useRemoveMember() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) =>
      client.call("DELETE /api/workspaces/current/members/{userId}", { params: { userId }, returns: returns<{ member: Member }>() }),
    onSuccess: () => qc.invalidateQueries({ queryKey: workspaceKeys.members }),
  });
}

interface NewInvite {
  email?: string;
  role: Role;
  expiresInHours: number;
}

const createInvite = (input: NewInvite) =>
  client.call("POST /api/workspaces/current/invites", { body: input, returns: returns<{ invite: Invite; code: string }>() });
export const useCreateInvite = () => useRefetchingMutation(createInvite, workspaceKeys.invites, "success");

const revokeInvite = (id: string) =>
  client.call("DELETE /api/workspaces/current/invites/{inviteId}", { params: { inviteId: id }, returns: returns<{ invite: Invite }>() });
export const useRevokeInvite = () => useRefetchingMutation(revokeInvite, workspaceKeys.invites, "success");

const putSecret = (input: { name: string; value: string }) =>
  client.call("PUT /api/workspaces/current/secrets", { body: input, returns: returns<{ secret: Secret }>() });
export const usePutSecret = () => useRefetchingMutation(putSecret, workspaceKeys.secrets, "success");

const deleteSecret = (name: string) =>
  client.call("DELETE /api/workspaces/current/secrets/{name}", { params: { name }, returns: returns<{ ok: true }>() });
export const useDeleteSecret = () => useRefetchingMutation(deleteSecret, workspaceKeys.secrets, "success");

export function useSetPlan() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (plan: Plan) => client.call("PUT /api/workspaces/current/plan", { body: { plan }, schema: planSchema }),
    onSuccess: (info) => {
      qc.setQueryData(workspaceKeys.plan, info);
      return Promise.all([
        qc.invalidateQueries({ queryKey: workspaceKeys.list }),
        qc.invalidateQueries({ queryKey: ["workspace", "usage"] }),
      ]);
    },
  });
}
