import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type Action, can } from "../../../../sdk/permissions";
import type { Invite, Member, Plan, PlanInfo, QuotaOverridesBody, Secret, Workspace } from "../../../../sdk/schemas/workspaces";
import type { Role } from "../../../../sdk/states";
import { api } from "../client";

/**
 * Workspaces, members, invites, secrets and plan. Everything under the "workspace" key
 * belongs to the current workspace, so switching workspaces resets the whole cache.
 */
export const workspaceKeys = {
  list: ["workspaces"] as const,
  current: ["workspace"] as const,
  settings: ["workspace", "settings"] as const,
  members: ["workspace", "members"] as const,
  invites: ["workspace", "invites"] as const,
  secrets: ["workspace", "secrets"] as const,
  plan: ["workspace", "plan"] as const,
};

export const workspacesQuery = () =>
  queryOptions({
    queryKey: workspaceKeys.list,
    queryFn: async () => (await api.get<{ workspaces: Workspace[] }>("/api/workspaces")).workspaces,
    staleTime: 30_000,
  });

export const membersQuery = () =>
  queryOptions({
    queryKey: workspaceKeys.members,
    queryFn: async () => (await api.get<{ members: Member[] }>("/api/workspaces/current/members")).members,
  });

export const invitesQuery = () =>
  queryOptions({
    queryKey: workspaceKeys.invites,
    queryFn: async () => (await api.get<{ invites: Invite[] }>("/api/workspaces/current/invites")).invites,
  });

export const secretsQuery = () =>
  queryOptions({
    queryKey: workspaceKeys.secrets,
    queryFn: async () => (await api.get<{ secrets: Secret[] }>("/api/workspaces/current/secrets")).secrets,
  });

export const planQuery = () =>
  queryOptions({
    queryKey: workspaceKeys.plan,
    queryFn: () => api.get<PlanInfo>("/api/workspaces/current/plan"),
  });

/** Same key and answer as the account module's `me` query, so both share one cache entry. */
const meKey = ["auth", "me"] as const;

export function useMyUserId(): string | undefined {
  return useQuery({
    queryKey: meKey,
    queryFn: () => api.get<{ user: { id: string } }>("/api/auth/me"),
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
  return useResetAfter((workspaceId: string) => api.post<{ workspace: Workspace }>("/api/auth/switch-workspace", { workspaceId }));
}

export function useCreateWorkspace() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.post<{ workspace: Workspace }>("/api/workspaces", { name }),
    onSuccess: () => qc.invalidateQueries({ queryKey: workspaceKeys.list }),
  });
}

export function useAcceptInvite() {
  return useResetAfter((code: string) => api.post<{ workspace: Workspace }>("/api/workspaces/invites/accept", { code }));
}

export function useLeaveWorkspace() {
  return useResetAfter(() => api.post<{ ok: true }>("/api/workspaces/current/leave"));
}

export function useDeleteWorkspace() {
  return useResetAfter(() => api.delete<{ ok: true }>("/api/workspaces/current"));
}

export function useRenameWorkspace() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.patch<{ workspace: Workspace }>("/api/workspaces/current/settings", { name }),
    onSuccess: () => qc.invalidateQueries({ queryKey: workspaceKeys.list }),
  });
}

export function useTransferOwnership() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => api.post<{ workspace: Workspace }>("/api/workspaces/current/transfer", { userId }),
    onSuccess: () =>
      Promise.all([qc.invalidateQueries({ queryKey: workspaceKeys.list }), qc.invalidateQueries({ queryKey: workspaceKeys.members })]),
  });
}

export function useChangeRole() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) =>
      api.patch<{ member: Member }>(`/api/workspaces/current/members/${encodeURIComponent(userId)}`, { role }),
    onSuccess: () =>
      Promise.all([qc.invalidateQueries({ queryKey: workspaceKeys.members }), qc.invalidateQueries({ queryKey: workspaceKeys.list })]),
  });
}

export function useRemoveMember() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => api.delete<{ member: Member }>(`/api/workspaces/current/members/${encodeURIComponent(userId)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: workspaceKeys.members }),
  });
}

export interface NewInvite {
  email?: string;
  role: Role;
  expiresInHours: number;
}

export function useCreateInvite() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: NewInvite) => api.post<{ invite: Invite; code: string }>("/api/workspaces/current/invites", input),
    onSuccess: () => qc.invalidateQueries({ queryKey: workspaceKeys.invites }),
  });
}

export function useRevokeInvite() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<{ invite: Invite }>(`/api/workspaces/current/invites/${encodeURIComponent(id)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: workspaceKeys.invites }),
  });
}

export function usePutSecret() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; value: string }) => api.put<{ secret: Secret }>("/api/workspaces/current/secrets", input),
    onSuccess: () => qc.invalidateQueries({ queryKey: workspaceKeys.secrets }),
  });
}

export function useDeleteSecret() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.delete<{ ok: true }>(`/api/workspaces/current/secrets/${encodeURIComponent(name)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: workspaceKeys.secrets }),
  });
}

export function useSetPlan() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (plan: Plan) => api.put<PlanInfo>("/api/workspaces/current/plan", { plan }),
    onSuccess: (info) => {
      qc.setQueryData(workspaceKeys.plan, info);
      return Promise.all([
        qc.invalidateQueries({ queryKey: workspaceKeys.list }),
        qc.invalidateQueries({ queryKey: ["workspace", "usage"] }),
      ]);
    },
  });
}

export function useSetQuotaOverrides() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: QuotaOverridesBody) => api.put<PlanInfo>("/api/workspaces/current/quota-overrides", body),
    onSuccess: (info) => {
      qc.setQueryData(workspaceKeys.plan, info);
      return qc.invalidateQueries({ queryKey: ["workspace", "usage"] });
    },
  });
}
