import { dotfilesResponse } from "@burstflare/sdk/schemas/dotfiles";
import type { GitCredential } from "@burstflare/sdk/schemas/git";
import { queryOptions } from "@tanstack/react-query";
import { client, returns } from "../client";

/** The signed-in user's git token (host and date only: the API never answers the token) and dotfiles (docs/git.md). */
export const gitKeys = {
  credential: ["me", "git-credential"] as const,
  dotfiles: ["me", "dotfiles"] as const,
};

export const gitCredentialQuery = () =>
  queryOptions({
    queryKey: gitKeys.credential,
    queryFn: async () =>
      (await client.call("GET /api/me/git-credential", { returns: returns<{ credential: GitCredential | null }>() })).credential,
  });
export const setGitCredential = (body: { host: string; username?: string; token: string }) =>
  client.call("POST /api/me/git-credential", { body, returns: returns<{ credential: GitCredential }>() });
export const clearGitCredential = () => client.call("DELETE /api/me/git-credential");

export const dotfilesQuery = () =>
  queryOptions({
    queryKey: gitKeys.dotfiles,
    queryFn: async () => (await client.call("GET /api/me/dotfiles", { schema: dotfilesResponse })).dotfiles,
  });
export const setDotfiles = (body: { url: string; ref?: string }) =>
  client.call("POST /api/me/dotfiles", { body, schema: dotfilesResponse });
export const clearDotfiles = () => client.call("DELETE /api/me/dotfiles");
