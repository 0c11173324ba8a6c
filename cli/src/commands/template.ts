import type { ApiClient } from "@burstflare/sdk/client";
import { ApiError } from "@burstflare/sdk/errors";
import {
  deletedVersionSchema,
  type TemplateDetail,
  templateDetailSchema,
  templateListSchema,
  templateSchema,
} from "@burstflare/sdk/schemas/templates";
import { examples } from "../app";
import { MANIFEST_FILE, type ManifestFlags, prepareBundle, resolveManifest } from "../bundle";
import type { FlareCommand } from "../flare-command";
import { CLIError, formatBytes, table } from "../output";
import { uploadVersion } from "../template-upload";
import { registerTemplateImport } from "./template-import";

const collect = (value: string, previous: string[]) => [...previous, value];
const int = (v: string) => {
  const n = Number.parseInt(v, 10);
  if (!Number.isFinite(n)) throw new CLIError("usage", `"${v}" is not a number`, { exitCode: 2 });
  return n;
};

/** A template by id or by name (the detail view, with versions). */
export async function resolveTemplate(client: ApiClient, ref: string): Promise<TemplateDetail> {
  try {
    return await client.call("GET /api/templates/{templateId}", { params: { templateId: ref }, schema: templateDetailSchema });
  } catch (err) {
    if (!(err instanceof ApiError) || (err.code !== "not_found" && err.code !== "validation_failed")) throw err;
  }
  const { templates } = await client.call("GET /api/templates", { schema: templateListSchema });
  const match = templates.find((t) => t.name === ref);
  if (!match) throw new CLIError("not_found", `no template named or with id "${ref}"`, { hint: "list them with `flare template list`" });
  return client.call("GET /api/templates/{templateId}", { params: { templateId: match.id }, schema: templateDetailSchema });
}

/** A version of the template by label or id. */
function versionOf(d: TemplateDetail, ref: string) {
  const v = d.versions.find((x) => x.id === ref || x.version === ref);
  if (!v)
    throw new CLIError("not_found", `${d.template.name} has no version "${ref}"`, {
      hint: `see its versions with \`flare template inspect ${d.template.name}\``,
    });
  return v;
}

interface UploadOptions extends ManifestFlags {
  version: string;
  wait?: boolean;
  promote?: boolean;
}

