import { ApiClient } from "@burstflare/sdk/client";
import { ApiError } from "@burstflare/sdk/errors";
import {
  deviceStartResponseSchema,
  meResponseSchema,
  signInListSchema,
  type TokenPair,
  tokenPairSchema,
} from "@burstflare/sdk/schemas/auth";
import { examples } from "../app";
import { openBrowser } from "../browser";
import type { Context } from "../context";
import type { FlareCommand } from "../flare-command";
import { CLIError, table } from "../output";

interface LoginOptions {
  browser: boolean;
}

export function registerAuth(program: FlareCommand): void {
  const auth = program.command("auth").description("Sign in and out, and see who you are");

  auth
    .command("login")
    .description("Sign in with the device flow: approve a code in the browser")
    .option("--no-browser", "only print the URL, do not try to open a browser")
    .addHelpText(
      "after",
      examples(
        "flare auth login",
        "flare --url https://burstflare.example.com auth login",
        "flare --json auth login   # NDJSON: device_code, then logged_in",
      ),
    )
    .run(async (ctx, opts: LoginOptions) => {
      await login(ctx, { openBrowser: opts.browser && ctx.streams.stdout.isTTY === true });
    });

  auth
    .command("logout")
    .description("Sign out: revoke this CLI's sign-in on the server and forget the local credentials")
    .run(async (ctx) => {
      const creds = ctx.store.get(ctx.baseURL);
      if (!creds) {
        ctx.out.result({ loggedOut: false, baseURL: ctx.baseURL }, () => `not signed in to ${ctx.baseURL}`);
        return;
      }
      let revoked = true;
      try {
        await ctx.client.call("POST /api/auth/logout", { body: {} });
      } catch (err) {
        // Forget locally even when the server cannot be told; say so, since the token may live on until it expires.
        revoked = err instanceof ApiError && err.code === "unauthorized";
        if (!revoked) ctx.out.note(`warning: could not revoke the sign-in on the server (${(err as Error).message})`);
      }
      ctx.store.delete(ctx.baseURL);
      ctx.out.result({ loggedOut: true, revoked, baseURL: ctx.baseURL }, () => `signed out of ${ctx.baseURL}`);
    });

  auth
    .command("whoami")
    .description("Show the signed-in user, workspace and role")
    .run(async (ctx) => {
      const me = await ctx.client.call("GET /api/auth/me", { schema: meResponseSchema });
      ctx.out.result(
        me,
        () =>
          `${me.user.email}${me.isOperator ? " (operator)" : ""}\nworkspace: ${me.workspace.name} (${me.workspace.id}) as ${me.role}\nserver: ${ctx.baseURL}`,
      );
    });

  registerSignIns(auth.command("sign-ins").description("Your signed-in browsers and CLIs"), "sign-ins");
  // The pre-rename name keeps working, hidden, until 0.3.0.
  registerSignIns(auth.command("sessions", { hidden: true }).description("Deprecated: `flare auth sign-ins`"), "sessions");
}

const DEPRECATED_NOTE = "note: `flare auth sessions` is now `flare auth sign-ins`; the old name goes away in 0.3.0";

/** `list` and `revoke` under `group`; the deprecated `sessions` name prints JSON under its old key too. */
function registerSignIns(group: FlareCommand, name: "sign-ins" | "sessions"): void {
  group
    .command("list", { isDefault: true })
    .description("List signed-in browsers and CLIs")
    .run(async (ctx) => {
      if (name === "sessions") ctx.out.note(DEPRECATED_NOTE);
      const { signIns } = await ctx.client.call("GET /api/auth/sign-ins", { schema: signInListSchema });
      const result = name === "sessions" ? { sessions: signIns } : { signIns };
      ctx.out.result(result, () =>
        table(
          signIns.map((s) => ({ ...s, current: s.current ? "*" : "" })),
          { current: "", id: "id", kind: "kind", userAgent: "client", lastSeenAt: "last seen" },
        ),
      );
    });
  group
    .command("revoke")
    .description("Sign a browser or CLI out")
    .argument("<signInId>", "sign-in id (from `flare auth sign-ins`)")
    .run(async (ctx, signInId: string) => {
      if (name === "sessions") ctx.out.note(DEPRECATED_NOTE);
      await ctx.client.call("DELETE /api/auth/sign-ins/{signInId}", { params: { signInId } });
      ctx.out.result({ revoked: signInId }, () => `revoked ${signInId}`);
    });
}

/** The device flow: start, show the code, poll until approved, store the token pair. */
async function login(ctx: Context, opts: { openBrowser: boolean }): Promise<void> {
  if (ctx.usingEnvToken) ctx.out.note("note: BURSTFLARE_TOKEN is set and takes precedence over the login you are about to make");
  const anon = new ApiClient({ baseURL: ctx.baseURL });
  const start = await anon.post("/api/cli/device/start", {}, { schema: deviceStartResponseSchema, auth: false });
  const verificationUri = anon.url(start.verificationUri);
  const verificationUriComplete = anon.url(start.verificationUriComplete);
  ctx.out.event(
    { type: "device_code", userCode: start.userCode, verificationUri, verificationUriComplete, expiresIn: start.expiresIn },
    () => `To sign in, open ${verificationUri} and enter the code:\n\n    ${start.userCode}\n`,
  );
  if (opts.openBrowser) openBrowser(verificationUriComplete);

  const spinner = ctx.spinner("waiting for approval in the browser");
  let pair: TokenPair;
  try {
    pair = await pollExchange(anon, start.deviceCode, start.interval, start.expiresIn);
  } catch (err) {
    spinner.fail("not signed in");
    throw err;
  }
  ctx.store.set(ctx.baseURL, {
    accessToken: pair.accessToken,
    refreshToken: pair.refreshToken,
    accessExpiresAt: Date.now() + pair.expiresIn * 1000,
  });
  const me = await ctx.client.call("GET /api/auth/me", { schema: meResponseSchema });
  ctx.store.set(ctx.baseURL, { ...ctx.store.get(ctx.baseURL)!, email: me.user.email, userId: me.user.id });
  spinner.succeed(`signed in as ${me.user.email}`);
  ctx.out.event({ type: "logged_in", baseURL: ctx.baseURL, user: me.user, workspace: me.workspace, role: me.role }, () => undefined);
}

/** Polls the exchange honouring `interval`, adding 5 s on every slow_down (RFC 8628 §3.5). */
export async function pollExchange(
  client: ApiClient,
  deviceCode: string,
  intervalSeconds: number,
  expiresInSeconds: number,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<TokenPair> {
  let interval = Math.max(1, intervalSeconds);
  const deadline = Date.now() + expiresInSeconds * 1000;
  for (;;) {
    await sleep(interval * 1000);
    try {
      return await client.call("POST /api/cli/device/exchange", { body: { deviceCode }, schema: tokenPairSchema, auth: false });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.code === "authorization_pending") {
        if (Date.now() > deadline) break;
        continue;
      }
      if (err.code === "slow_down") {
        interval += 5;
        continue;
      }
      if (err.code === "access_denied") throw new CLIError("access_denied", "the sign-in was denied in the browser");
      if (err.code === "expired_token") break;
      throw err;
    }
  }
  throw new CLIError("expired_token", "the code expired before it was approved", { hint: "run `flare auth login` again" });
}
