import { type BuildQueueMessage, buildQueueMessage } from "@burstflare/sdk/schemas/builds";
import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import { log } from "../lib/log";
import { now } from "../lib/time";
import { bodyOrDrop } from "../queues/message";
import { parseManifest, versionManifestText } from "../templates/templates-repo";
import { type BuildRecord, markBuildDeadLettered, recordBuildAttempt } from "./builds-repo";
import { noteLog } from "./log";
import { getBuild, setStatus } from "./store";
import { consumerTestFault } from "./test-hooks";

const FINISHED = new Set(["succeeded", "failed", "dead_lettered"]);
/** wrangler.toml retry_delay; each further retry doubles it. */
const BASE_RETRY_DELAY_SECONDS = 2;
/** How long one delivery waits for its workflow before handing the message back to the queue. */
const WAIT_FOR_WORKFLOW_MS = 14 * 60 * 1000;
const POLL_MS = 500;
const WAITING = new Set(["queued", "running", "waiting", "paused", "waitingForPause", "unknown"]);

/** The attempt is still running when this delivery must end; the next delivery keeps waiting on it. */
class StillRunning extends Error {}

async function existingInstance(env: AppBindings, id: string | null): Promise<WorkflowInstance | null> {
  if (!id) return null;
  try {
    const instance = await env.BUILD_WORKFLOW.get(id);
    const { status } = await instance.status();
    return WAITING.has(status) ? instance : null;
  } catch {
    return null;
  }
}

/**
 * Runs one attempt as a BUILD_WORKFLOW instance (id `<buildId>-<attempt>`) and waits for it,
 * so the queue message lives exactly as long as the attempt: a redelivery after a crash picks
 * the running instance up again instead of starting a second one.
 */
async function runAttempt(env: AppBindings, build: BuildRecord): Promise<InstanceStatus> {
  let instance = await existingInstance(env, build.workflowInstanceId);
  if (!instance) {
    const attempt = build.attempts + 1;
    const id = `${build.id}-${attempt}`;
    await recordBuildAttempt(dbOf(env), build.id, attempt, id, now());
    instance = await env.BUILD_WORKFLOW.create({ id, params: { buildId: build.id, attempt } });
  }
  const deadline = Date.now() + WAIT_FOR_WORKFLOW_MS;
  for (;;) {
    const status = await instance.status();
    if (!WAITING.has(status.status)) return status;
    if (Date.now() > deadline) throw new StillRunning(`workflow ${instance.id} still ${status.status} after ${WAIT_FOR_WORKFLOW_MS} ms`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export async function handleBuildMessage(env: AppBindings, message: Message<unknown>): Promise<void> {
  const body: BuildQueueMessage | null = bodyOrDrop(buildQueueMessage, message, "build queue message");
  if (!body) return;
  const build = await getBuild(env, body.buildId);
  if (!build || FINISHED.has(build.status)) {
    message.ack();
    return;
  }
  try {
    consumerTestFault(env, body, parseManifest(await versionManifest(env, build.versionId)));
    const status = await runAttempt(env, build);
    if (status.status !== "complete") throw new Error(`workflow ${status.status}: ${status.error?.message ?? "no error message"}`);
    message.ack();
  } catch (err) {
    if (err instanceof StillRunning) {
      // Not a failure: hand the message back so a fresh delivery (under the consumer's wall-time limit) keeps watching.
      log("info", "build still running; redelivering to keep watching", { buildId: build.id, error: err.message });
      message.retry({ delaySeconds: BASE_RETRY_DELAY_SECONDS });
      return;
    }
    const error = err instanceof Error ? err.message : String(err);
    const delaySeconds = BASE_RETRY_DELAY_SECONDS * 2 ** Math.max(0, message.attempts - 1);
    log("warn", "build attempt failed; queue will retry", { buildId: build.id, delivery: message.attempts, delaySeconds, error });
    await setStatus(env, build.id, "retrying", { error });
    if (build.logKey) {
      await noteLog(env.BUCKET, build.logKey, `delivery ${message.attempts} failed (${error}); retrying in ${delaySeconds}s`).catch(
        () => {},
      );
    }
    message.retry({ delaySeconds });
  }
}

async function versionManifest(env: AppBindings, versionId: string): Promise<string> {
  return (await versionManifestText(dbOf(env), versionId)) ?? "{}";
}

/** The dead-letter queue: the build ran out of retries. */
export async function handleDeadLetter(env: AppBindings, message: Message<unknown>): Promise<void> {
  const parsed = buildQueueMessage.safeParse(message.body);
  if (parsed.success) {
    const t = now();
    if (await markBuildDeadLettered(dbOf(env), parsed.data.buildId, t)) {
      const build = await getBuild(env, parsed.data.buildId);
      if (build?.logKey) await noteLog(env.BUCKET, build.logKey, "out of retries: build dead-lettered").catch(() => {});
      log("warn", "build dead-lettered", { buildId: parsed.data.buildId });
    }
  } else {
    log("error", "invalid dead-lettered build message dropped", { id: message.id });
  }
  message.ack();
}