export function registerTemplate(program: FlareCommand): void {
  const tpl = program.command("template").alias("templates").description("Versioned templates sessions start from");
  const templateCommand = tpl.commandsOn("<template>", "template id or name");

  tpl
    .command("create")
    .description("Create a template")
    .argument("<name>", "lowercase name")
    .option("-d, --description <text>", "what it is for")
    .addHelpText("after", examples("flare template create node-dev -d 'Node 22 with pnpm'"))
    .run(async (ctx, name: string, opts: { description?: string }) => {
      const t = await ctx.client.call("POST /api/templates", { body: { name, description: opts.description }, schema: templateSchema });
      ctx.out.result({ template: t }, () => `created template ${t.name} (${t.id})`);
    });

  tpl
    .command("list")
    .description("List templates")
    .run(async (ctx) => {
      const data = await ctx.client.call("GET /api/templates", { schema: templateListSchema });
      const rows = data.templates.map((t) => ({ ...t, state: t.archived ? "archived" : t.activeVersion ? "active" : "no release" }));
      ctx.out.result(data, () => table(rows, { id: "id", name: "name", activeVersion: "active version", state: "state" }));
    });

  templateCommand("inspect", "Show a template with its versions, releases and builds").runWith(resolveTemplate, async (ctx, d) => {
    ctx.out.result(d, () =>
      [
        `${d.template.name} (${d.template.id})${d.template.archived ? " [archived]" : ""}`,
        d.template.description ?? "",
        `active version: ${d.template.activeVersion ?? "none"}   storage: ${formatBytes(d.storageBytes)}`,
        "",
        table(
          d.versions.map((v) => ({
            ...v,
            build: v.latestBuild ? `${v.latestBuild.status} (${v.latestBuild.id})` : null,
            active: v.active ? "*" : "",
          })),
          { active: "", version: "version", id: "id", status: "bundle", build: "latest build" },
        ),
      ].join("\n"),
    );
  });

  templateCommand("upload", `Create a version from a directory (tar+gzipped for you) or a .tar.gz, upload it, and queue its build`)
    .argument("<source>", `a directory (its ${MANIFEST_FILE} is the manifest) or a .tar.gz`)
    .requiredOption("-V, --version <label>", "version label, e.g. 1.2.0")
    .option("--manifest <file>", `manifest JSON (default: <dir>/${MANIFEST_FILE})`)
    .option("--persist <path>", "persisted path (repeatable; overrides the manifest's list)", collect, [])
    .option("--build <command>", "build step run once per version")
    .option("--bootstrap <command>", "bootstrap step run at every session start")
    .option("--preview-port <port>", "port served as the session's preview", int)
    .option("--idle-timeout <seconds>", "sleep after this many idle seconds", int)
    .option("--env <NAME=value>", "environment variable (repeatable)", collect, [])
    .option("--wait", "wait for the build to finish (non-zero exit if it fails)")
    .option("--promote", "promote the version once its build succeeds (implies --wait)")
    .addHelpText(
      "after",
      examples(
        "flare template upload node-dev ./template -V 1.0.0 --wait",
        "flare template upload node-dev bundle.tar.gz -V 1.0.1 --persist src --build 'npm ci' --promote",
      ),
    )
    .run(async (ctx, ref: string, source: string, opts: UploadOptions) => {
      // Everything checkable locally is checked before the server is asked for anything.
      const manifest = resolveManifest(source, opts);
      const bundle = await prepareBundle(source);
      let detail: TemplateDetail;
      try {
        detail = await resolveTemplate(ctx.client, ref);
      } catch (err) {
        bundle.cleanup();
        throw err;
      }
      try {
        const { uploaded, build, promoted } = await uploadVersion(
          ctx,
          {
            template: detail.template,
            manifest,
            bundle,
            tooLargeHint: "leave build outputs and dependencies out of the bundle; the build step can recreate them",
          },
          opts,
        );
        ctx.out.result(
          { version: uploaded.version, build, sha256: uploaded.sha256, bytes: uploaded.bytes, files: uploaded.files, promoted },
          () =>
            `uploaded ${detail.template.name} ${uploaded.version.version} (${uploaded.files} files, ${formatBytes(uploaded.bytes)})\nbuild ${build.id}: ${build.status}${promoted ? "\npromoted" : ""}`,
        );
      } finally {
        bundle.cleanup();
      }
    });

  registerTemplateImport(tpl);

  templateCommand("promote", "Make a version the active one new sessions start from")
    .option("-V, --version <label>", "version label or id (default: the newest version with a successful build)")
    .runWith(resolveTemplate, async (ctx, d, opts: { version?: string }) => {
      const v = opts.version
        ? versionOf(d, opts.version)
        : [...d.versions].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).find((x) => x.latestBuild?.status === "succeeded");
      if (!v) {
        throw new CLIError("not_found", `${d.template.name} has no successfully built version`, {
          hint: `see its versions with \`flare template inspect ${d.template.name}\``,
        });
      }
      const data = await ctx.client.call("POST /api/templates/{templateId}/promote", {
        params: { templateId: d.template.id },
        body: { versionId: v.id },
        schema: templateDetailSchema,
      });
      ctx.out.result(data, () => `${d.template.name}: ${v.version} is now active`);
    });

  templateCommand("rollback", "Re-promote the release before the current one").runWith(resolveTemplate, async (ctx, d) => {
    const data = await ctx.client.call("POST /api/templates/{templateId}/rollback", {
      params: { templateId: d.template.id },
      body: {},
      schema: templateDetailSchema,
    });
    ctx.out.result(data, () => `${d.template.name}: ${data.template.activeVersion ?? "no version"} is now active`);
  });

  for (const [name, description] of [
    ["archive", "Archive: no new sessions start from it"],
    ["restore", "Restore an archived template"],
  ] as const) {
    templateCommand(name, description).runWith(resolveTemplate, async (ctx, d) => {
      const t = await ctx.client.call(`POST /api/templates/{templateId}/${name}`, {
        params: { templateId: d.template.id },
        body: {},
        schema: templateSchema,
      });
      ctx.out.result({ template: t }, () => `${t.name}: ${t.archived ? "archived" : "active again"}`);
    });
  }

  templateCommand("delete-version", "Delete one version with its bundle, builds and artifacts (frees template storage)")
    .requiredOption("-V, --version <label>", "version label or id (not the promoted one, nor the one a rollback returns to)")
    .runWith(resolveTemplate, async (ctx, d, opts: { version: string }) => {
      const v = versionOf(d, opts.version);
      const freed = await ctx.client.call("DELETE /api/templates/{templateId}/versions/{versionId}", {
        params: { templateId: d.template.id, versionId: v.id },
        schema: deletedVersionSchema,
      });
      ctx.out.result(freed, () => `deleted ${d.template.name} ${v.version} (${formatBytes(freed.bytes)} freed)`);
    });

  templateCommand("delete", "Delete a template and its stored bundles and artifacts").runWith(resolveTemplate, async (ctx, d) => {
    await ctx.client.call("DELETE /api/templates/{templateId}", { params: { templateId: d.template.id } });
    ctx.out.result({ deleted: d.template.id }, () => `deleted template ${d.template.name}`);
  });
}
