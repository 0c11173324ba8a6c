import {
  SESSION_PAGE_MAX,
  type Session,
  type SessionEvent,
  sessionDetailResponse,
  sessionEventSchema,
  sessionResponse,
} from "@burstflare/sdk/schemas/sessions";
import { templateListSchema } from "@burstflare/sdk/schemas/templates";
import { SESSION_STATES, type SessionState } from "@burstflare/sdk/states";
import { examples } from "../app";
import type { Context } from "../context";
import type { FlareCommand } from "../flare-command";
import { signalIntent } from "../intent";
import { CLIError, table } from "../output";
import { describeState, ensureRunning, findSessionByName, listSessionPage, resolveSession, waitForState } from "../sessions";
import { parseSSE } from "../sse";
import { terminalSafe } from "../terminal-text";

async function withSpinner<T>(ctx: Context, session: Session, run: (update: (s: Session) => void) => Promise<T>): Promise<T> {
  const spinner = ctx.spinner(describeState(session));
  try {
    const result = await run((s) => spinner.update(describeState(s)));
    spinner.succeed(describeState(result as Session));
    return result;
  } catch (err) {
    spinner.fail();
    throw err;
  }
}

const sessionColumns = {
  name: "name",
  id: "id",
  state: "state",
  lastLifecyclePhase: "phase",
  template: "template",
  lastActiveAt: "last active",
};

