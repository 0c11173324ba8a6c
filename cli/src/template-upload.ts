import { type BuildBrief, createVersionResponse, type UploadResult, uploadResultSchema } from "@burstflare/sdk/schemas/templates";
import { waitForBuild } from "./builds";
import { type Bundle, fileStreamWithProgress } from "./bundle";
import type { Context } from "./context";
import { CLIError, formatBytes } from "./output";
import { ProgressBar } from "./progress";

interface UploadVersionOptions {
  template: { id: string; name: string };
  manifest: unknown;
  bundle: Bundle;
  /** The fix when the bundle is over the limit, in the words of the command's source. */
  tooLargeHint: string;
}

/** The upload commands' own flags, passed through as given. */
interface UploadFlags {
  version: string;
  /** Wait for the build (implied by promote). */
  wait?: boolean;
  promote?: boolean;
}

interface UploadedVersion {
  uploaded: UploadResult;
  build: BuildBrief;
  promoted: boolean;
}

/**
 * Creates the version, streams the bundle to its upload grant with a progress bar, and, when asked,
 * follows the build to its end and promotes the version. A failed build is an error naming its log.
 */
export async function uploadVersion(ctx: Context, options: UploadVersionOptions, flags: UploadFlags): Promise<UploadedVersion> {
  const o = { ...options, version: flags.version, wait: flags.wait === true, promote: flags.promote === true };
  const created = await ctx.client.call("POST /api/templates/{templateId}/versions", {
    params: { templateId: o.template.id },
    body: { version: o.version, manifest: o.manifest },
    schema: createVersionResponse,
  });
  if (o.bundle.bytes > created.uploadGrant.maxBytes) {
    throw new CLIError(
      "payload_too_large",
      `the bundle is ${formatBytes(o.bundle.bytes)}; the limit is ${formatBytes(created.uploadGrant.maxBytes)}`,
      { hint: o.tooLargeHint },
    );
  }
  const bar = new ProgressBar(ctx.streams.stderr, "uploading", o.bundle.bytes, { json: ctx.out.json });
  const res = await ctx.client.raw("PUT", created.uploadGrant.url, {
    body: fileStreamWithProgress(o.bundle.file, (n) => bar.tick(n)),
    headers: { "content-type": "application/gzip", "content-length": String(o.bundle.bytes), accept: "application/json" },
    duplex: "half",
  });
  bar.finish();
  const uploaded = uploadResultSchema.parse(await res.json());
  let build: BuildBrief = uploaded.build;
  let promoted = false;
  if (o.wait || o.promote) {
    const spinner = ctx.spinner(`build ${build.id}: ${build.status}`);
    const final = await waitForBuild(ctx.client, build.id, { onUpdate: (b) => spinner.update(`build ${b.id}: ${b.status}`) });
    build = { id: final.id, status: final.status, createdAt: final.createdAt, finishedAt: final.finishedAt };
    if (final.status !== "succeeded") {
      spinner.fail(`build ${final.id}: ${final.status}${final.error ? ` (${final.error})` : ""}`);
      throw new CLIError("build_failed", `the build of ${o.template.name} ${o.version} ${final.status}`, {
        hint: `read its log with \`flare build log ${final.id}\`, fix the template, upload a new version (or \`flare build retry ${final.id}\`)`,
      });
    }
    spinner.succeed(`build ${final.id}: succeeded`);
    if (o.promote) {
      await ctx.client.call("POST /api/templates/{templateId}/promote", {
        params: { templateId: o.template.id },
        body: { versionId: uploaded.version.id },
      });
      promoted = true;
    }
  }
  return { uploaded, build, promoted };
}
