import { ApiError } from "@burstflare/sdk/errors";
import { pathProblem, queryProblem } from "@burstflare/sdk/protocol/runtime-path";
import { idSchema } from "@burstflare/sdk/schemas/common";
import { RUNTIME_KINDS, type RuntimeKind } from "./runtime-access";

/**
 * The one parser for every runtime entry: `/runtime/sessions/<id>/<kind>[/…]`, share links
 * `/runtime/share/<credential>/…` and preview grants `/runtime/preview/<credential>/…`.
 *
 * It reads `new URL(request.url).pathname`: the path as the client sent it, after only what the
 * URL parser itself does (resolving full dot segments, `\` to `/`), never percent-decoded. Hono's
 * params are decoded, so `files%2F..%2Fpreview` would read as another kind; they are not used.
 * The agent path is then built from the validated parts alone.
 */

export const SESSION_RUNTIME_PREFIX = "/runtime/sessions/";

/** The agent sub-paths each kind may reach (files: the file API's routes); preview takes any safe path. */
const SUB_PATHS: Record<Exclude<RuntimeKind, "preview">, readonly string[]> = {
  terminal: [],
  ssh: [],
  files: ["tree", "content", "mkdir", "rename"],
};

const WORD = /^[a-z]+$/;

interface RuntimeTarget {
  sessionId: string;
  kind: RuntimeKind;
  /** Raw, validated segments after the kind; for preview the last may be "" (a trailing slash). */
  rest: string[];
}

function badPath(problem: string): ApiError {
  return new ApiError("bad_request", `${problem}; runtime paths are routed as sent`);
}

/** The segments after `prefix`, every one validated; throws 400 bad_request on any unsafe one. */
function safeSegments(pathname: string, prefix: string): string[] {
  if (!pathname.startsWith(prefix)) throw new ApiError("not_found", "no such runtime route");
  const problem = pathProblem(pathname);
  if (problem) throw badPath(problem);
  return pathname.slice(prefix.length).split("/");
}

export function parseSessionRuntimePath(pathname: string): RuntimeTarget {
  const [sessionId = "", kind = "", ...rest] = safeSegments(pathname, SESSION_RUNTIME_PREFIX);
  if (!idSchema.safeParse(sessionId).success || !kind) throw new ApiError("not_found", "no such runtime route");
  if (!WORD.test(kind)) throw badPath("the runtime kind is not a plain word");
  if (!RUNTIME_KINDS.includes(kind as RuntimeKind)) throw new ApiError("not_found", "no such runtime route");
  const runtimeKind = kind as RuntimeKind;
  if (runtimeKind === "preview") return { sessionId, kind: runtimeKind, rest };
  if (rest.some((segment) => !WORD.test(segment))) throw badPath(`${kind} takes no path but its own routes`);
  if (rest.length > 1 || (rest[0] !== undefined && !SUB_PATHS[runtimeKind].includes(rest[0]))) {
    throw new ApiError("not_found", "no such runtime route");
  }
  return { sessionId, kind: runtimeKind, rest };
}

export interface GatewayTarget {
  /** The raw first segment after the prefix (a share token or `<sessionId>.<grant>`); safe, not yet checked. */
  credential: string;
  /** Raw, validated preview segments; null without a slash after the credential. */
  rest: string[] | null;
}

/** Share links and preview grants: both reach only the preview, through the same checks. */
export function parseGatewayPath(pathname: string, prefix: string): GatewayTarget {
  const [credential = "", ...rest] = safeSegments(pathname, prefix);
  if (!credential) throw new ApiError("not_found", "no such link");
  return { credential, rest: rest.length ? rest : null };
}

/** 400 for a query that must not be forwarded to a runtime. */
export function assertSafeQuery(search: string): void {
  const problem = queryProblem(search);
  if (problem) throw badPath(problem);
}

/**
 * The agent path for validated parts: `/<kind>[/<rest>]<search>`. Refuses to hand over a path that
 * URL parsing (the driver's `new URL(path, agentURL)`) would rewrite, so what was routed here is
 * exactly what the agent routes on.
 */
export function agentPathFor(kind: RuntimeKind, rest: readonly string[], search: string): string {
  assertSafeQuery(search);
  const path = `/${[kind, ...rest].join("/")}`;
  const problem = pathProblem(path);
  if (problem) throw badPath(problem);
  if (new URL(path, "http://agent.invalid/").pathname !== path) throw badPath("the path would be rewritten on its way to the runtime");
  return `${path}${search}`;
}
