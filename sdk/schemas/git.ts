import { z } from "zod";

/**
 * A repository a session starts from (issue 18): cloned at the session's first start into a
 * folder named after the repository. The URL carries no credentials: the user's stored git token
 * is offered by a credential helper (api/src/git/credentials.ts) and never written anywhere.
 */
export const gitSourceSchema = z
  .object({
    url: z
      .string()
      .max(2000)
      .refine((u) => URL.canParse(u) && ["https:", "http:"].includes(new URL(u).protocol), "must be an http(s) URL")
      .refine((u) => !URL.canParse(u) || (new URL(u).username === "" && new URL(u).password === ""), {
        message: "must not carry credentials; store a git token with `flare git token set` instead",
      }),
    /** Branch or tag; the repository's default branch when absent. */
    ref: z
      .string()
      .max(200)
      .regex(/^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]+$/, "a branch or tag name")
      .optional(),
  })
  .strict();
export type GitSource = z.infer<typeof gitSourceSchema>;

/** The host a token is offered to: `github.com`, `git.example.com:8443`. */
export const gitHostSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^[a-z0-9.-]+(?::\d{1,5})?$/, "a host name, optionally with :port");

export const setGitCredentialBody = z.object({
  host: gitHostSchema,
  /** GitHub accepts any user name with a token; others want the account's. */
  username: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[^\s:]+$/, "no spaces or colons")
    .default("x-access-token"),
  token: z
    .string()
    .min(1)
    .max(4096)
    .regex(/^[\x21-\x7e]+$/, "printable characters without spaces"),
});
export type SetGitCredentialBody = z.input<typeof setGitCredentialBody>;

/** What the API says about a stored token: never the token. */
export const gitCredentialSchema = z.object({ host: z.string(), username: z.string(), updatedAt: z.string() });
export type GitCredential = z.infer<typeof gitCredentialSchema>;
export const gitCredentialResponse = z.object({ credential: gitCredentialSchema.nullable() });

/** The folder a repository is cloned into: its last path segment without `.git`. */
export function gitCloneDir(url: string): string {
  const last = new URL(url).pathname.split("/").filter(Boolean).pop() ?? "repo";
  const name = last.replace(/\.git$/, "").replace(/[^A-Za-z0-9._-]/g, "-");
  return name && !name.startsWith(".") ? name.slice(0, 100) : "repo";
}

/** POST /api/sessions/:sessionId/git/clone: whether git clone succeeded, where, and its output. */
export const gitCloneResult = z.object({ ok: z.boolean(), dir: z.string(), output: z.string() });
