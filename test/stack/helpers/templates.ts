import { randomBytes } from "node:crypto";
import type { Manifest } from "@burstflare/sdk/schemas/manifest";
import { stackSQL } from "./users";

const sqlString = (v: string) => `'${v.replace(/'/g, "''")}'`;

/**
 * A workspace template with one promoted version and no bundle, written straight to D1 so a
 * stack test can pick a manifest (a short idle timeout, a bootstrap) without a build.
 */
export async function createStackTemplate(workspaceId: string, manifest: Manifest): Promise<string> {
  const templateId = `tpl_${randomBytes(9).toString("base64url")}`;
  const versionId = `tpv_${randomBytes(9).toString("base64url")}`;
  const t = Date.now();
  await stackSQL(
    [
      `INSERT INTO templates (id, workspace_id, name, active_version_id, created_at, updated_at) VALUES (${sqlString(templateId)}, ${sqlString(workspaceId)}, ${sqlString(templateId)}, ${sqlString(versionId)}, ${t}, ${t})`,
      `INSERT INTO template_versions (id, template_id, workspace_id, version, manifest, status, created_at) VALUES (${sqlString(versionId)}, ${sqlString(templateId)}, ${sqlString(workspaceId)}, '1', ${sqlString(JSON.stringify(manifest))}, 'uploaded', ${t})`,
    ].join("; "),
  );
  return templateId;
}
