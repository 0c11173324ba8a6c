/** R2 key layout. Everything of a template lives under keys derivable from its rows, so delete finds it all. */
/** One key per upload attempt (the grant), so a losing concurrent upload never overwrites the winner. */
export const bundleKey = (workspaceId: string, templateId: string, versionId: string, grantId: string): string =>
  `${versionPrefix(workspaceId, templateId, versionId)}${grantId}.tar.gz`;

export const templatePrefix = (workspaceId: string, templateId: string): string => `templates/${workspaceId}/${templateId}/`;
export const versionPrefix = (workspaceId: string, templateId: string, versionId: string): string =>
  `${templatePrefix(workspaceId, templateId)}${versionId}/`;

export const buildPrefix = (workspaceId: string, buildId: string): string => `builds/${workspaceId}/${buildId}/`;
export const buildLogKey = (workspaceId: string, buildId: string): string => `${buildPrefix(workspaceId, buildId)}log.txt`;
export const buildArtifactKey = (workspaceId: string, buildId: string): string => `${buildPrefix(workspaceId, buildId)}artifact.tar.gz`;
