// Snapshot save and restore MB/s of a 200 MB tree (100 MB incompressible + 100 MB of 5,000 text
// files), end to end through the API (agent tar.gz → Worker → R2 and back), versus plain
// `tar | gzip -1` (the save's level) / `tar xzf` of the same tree in the same runtime's shell.
//
// Every figure is one call timed on its own (no spans subtracted): restore into a running
// session is the user's call as it is, which first saves a safety snapshot (incremental over the
// restore point: here the tree did not change since the save, so it is small), makes the new
// restore point a reference to the chosen snapshot, then unpacks it (GNU tar behind the agent's
// header gate). `--runs` sets how many of each.

import { cpuMeter } from "./process-cpu.mjs";
import { agentOf, untilAsleep, untilPrompt } from "./sessions.mjs";
import { createBuiltTemplate } from "./template.mjs";

const TREE_MB = 200;
const SLEEP_TIMEOUT_MS = 120_000;

let tagCount = 0;

/** The agent's own streamed export (what a save reads), drained straight from its loopback port: the save without the upload. */
async function agentExportMs(ctx, sessionId) {
  const agent = await agentOf(ctx.host, sessionId);
  const t0 = performance.now();
  const exp = await fetch(agent.url("snapshot/export?stream=1"), { method: "POST", headers: { "x-agent-token": agent.token } });
  if (!exp.ok) throw new Error(`agent export: ${exp.status}`);
  for await (const _chunk of exp.body) {
    // drained
  }
  return performance.now() - t0;
}

/** The agent's own streamed import of an archive (unpack while hashing, then swap), posted straight to its loopback port: the restore without R2, the Worker, the safety snapshot and the copy. */
async function agentImportMs(ctx, sessionId, archive, sha256) {
  const agent = await agentOf(ctx.host, sessionId);
  const url = agent.url(`snapshot/import?sha256=${sha256}`);
  const t0 = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: { "x-agent-token": agent.token, "content-type": "application/gzip" },
    body: archive,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`agent import: ${res.status} ${text.slice(0, 200)}`);
  const ms = performance.now() - t0;
  // The row is about the GNU tar path (runtime/src/agent/snapshot/native-unpack.ts); say so if the agent fell back.
  const { unpacker } = JSON.parse(text);
  if (unpacker !== "gnu-tar") throw new Error(`agent import used ${unpacker}, not GNU tar`);
  return ms;
}

/** Runs a shell command in the session and returns the milliseconds it took, measured by the shell. */
async function timedShell(ctx, sessionId, command) {
  const tag = `B${process.pid}x${tagCount++}`;
  const term = await ctx.proxiedTerminal(sessionId, `bench-${tag}`);
  try {
    await term.untilPrompt(30_000);
    // The quotes keep the echo of the typed command from matching the result pattern.
    term.send(`s=$(date +%s%N); ${command}; rc=$?; e=$(date +%s%N); echo "${tag}""=$(( (e-s)/1000000 )):$rc"\r`);
    const pattern = new RegExp(`${tag}=(\\d+):(\\d+)`);
    await term.until(() => pattern.test(term.text), 600_000);
    const [, ms, rc] = pattern.exec(term.text);
    if (rc !== "0") throw new Error(`\`${command}\` exited ${rc}: ${term.text.slice(-600)}`);
    return Number(ms);
  } finally {
    term.close();
  }
}

const MAKE_TREE = [
  "rm -rf tree && mkdir -p tree/random tree/text",
  "for i in $(seq 1 100); do head -c 1048576 /dev/urandom > tree/random/r$i.bin; done",
  // 5,000 files of 20 KiB base64 text: compressible, many small entries.
  "head -c 76800000 /dev/urandom | base64 -w 0 | head -c 102400000 | split -b 20480 -a 4 - tree/text/t",
].join(" && ");

const untilSleeping = (ctx, sessionId) => untilAsleep(ctx, [sessionId], { timeoutMs: SLEEP_TIMEOUT_MS, intervalMs: 200 });

