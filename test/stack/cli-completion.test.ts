import { chmodSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createApiTokenResponseSchema } from "@burstflare/sdk/schemas/auth";
import { describe, expect, it } from "vitest";
import { api, createSession, expectOK } from "./helpers/api";
import { FLARE_BIN, flare, flareHome, run } from "./helpers/flare";
import { createStackUser } from "./helpers/users";

/** Real bash, zsh and fish, with the scripts `flare completion <shell>` prints, completing against the stack. */
describe("shell completion", () => {
  it("completes session names in bash, zsh and fish from the API, then from the short-lived cache", async () => {
    const user = await createStackUser();
    const name = `compl-${Date.now().toString(36)}`;
    await createSession(user, { name });
    const created = createApiTokenResponseSchema.parse(
      await expectOK(await api(user, "POST /api/auth/tokens", { body: { name: "completion" } })),
    );
    const fh = flareHome();
    fh.env.BURSTFLARE_TOKEN = created.token;
    // `flare` on PATH, as an installed CLI would be.
    const binDir = mkdtempSync(path.join(os.tmpdir(), "flare-path-"));
    writeFileSync(path.join(binDir, "flare"), `#!/bin/sh\nexec ${process.execPath} ${FLARE_BIN} "$@"\n`);
    chmodSync(path.join(binDir, "flare"), 0o755);
    fh.env.PATH = `${binDir}:${fh.env.PATH}`;

    const script = (await flare(fh, ["completion", "bash"])).stdout;
    const completeIn = (words: string[]) =>
      run(
        "/usr/bin/bash",
        [
          "-c",
          `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _flare_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        fh,
      );
    const groups = await completeIn(["flare", "sess"]);
    expect(groups.stdout.split("\n")).toContain("session");
    const sessions = await completeIn(["flare", "ssh", name.slice(0, 8)]);
    expect(sessions.stdout.split("\n").filter(Boolean)).toEqual([name]);
    expect(readdirSync(path.join(fh.configDir, "cache")).some((f) => f.endsWith("-sessions.json"))).toBe(true);

    // zsh: the script under zsh itself, with compadd recording what it is offered.
    const zshScript = (await flare(fh, ["completion", "zsh"])).stdout;
    const zsh = await run(
      "/usr/bin/zsh",
      [
        "-c",
        `compdef() {}\n${zshScript}\ncompadd() { local a; for a in "\${(@P)2}"; do print -- "$a"; done }\nwords=(flare ssh ${name.slice(0, 8)}); CURRENT=3; _flare`,
      ],
      fh,
    );
    expect(zsh.stdout.split("\n").filter(Boolean), zsh.stderr).toEqual([name]);
    // fish: its own completion engine, asked for one command line.
    const fishScript = (await flare(fh, ["completion", "fish"])).stdout;
    const fish = await run("/usr/bin/fish", ["-c", `${fishScript}\ncomplete --do-complete='flare ssh ${name.slice(0, 8)}'`], fh);
    expect(fish.stdout.split("\n").filter(Boolean), fish.stderr).toEqual([name]);

    // Within the cache's lifetime a tab press does not ask the API: it still answers with the token revoked.
    await expectOK(await api(user, "DELETE /api/auth/tokens/{tokenId}", { params: { tokenId: created.apiToken.id } }));
    const cached = await completeIn(["flare", "snapshot", "list", name.slice(0, 8)]);
    expect(cached.stdout.split("\n").filter(Boolean)).toEqual([name]);
    // And with nothing cached, a refused request completes nothing and prints no error.
    const refused = await completeIn(["flare", "session", "up", "x", "--template", ""]);
    expect(refused.stdout.trim()).toBe("");
    expect(refused.stderr).toBe("");
  });
});
