import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ApiClient } from "@burstflare/sdk/client";
import { DEVCONTAINER_PATHS, type DevcontainerImport, formatImportWarning, importDevcontainer } from "@burstflare/sdk/devcontainer";
import { ApiError } from "@burstflare/sdk/errors";
import { JsoncError } from "@burstflare/sdk/jsonc";
import { type TemplateDetail, templateDetailSchema, templateSchema } from "@burstflare/sdk/schemas/templates";
import { examples } from "../app";
import { isDirectory, prepareBundle } from "../bundle";
import type { FlareCommand } from "../flare-command";
import { CLIError } from "../output";
import { uploadVersion } from "../template-upload";
import { resolveTemplate } from "./template";

interface ImportOptions {
  version: string;
  template?: string;
  wait?: boolean;
  promote?: boolean;
  dryRun?: boolean;
}

/** `.devcontainer/devcontainer.json` (or `.devcontainer.json`) of a folder, mapped to a manifest. */
function readDevcontainer(dir: string): { file: string; result: DevcontainerImport } {
  if (!isDirectory(dir)) throw new CLIError("usage", `${dir} is not a directory`, { exitCode: 2 });
  const file = DEVCONTAINER_PATHS.map((p) => path.join(dir, p)).find((p) => existsSync(p));
  if (!file) {
    throw new CLIError("not_found", `${dir} has no ${DEVCONTAINER_PATHS.join(" or ")}`, {
      hint: "for BurstFlare's own manifest use `flare template upload`",
    });
  }
  try {
    return { file, result: importDevcontainer(readFileSync(file, "utf8")) };
  } catch (err) {
    const message = err instanceof JsoncError ? `${file} is not valid JSONC: ${err.message}` : `${file}: ${(err as Error).message}`;
    throw new CLIError("invalid_manifest", message, {
      hint: "fix the file where the message points (comments and trailing commas are fine), then import again",
    });
  }
}

/** A template name from devcontainer `name` ("Node.js & TypeScript" → "node.js-typescript"). */
function templateNameFrom(name: string | undefined, dir: string): string {
  const slug = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/^[^a-z0-9]+|-+$/g, "")
      .slice(0, 48);
  return slug(name ?? "") || slug(path.basename(path.resolve(dir))) || "devcontainer";
}

async function findOrCreate(client: ApiClient, ref: string, create: boolean): Promise<TemplateDetail> {
  try {
    return await resolveTemplate(client, ref);
  } catch (err) {
    const missing = (err instanceof CLIError || err instanceof ApiError) && err.code === "not_found";
    if (!missing || !create) throw err;
  }
  const t = await client.call("POST /api/templates", {
    body: { name: ref, description: "imported from devcontainer.json" },
    schema: templateSchema,
  });
  return client.call("GET /api/templates/{templateId}", { params: { templateId: t.id }, schema: templateDetailSchema });
}

export function registerTemplateImport(tpl: FlareCommand): void {
  tpl
    .command("import")
    .description("Create a version from a folder's devcontainer.json (mapped to a manifest) and the folder as its bundle")
    .argument("<dir>", "a folder holding .devcontainer/devcontainer.json or .devcontainer.json")
    .requiredOption("-V, --version <label>", "version label, e.g. 1.0.0")
    .option("-t, --template <template>", "template id or name (default: from the devcontainer name, created when missing)")
    .option("--dry-run", "print the manifest and warnings; upload nothing")
    .option("--wait", "wait for the build to finish (non-zero exit if it fails)")
    .option("--promote", "promote the version once its build succeeds (implies --wait)")
    .addHelpText(
      "after",
      examples("flare template import . -V 1.0.0 --dry-run", "flare template import ~/src/app -V 1.0.0 -t app --promote"),
    )
    .run(async (ctx, dir: string, opts: ImportOptions) => {
      const { file, result } = readDevcontainer(dir);
      const { manifest, warnings } = result;
      // Never a silent drop: each key the runtime cannot honour is said here and again in the build log.
      for (const w of warnings) ctx.out.note(`warning: ${formatImportWarning(w)}`);
      const name = opts.template ?? templateNameFrom(result.name, dir);
      if (opts.dryRun) {
        ctx.out.result({ file, template: name, manifest, warnings }, () =>
          [`${file} → template ${name}`, JSON.stringify(manifest, null, 2)].join("\n"),
        );
        return;
      }
      const bundle = await prepareBundle(dir);
      try {
        const detail = await findOrCreate(ctx.client, name, opts.template === undefined);
        const { uploaded, build, promoted } = await uploadVersion(
          ctx,
          {
            template: detail.template,
            manifest,
            bundle,
            tooLargeHint: "leave dependencies and build outputs out; onCreateCommand can recreate them",
          },
          opts,
        );
        ctx.out.result(
          { template: detail.template, version: uploaded.version, build, manifest, warnings, promoted },
          () =>
            `imported ${file} as ${detail.template.name} ${uploaded.version.version} (${uploaded.files} files)\nbuild ${build.id}: ${build.status}${warnings.length ? `\n${warnings.length} warning(s) above` : ""}${promoted ? "\npromoted" : ""}`,
        );
      } finally {
        bundle.cleanup();
      }
    });
}