/** The phases of the session's first wake recorded at or after `since` (GET …/latency; same machine's clock). */
async function wakePhasesSince(ctx, sessionId, since) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const body = await ctx.call("GET /api/sessions/{sessionId}/latency", { params: { sessionId } });
    const wake = body.recent.find((b) => b.kind === "wake" && Date.parse(b.at) >= since - 1000);
    if (wake) return wake.phases;
    if (Date.now() > deadline) throw new Error(`no wake of ${sessionId} recorded after ${new Date(since).toISOString()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Local driver: drops the folder the host kept across the sleep, so the wake restores the chain from R2. */
async function discardKept(ctx, sessionId) {
  const res = await fetch(`${ctx.host.url}/runtimes/${sessionId}/workspace`, {
    method: "DELETE",
    headers: { "x-runtime-secret": ctx.host.secret },
  });
  if (res.status !== 204) throw new Error(`discard kept workspace: ${res.status}`);
}

/** Connect → prompt on a sleeping session; checks which path the boot took (kept folder or chain restore). */
async function timedWake(ctx, sessionId, tag, expectKept) {
  const since = Date.now();
  const t0 = performance.now();
  await untilPrompt(ctx, sessionId, 60_000, tag);
  const ms = performance.now() - t0;
  const phases = await wakePhasesSince(ctx, sessionId, since);
  const kept = "kept_workspace" in phases;
  if (kept !== expectKept)
    throw new Error(`wake ${tag}: expected ${expectKept ? "the kept folder" : "a chain restore"}, phases ${JSON.stringify(phases)}`);
  return ms;
}

/**
 * A 200 MB workspace that sleeps when idle (the bench template: idle 5 s, persists "."). Each run
 * writes 1 MB, lets it fall asleep (its flush is an incremental automatic save: autosave, stop and
 * sleep share saveSnapshot's incremental path; the autosave alarm itself runs every 600 s and is
 * not forced here), takes that save's own time (created → completed, the Worker's clock) and
 * size, then times connect → prompt. On the local driver the host keeps the workspace folder
 * across the sleep and the wake reuses it (phase `kept_workspace`); each run then sleeps once more
 * and wakes with that folder discarded, so the wake restores the chain (full base + increments)
 * from R2, as every wake on the containers driver does.
 */
async function incrementalRuns(ctx) {
  const { templateId } = await createBuiltTemplate(ctx);
  const session = await ctx.createSession({ templateId });
  const saveMs = [];
  const saveKB = [];
  const keptWakeMs = [];
  const chainWakeMs = [];
  const sleepAgain = async () => {
    // Re-arms the idle check: before api/src/sessions/proxy.ts re-armed it on a wake, a session
    // woken by a connection never slept again. Harmless now; not part of any timed span.
    await ctx.call("POST /api/sessions/{sessionId}/keep-awake", { params: { sessionId: session.id }, body: { minutes: 0 } });
    await untilSleeping(ctx, session.id);
  };
  try {
    await timedShell(ctx, session.id, MAKE_TREE);
    await untilSleeping(ctx, session.id);
    for (let r = 0; r < ctx.runs; r++) {
      await timedShell(ctx, session.id, `head -c 1048576 /dev/urandom > tree/change-${r}.bin`);
      await sleepAgain();
      const { snapshots } = await ctx.call("GET /api/sessions/{sessionId}/snapshots", { params: { sessionId: session.id } });
      const flush = snapshots[0];
      if (flush?.kind !== "sleep" || flush.format !== "incremental")
        throw new Error(`expected an incremental sleep flush, got ${flush?.kind}/${flush?.format}`);
      saveMs.push(Date.parse(flush.completedAt) - Date.parse(flush.createdAt));
      saveKB.push(flush.bytes / 1024);
      if (ctx.host) {
        keptWakeMs.push(await timedWake(ctx, session.id, `wake-kept-${r}`, true));
        await sleepAgain();
        await discardKept(ctx, session.id);
      }
      chainWakeMs.push(await timedWake(ctx, session.id, `wake-chain-${r}`, false));
      await sleepAgain();
    }
  } finally {
    await ctx.deleteSession(session.id).catch((err) => console.error(`cleanup: ${err.message}`));
  }
  return [
    {
      metric: `incremental automatic save of a ${TREE_MB} MB tree after a 1 MB change`,
      unit: "ms",
      better: "lower",
      samples: saveMs,
      target: { median: 1000 },
    },
    { metric: "incremental automatic save: stored archive", unit: "KB", better: "lower", samples: saveKB },
    ...(keptWakeMs.length
      ? [
          {
            metric: `sleep → running (connect → prompt) with a ${TREE_MB} MB workspace, kept folder`,
            unit: "ms",
            better: "lower",
            samples: keptWakeMs,
            target: { median: 2000 },
          },
        ]
      : []),
    {
      metric: `sleep → running (connect → prompt) with a ${TREE_MB} MB workspace, chain restore from R2`,
      unit: "ms",
      better: "lower",
      samples: chainWakeMs,
      ...(keptWakeMs.length ? {} : { target: { median: 2000 } }),
    },
  ];
}

export default {
  name: "snapshot",
  description: `snapshot save / restore of a ${TREE_MB} MB tree vs plain tar`,
  async run(ctx) {
    const runs = ctx.runs;
    // Outside the workspace (not persisted) and unique, since /tmp may be shared between runtimes.
    const scratch = `/tmp/bf-bench-${process.pid}-${Date.now()}`;
    const incremental = await incrementalRuns(ctx);
    const session = await ctx.createSession();
    const save = [];
    const restoreCall = [];
    const tarSave = [];
    const tarRestore = [];
    const exportOnly = [];
    const importOnly = [];
    // --profile: workerd's CPU during the save and the restore call (hashing, R2 parts; C++ and
    // isolate work a JavaScript profile of the agent does not see).
    const workerd = cpuMeter(ctx.profileDir ? ctx.wranglerGroup : null, "workerd");
    try {
      await timedShell(ctx, session.id, MAKE_TREE);
      for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        const snap = await workerd.measure("save", () =>
          ctx.call("POST /api/sessions/{sessionId}/snapshots", { params: { sessionId: session.id }, body: { label: `bench ${r}` } }),
        );
        save.push(TREE_MB / ((performance.now() - t0) / 1000));

        const t1 = performance.now();
        const { safety, restored } = await workerd.measure("restore call", () =>
          ctx.call("POST /api/sessions/{sessionId}/snapshots/{snapshotId}/restore", {
            params: { sessionId: session.id, snapshotId: snap.id },
          }),
        );
        restoreCall.push(TREE_MB / ((performance.now() - t1) / 1000));

        if (ctx.host) {
          exportOnly.push(TREE_MB / ((await agentExportMs(ctx, session.id)) / 1000));
          // The saved archive, fetched untimed, then posted to the agent on its own.
          const content = await ctx.client.callRaw("GET /api/sessions/{sessionId}/snapshots/{snapshotId}/content", {
            params: { sessionId: session.id, snapshotId: snap.id },
          });
          const archive = Buffer.from(await content.arrayBuffer());
          importOnly.push(TREE_MB / ((await agentImportMs(ctx, session.id, archive, content.headers.get("x-content-sha256"))) / 1000));
        }
        // The same gzip level as the save (SNAPSHOT_GZIP_LEVEL in runtime/src/agent/snapshot/snapshot-service.ts), as the target asks.
        tarSave.push(
          TREE_MB / ((await timedShell(ctx, session.id, `mkdir -p ${scratch} && tar -cf - tree | gzip -1 > ${scratch}/tree.tgz`)) / 1000),
        );
        tarRestore.push(
          TREE_MB /
            ((await timedShell(
              ctx,
              session.id,
              `rm -rf ${scratch}/untar && mkdir ${scratch}/untar && tar xzf ${scratch}/tree.tgz -C ${scratch}/untar`,
            )) /
              1000),
        );
        for (const sid of [snap.id, safety.id, restored.id]) {
          await ctx.call("DELETE /api/sessions/{sessionId}/snapshots/{snapshotId}", { params: { sessionId: session.id, snapshotId: sid } });
        }
      }
      await timedShell(ctx, session.id, `rm -rf ${scratch}`);
      for (const [what, ms] of workerd.totals) {
        console.log(`  workerd CPU, ${what}: ${ms} ms for ${TREE_MB * runs} MB (${(ms / (TREE_MB * runs)).toFixed(1)} ms per MB)`);
      }
    } finally {
      await ctx.deleteSession(session.id).catch((err) => console.error(`cleanup: ${err.message}`));
    }
    return [
      {
        metric: "save, streamed (vs tar | gzip -1)",
        unit: "MB/s",
        better: "higher",
        samples: save,
        direct: tarSave,
        target: { ratio: 1.2 },
      },
      {
        metric: "restore call: safety snapshot (incremental) + restore point (reference) + unpack (vs tar xzf)",
        unit: "MB/s",
        better: "higher",
        samples: restoreCall,
        direct: tarRestore,
        target: { ratio: 1.3 },
      },
      ...(exportOnly.length
        ? [
            {
              metric: "agent streamed export only (vs tar | gzip -1)",
              unit: "MB/s",
              better: "higher",
              samples: exportOnly,
              direct: tarSave,
            },
            {
              metric: "agent streamed import only (vs tar xzf)",
              unit: "MB/s",
              better: "higher",
              samples: importOnly,
              direct: tarRestore,
              target: { ratio: 1.3 },
            },
          ]
        : []),
      ...incremental,
    ];
  },
};
