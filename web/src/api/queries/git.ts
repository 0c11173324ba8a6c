import { queryOptions } from "@tanstack/react-query";
import type { DotfilesResponse } from "../../../../sdk/schemas/dotfiles";
import type { GitCredential } from "../../../../sdk/schemas/git";
import { api } from "../client";

/** The signed-in user's git token (host and date only: the API never answers the token) and dotfiles (docs/git.md). */
export const gitKeys = {
  credential: ["me", "git-credential"] as const,
  dotfiles: ["me", "dotfiles"] as const,
};

export const gitCredentialQuery = () =>
  queryOptions({
    queryKey: gitKeys.credential,
    queryFn: async () => (await api.get<{ credential: GitCredential | null }>("/api/me/git-credential")).credential,
  });
export const setGitCredential = (body: { host: string; username?: string; token: string }) =>
  api.post<{ credential: GitCredential }>("/api/me/git-credential", body);
export const clearGitCredential = () => api.delete("/api/me/git-credential");

export const dotfilesQuery = () =>
  queryOptions({ queryKey: gitKeys.dotfiles, queryFn: async () => (await api.get<DotfilesResponse>("/api/me/dotfiles")).dotfiles });
export const setDotfiles = (body: { url: string; ref?: string }) => api.post<DotfilesResponse>("/api/me/dotfiles", body);
export const clearDotfiles = () => api.delete("/api/me/dotfiles");
