import type { Manifest } from "@burstflare/sdk/schemas/manifest";
import type { CreateTemplateBody, CreateVersionResponse, Template, UploadResult } from "@burstflare/sdk/schemas/templates";
import {
  createVersionResponse,
  deletedVersionSchema,
  templateDetailSchema,
  templateSchema,
  uploadGrantSchema,
} from "@burstflare/sdk/schemas/templates";
import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { client, returns } from "../client";
import { uploadWithProgress } from "../upload";
import { listQuery } from "./list";

export const templateKeys = {
  all: ["templates"] as const,
  list: () => ["templates", "list"] as const,
  detail: (id: string) => ["templates", "detail", id] as const,
};

export const templatesQuery = () =>
  queryOptions({ ...listQuery<Template>(templateKeys.list(), "GET /api/templates", "templates"), staleTime: 10_000 });

/** Polls while one of the versions is still building so badges and promote buttons follow. */
export const templateQuery = (id: string) =>
  queryOptions({
    queryKey: templateKeys.detail(id),
    queryFn: () => client.call("GET /api/templates/{templateId}", { params: { templateId: id }, schema: templateDetailSchema }),
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

export const useCreateTemplate = () =>
  useTemplateMutation((body: CreateTemplateBody) => client.call("POST /api/templates", { body, schema: templateSchema }));

export const useArchiveTemplate = () =>
  useTemplateMutation(({ id, archive }: { id: string; archive: boolean }) =>
    client.call(archive ? "POST /api/templates/{templateId}/archive" : "POST /api/templates/{templateId}/restore", {
      params: { templateId: id },
      body: {},
      schema: templateSchema,
    }),
  );

export const useDeleteTemplate = () =>
  useTemplateMutation((id: string) =>
    client.call("DELETE /api/templates/{templateId}", { params: { templateId: id }, returns: returns<{ ok: true }>() }),
  );

export const useDeleteVersion = () =>
  useTemplateMutation(({ id, versionId }: { id: string; versionId: string }) =>
    client.call("DELETE /api/templates/{templateId}/versions/{versionId}", {
      params: { templateId: id, versionId },
      schema: deletedVersionSchema,
    }),
  );

export const usePromoteVersion = () =>
  useTemplateMutation(({ id, versionId }: { id: string; versionId: string }) =>
    client.call("POST /api/templates/{templateId}/promote", {
      params: { templateId: id },
      body: { versionId },
      schema: templateDetailSchema,
    }),
  );

export const useRollbackTemplate = () =>
  useTemplateMutation((id: string) =>
    client.call("POST /api/templates/{templateId}/rollback", { params: { templateId: id }, body: {}, schema: templateDetailSchema }),
  );

interface NewVersionInput {
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
        (await client.call("POST /api/templates/{templateId}/versions", {
          params: { templateId: input.templateId },
          body: { version: input.version, manifest: input.manifest },
          schema: createVersionResponse,
        }));
      if (Date.parse(created.uploadGrant.expiresAt) <= Date.now()) {
        const grant = await client.call("POST /api/templates/{templateId}/versions/{versionId}/upload-grant", {
          params: { templateId: input.templateId, versionId: created.version.id },
          body: {},
          schema: uploadGrantSchema,
        });
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