export function registerSession(program: FlareCommand): void {
  const s = program.command("session").alias("sessions").description("Dev sessions: create, start, stop, watch");

  s.command("up")
    .description("Create a session (or reuse the one with this name), start it and wait until it runs")
    .argument("<name>", "session name (lowercase letters, digits, dashes)")
    .option("-t, --template <template>", "template id or name (default: the workspace's default)")
    .option("--no-wait", "return once the start is requested")
    .option("--git <url>", "clone this repository at the first start (your `flare git token` is offered to it)")
    .option("--ref <ref>", "branch or tag for --git")
    .addHelpText(
      "after",
      examples("flare session up dev", "flare session up api --template node-dev", "flare --json session up ci-1 | jq -r .session.id"),
    )
    .run(async (ctx, name: string, opts: { template?: string; wait: boolean; git?: string; ref?: string }) => {
      let session = (await findSessionByName(ctx.client, name)) ?? undefined;
      // Start on intent: a sleeping session marked for it starts waking now, in the background.
      if (session) await signalIntent(ctx.client, "cli", session.id);
      let created = false;
      if (!session) {
        let templateId: string | undefined;
        if (opts.template) {
          const { templates } = await ctx.client.call("GET /api/templates", { schema: templateListSchema });
          const t = templates.find((x) => x.id === opts.template) ?? templates.find((x) => x.name === opts.template);
          if (!t) throw new CLIError("not_found", `no template "${opts.template}"`, { hint: "list them with `flare template list`" });
          templateId = t.id;
        }
        const git = opts.git ? { url: opts.git, ref: opts.ref } : undefined;
        session = (await ctx.client.call("POST /api/sessions", { body: { name, templateId, git }, schema: sessionResponse })).session;
        created = true;
      }
      if (opts.wait) session = await withSpinner(ctx, session, (onUpdate) => ensureRunning(ctx.client, session!, { onUpdate }));
      else if (!created && session.state !== "running" && session.state !== "starting") {
        session = (
          await ctx.client.call("POST /api/sessions/{sessionId}/start", {
            params: { sessionId: session.id },
            body: {},
            schema: sessionResponse,
          })
        ).session;
      }
      ctx.out.result(
        { session, created },
        () => `${session!.name} (${session!.id}) is ${session!.state}\nconnect: flare ssh ${session!.name}`,
      );
    });

  s.command("list")
    .alias("ls")
    .description("List sessions in the current workspace, newest first, one page at a time (filtered by the server)")
    .option("--state <states>", "only these states, comma-separated (e.g. running,sleeping)")
    .option("--template <id>", "only sessions of this template id")
    .option("--mine", "only sessions you own")
    .option("--search <text>", "only sessions whose name contains this")
    .option("--limit <n>", `sessions per page (1-${SESSION_PAGE_MAX})`, "50")
    .option("--cursor <cursor>", "the next page: the cursor the previous page printed")
    .addHelpText(
      "after",
      examples("flare session ls --state running", "flare session ls --mine --search api", "flare --json session ls --limit 200"),
    )
    .run(async (ctx, opts: { state?: string; template?: string; mine?: boolean; search?: string; limit: string; cursor?: string }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > SESSION_PAGE_MAX) {
        throw new CLIError("bad_request", `--limit must be a whole number from 1 to ${SESSION_PAGE_MAX}`);
      }
      const page = await listSessionPage(ctx.client, {
        state: opts.state,
        templateId: opts.template,
        owner: opts.mine ? "me" : undefined,
        q: opts.search?.toLowerCase(),
        limit,
        cursor: opts.cursor,
      });
      ctx.out.result(page, () => {
        const rows = table(
          page.sessions.map((x) => ({ ...x, template: x.templateId })),
          sessionColumns,
        );
        return page.nextCursor ? `${rows}\nmore: flare session ls --cursor ${page.nextCursor} (same filters)` : rows;
      });
    });

  s.sessionCommand("status", "Show a session: state, lifecycle phase, runtime, activity").runWithSession(async (ctx, { id }) => {
    const { session } = await ctx.client.call("GET /api/sessions/{sessionId}", {
      params: { sessionId: id },
      schema: sessionDetailResponse,
    });
    ctx.out.result({ session }, () =>
      [
        `${session.name} (${session.id})`,
        `state:      ${session.state}${session.lastLifecyclePhase ? ` (${session.lastLifecyclePhase})` : ""}`,
        `runtime:    ${session.runtimeStatus ?? "-"} / ${session.runtimeState ?? "-"}`,
        `template:   ${session.templateId ?? "-"} version ${session.versionId ?? "-"}${session.newerVersionAvailable ? " (newer version available)" : ""}`,
        `bootstrap:  ${session.lastBootstrapAt ?? "-"}`,
        session.failureReason ? `failure:    ${session.failureReason}` : null,
        session.activity?.sleepsAt ? `sleeps at:  ${session.activity.sleepsAt}` : null,
        ...(session.activity?.keptAwakeBy.map((r) => `awake:      ${r}`) ?? []),
      ]
        .filter((l) => l !== null)
        .join("\n"),
    );
  });

  const actions: [name: "start" | "stop" | "restart", description: string, target: SessionState][] = [
    ["start", "Start a stopped or sleeping session and wait until it runs", "running"],
    ["stop", "Stop a session (its persisted paths are saved first) and wait until it is stopped", "stopped"],
    ["restart", "Stop and start again, e.g. to pick up a newer template version", "running"],
  ];
  for (const [name, description, target] of actions) {
    s.sessionCommand(name, description)
      .option("--no-wait", "return once the request is accepted")
      .runWithSession(async (ctx, found, opts: { wait: boolean }) => {
        let { session } = await ctx.client.call(`POST /api/sessions/{sessionId}/${name}`, {
          params: { sessionId: found.id },
          body: {},
          schema: sessionResponse,
        });
        if (opts.wait && session.state !== target) {
          // A restart may still report `running` from before the stop; wait through `starting`.
          const current = session;
          session = await withSpinner(ctx, current, (onUpdate) => waitForState(ctx.client, current.id, [target], { onUpdate }));
        }
        ctx.out.result({ session }, () => `${session.name}: ${session.state}`);
      });
  }

  s.sessionCommand("delete", "Delete a session and its runtime (snapshots are kept per retention)").runWithSession(async (ctx, found) => {
    await ctx.client.call("DELETE /api/sessions/{sessionId}", { params: { sessionId: found.id } });
    ctx.out.result({ deleted: found.id }, () => `deleted ${found.name}`);
  });

  s.sessionCommand("events", "Stream a session's lifecycle events (transitions, phases, idle warnings)")
    .option("--until <state>", `stop once the session reaches this state (${SESSION_STATES.join(", ")})`)
    .option("--since <seq>", "only events after this sequence number (the stream first replays recent ones)")
    .addHelpText(
      "after",
      examples("flare session events dev", "flare --json session events dev --until running", "flare session events dev --since 42"),
    )
    .run(async (ctx, ref: string, opts: { until?: string; since?: string }) => {
      if (opts.until && !(SESSION_STATES as readonly string[]).includes(opts.until)) {
        throw new CLIError("usage", `--until must be one of ${SESSION_STATES.join(", ")}`, { exitCode: 2 });
      }
      const found = await resolveSession(ctx.client, ref);
      const abort = new AbortController();
      if (opts.since !== undefined && !/^\d+$/.test(opts.since)) {
        throw new CLIError("usage", "--since takes an event sequence number", { exitCode: 2 });
      }
      const headers: Record<string, string> = { accept: "text/event-stream" };
      if (opts.since !== undefined) headers["last-event-id"] = opts.since;
      const res = await ctx.client.callRaw("GET /api/sessions/{sessionId}/events", {
        params: { sessionId: found.id },
        headers,
        signal: abort.signal,
      });
      if (!res.body) return;
      for await (const msg of parseSSE(res.body)) {
        const parsed = sessionEventSchema.safeParse(safeJSON(msg.data));
        if (!parsed.success) continue;
        const e = parsed.data;
        ctx.out.event(e, () => sessionEventLine(e));
        if (opts.until && e.state === opts.until) {
          abort.abort();
          break;
        }
      }
    });
}

/** One event as a line; its message may hold a failing bootstrap's output, so its controls are shown as text. */
export function sessionEventLine(e: SessionEvent): string {
  return terminalSafe(`${e.at}  ${e.type.padEnd(10)} ${e.state}${e.phase ? ` (${e.phase})` : ""}${e.message ? `  ${e.message}` : ""}`);
}

function safeJSON(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
