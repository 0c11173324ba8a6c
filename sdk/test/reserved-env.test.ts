import { describe, expect, it } from "vitest";
import { ENV_NAME_MAX, envNameProblem, PLATFORM_SESSION_ENV, partitionSessionEnv } from "../reserved-env";
import { manifestSchema, storedManifestSchema } from "../schemas/manifest";

describe("reserved environment names", () => {
  it("refuses names that change how a program starts or that BurstFlare owns, in any case", () => {
    for (const name of [
      "PATH",
      "path",
      "HOME",
      "SHELL",
      "IFS",
      "ENV",
      "BASH_ENV",
      "LD_PRELOAD",
      "LD_LIBRARY_PATH",
      "ld_audit",
      "DYLD_INSERT_LIBRARIES",
      "NODE_OPTIONS",
      "NODE_PATH",
      "PERL5OPT",
      "RUBYOPT",
      "PYTHONSTARTUP",
      "GCONV_PATH",
      "GLIBC_TUNABLES",
      "MALLOC_CHECK_",
      "BASH_FUNC_x",
      "SSH_AUTH_SOCK",
      "BURSTFLARE_AGENT_TOKEN",
      "BURSTFLARE_SESSION_ID",
    ]) {
      expect(envNameProblem(name), name).toMatch(new RegExp(`^${name} is reserved: `));
    }
  });

  it("refuses names that are not POSIX names, naming them", () => {
    for (const name of ["A=B", "BASH_FUNC_x%%", "1A", "A B", "A-B", "Ä", "A\0B"]) {
      expect(envNameProblem(name), name).toBe(
        `${JSON.stringify(name)} is not an environment variable name: use letters, digits and underscores, not starting with a digit`,
      );
    }
    expect(envNameProblem("")).toMatch(/must not be empty/);
    expect(envNameProblem("X".repeat(ENV_NAME_MAX + 1))).toMatch(/at most 128/);
  });

  it("allows ordinary project variables", () => {
    for (const name of [
      "DATABASE_URL",
      "NODE_ENV",
      "NODE_EXTRA_CA_CERTS",
      "PYTHONPATH",
      "LANG",
      "LC_ALL",
      "TERM",
      "_private",
      "X".repeat(ENV_NAME_MAX),
    ]) {
      expect(envNameProblem(name), name).toBeNull();
    }
  });

  it("partitions a stored environment, letting only the control plane's own names through", () => {
    const { env, dropped } = partitionSessionEnv(
      { FOO: "bar", PATH: "/evil", BURSTFLARE_SESSION_ID: "s", BURSTFLARE_AGENT_TOKEN: "t", NUL: "a\0b" },
      PLATFORM_SESSION_ENV,
    );
    expect(env).toEqual({ FOO: "bar", BURSTFLARE_SESSION_ID: "s" });
    expect(dropped.map((d) => d.name).sort()).toEqual(["BURSTFLARE_AGENT_TOKEN", "NUL", "PATH"]);
    expect(JSON.stringify(dropped)).not.toContain("/evil");
  });

  it("refuses reserved names in a manifest but drops them from one read back from storage", () => {
    const raw = { persistedPaths: ["."], env: { KEEP: "1", NODE_OPTIONS: "--require /tmp/x.js" } };
    const refused = manifestSchema.safeParse(raw);
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]).toMatchObject({
      path: ["env", "NODE_OPTIONS"],
      message: expect.stringMatching(/^NODE_OPTIONS is reserved/),
    });
    expect(storedManifestSchema.parse(raw).env).toEqual({ KEEP: "1" });
  });
});
