import type { AppBindings } from "../env";
import { gitSessionEnv } from "../git/credentials";
import { SecretMask } from "../lib/secret-mask";
import { secretsEnvFor } from "../workspaces/secrets";

/** The secrets in a runtime's environment: the workspace's secrets and the git token (not its helper config). */
export function secretMaskOf(secrets: Record<string, string>, git: Record<string, string>): SecretMask {
  return new SecretMask([...Object.values(secrets), ...(git.BF_GIT_TOKEN ? [git.BF_GIT_TOKEN] : [])]);
}

/**
 * The mask for output of a runtime started for `userId` in a workspace: the workspace's secrets
 * and that user's git token are in its environment (lifecycle.ts, builds/runner.ts), so they are
 * what its output can leak.
 */
export async function runtimeSecretMask(env: AppBindings, workspaceId: string, userId: string | null): Promise<SecretMask> {
  const secrets = await secretsEnvFor(env, workspaceId);
  return secretMaskOf(secrets, userId ? await gitSessionEnv(env, userId, workspaceId) : {});
}
