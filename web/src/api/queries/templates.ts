import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import type { Manifest } from "../../../../sdk/schemas/manifest";
import type {
  CreateTemplateBody,
  CreateVersionResponse,
  Template,
  TemplateDetail,
  UploadGrant,
  UploadResult,
} from "../../../../sdk/schemas/templates";
import { api } from "../client";
import { uploadWithProgress } from "../upload";

export const templateKeys = {
  all: ["templates"] as const,
  list: () => ["templates", "list"] as const,
  detail: (id: string) => ["templates", "detail", id] as const,
};

const path = (id: string, rest = "") => `/api/templates/${encodeURIComponent(id)}${rest}`;

export const templatesQuery = () =>
  queryOptions({
    queryKey: templateKeys.list(),
    queryFn: async () => (await api.get<{ templates: Template[] }>("/api/templates")).templates,
    staleTime: 10_000,
  });

/** Polls while one of the versions is still building so badges and promote buttons follow. */
export const templateQuery = (id: string) =>
  queryOptions({
    queryKey: templateKeys.detail(id),
    queryFn: () => api.get<TemplateDetail>(path(id)),
    refetchInterval: (query) =>
      query.state.data?.versions.some((v) => v.latestBuild && ["queued", "building", "retrying"].includes(v.latestBuild.status))
        ? 2_000
        : 30_000,
  });

function useTemplateMutation<TVars, TResult>(fn: (vars: TVars) => Promise<TResult>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => qc.invalidateQueries({ queryKey: templateKeys.all }),
  });
}

export const useCreateTemplate = () => useTemplateMutation((body: CreateTemplateBody) => api.post<Template>("/api/templates", body));

export const useArchiveTemplate = () =>
  useTemplateMutation(({ id, archive }: { id: string; archive: boolean }) =>
    api.post<Template>(path(id, archive ? "/archive" : "/restore")),
  );

export const useDeleteTemplate = () => useTemplateMutation((id: string) => api.delete<{ ok: true }>(path(id)));

export const usePromoteVersion = () =>
  useTemplateMutation(({ id, versionId }: { id: string; versionId: string }) =>
    api.post<TemplateDetail>(path(id, "/promote"), { versionId }),
  );

export const useRollbackTemplate = () => useTemplateMutation((id: string) => api.post<TemplateDetail>(path(id, "/rollback")));

export interface NewVersionInput {
  templateId: string;
  version: string;
  manifest: Manifest;
  bundle: File;
  onProgress: (fraction: number) => void;
}

/**
 * Creates the version, then streams its bundle through the single-use grant. If the bundle
 * is refused (unsafe archive, too large) the version stays awaiting its upload and the same
 * grant can be used again with a corrected file, so a retry passes `grant`.
 */
export function useCreateVersion() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: NewVersionInput & { pending?: CreateVersionResponse }): Promise<UploadResult> => {
      let created =
        input.pending ??
        (await api.post<CreateVersionResponse>(path(input.templateId, "/versions"), { version: input.version, manifest: input.manifest }));
      if (Date.parse(created.uploadGrant.expiresAt) <= Date.now()) {
        const grant = await api.post<UploadGrant>(
          path(input.templateId, `/versions/${encodeURIComponent(created.version.id)}/upload-grant`),
        );
        created = { ...created, uploadGrant: grant };
      }
      try {
        return await uploadWithProgress<UploadResult>(created.uploadGrant.url, input.bundle, {
          contentType: "application/gzip",
          onProgress: input.onProgress,
        });
      } catch (err) {
        throw Object.assign(err as Error, { pending: created });
      }
    },
    onSettled: () => qc.invalidateQueries({ queryKey: templateKeys.all }),
  });
}
