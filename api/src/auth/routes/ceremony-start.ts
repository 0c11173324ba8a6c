import type { AppBindings } from "../../env";
import { saveChallenge } from "../challenges";

type ChallengeRecord = Parameters<typeof saveChallenge>[1];

/**
 * The answer that opens a WebAuthn ceremony: the options go to the authenticator as they are, and
 * their challenge is saved under the id the finish step sends back.
 */
export async function ceremonyStart(env: AppBindings, options: { challenge: string }, record: Omit<ChallengeRecord, "challenge">) {
  const challengeId = await saveChallenge(env, { ...record, challenge: options.challenge });
  return { challengeId, options: options as unknown as Record<string, unknown> };
}
