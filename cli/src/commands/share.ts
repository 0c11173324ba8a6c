import {
  type CreateShareResponse,
  createShareResponse,
  parseDuration,
  SHARE_SCOPES,
  type ShareScope,
  shareAccessListResponse,
  shareListResponse,
  shareResponse,
} from "@burstflare/sdk/schemas/shares";
import { examples } from "../app";
import type { Context } from "../context";
import type { FlareCommand } from "../flare-command";
import { CLIError, EXIT, table } from "../output";
import { resolveSession } from "../sessions";

export const collect = (value: string, previous: string[]) => [...previous, value];

export interface CreateOptions {
  scope: string;
  email: string[];
  expires: string;
  label?: string;
}

function scopeOf(text: string): ShareScope {
  if ((SHARE_SCOPES as readonly string[]).includes(text)) return text as ShareScope;
  throw new CLIError("validation_failed", `--scope must be one of ${SHARE_SCOPES.join(", ")}`, { exitCode: EXIT.usage });
}

/** Checks the flags, then creates a link to the session's preview, or to one `port` of it. */
export async function createShare(ctx: Context, ref: string, opts: CreateOptions, port?: number): Promise<CreateShareResponse> {
  const scope = scopeOf(opts.scope);
  const expiresInSeconds = parseDuration(opts.expires);
  if (expiresInSeconds === null) {
    throw new CLIError("validation_failed", `--expires ${opts.expires} is not a duration like 30m, 1h or 7d`, { exitCode: EXIT.usage });
  }
  const s = await resolveSession(ctx.client, ref);
  return ctx.client.call("POST /api/sessions/{sessionId}/shares", {
    params: { sessionId: s.id },
    body: { scope, emails: opts.email.length ? opts.email : undefined, expiresInSeconds, label: opts.label, port },
    schema: createShareResponse,
  });
}

export function registerShare(program: FlareCommand): void {
  const share = program.command("share").alias("shares").description("Links to a session's preview for other people");

  share
    .sessionCommand("create", "Create a link to the session's preview (the link is shown only once)")
    .requiredOption("-s, --scope <scope>", `who may open it: ${SHARE_SCOPES.join(" | ")}`)
    .option("-e, --email <email>", "an invited person (scope people; repeat for more)", collect, [])
    .option("--expires <duration>", "how long it works: 30m, 1h, 7d (at most 30d)", "1d")
    .option("-l, --label <text>", "a note to recognise it by")
    .addHelpText(
      "after",
      examples(
        "flare share create dev --scope anyone --expires 1h",
        "flare share create dev --scope people --email ana@example.com --email bo@example.com",
        "flare --json share create dev --scope workspace | jq -r .url",
      ),
    )
    .run(async (ctx, ref: string, opts: CreateOptions) => {
      const data = await createShare(ctx, ref, opts);
      ctx.out.result(
        data,
        () => `${data.url}\n${data.share.id}: ${describeScope(data.share.scope, data.share.emails)}, until ${data.share.expiresAt}`,
      );
    });

  share.sessionCommand("list", "List the session's links: active, expired and revoked").runWithSession(async (ctx, s) => {
    const data = await ctx.client.call("GET /api/sessions/{sessionId}/shares", { params: { sessionId: s.id }, schema: shareListResponse });
    const rows = data.shares.map((x) => ({ ...x, who: describeScope(x.scope, x.emails) }));
    const labels = {
      id: "id",
      who: "who",
      status: "status",
      expiresAt: "expires",
      accessCount: "visits",
      lastAccessAt: "last visit",
      label: "label",
    };
    const none = `no share links for ${s.name}; create one with \`flare share create ${s.name} --scope anyone\``;
    ctx.out.result(data, () => table(rows, labels, none));
  });

  share
    .sessionCommand("revoke", "Revoke a link; its next request is refused")
    .argument("<linkId>", "the link's id (shr_…)")
    .runWithSession(async (ctx, s, linkId: string) => {
      const data = await ctx.client.call("DELETE /api/sessions/{sessionId}/shares/{shareId}", {
        params: { sessionId: s.id, shareId: linkId },
        schema: shareResponse,
      });
      ctx.out.result(data, () => `revoked ${data.share.id}`);
    });

  share
    .sessionCommand("log", "Who opened the session's links: user or anonymous, when, which path, from where")
    .option("--link <linkId>", "only this link")
    .option("-n, --limit <n>", "entries to show (≤ 500)", "50")
    .runWithSession(async (ctx, s, opts: { link?: string; limit: string }) => {
      const data = await ctx.client.call("GET /api/sessions/{sessionId}/share-access", {
        params: { sessionId: s.id },
        query: { limit: opts.limit, shareId: opts.link },
        schema: shareAccessListResponse,
      });
      ctx.out.result(data, () =>
        table(
          data.entries.map((e) => ({
            ...e,
            who: e.email ?? "anonymous",
            what: `${e.websocket ? "WS " : ""}${e.method} ${e.path}`,
            result: e.outcome === "allowed" ? "allowed" : `refused (${e.reason})`,
          })),
          { at: "when", who: "who", what: "request", result: "result", ip: "from", shareId: "link" },
        ),
      );
    });
}

function describeScope(scope: ShareScope, emails: string[]): string {
  if (scope === "people") return emails.join(", ");
  return scope === "workspace" ? "workspace members" : "anyone with the link";
}
