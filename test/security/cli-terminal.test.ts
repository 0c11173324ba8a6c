import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../stack/helpers/api";
import { type FlareHome, flare, flareHome, flareJSON, signIn, templateDir } from "../stack/helpers/flare";
import { createStackUser, type StackUser } from "../stack/helpers/users";

/**
 * `flare` prints other people's words into a person's terminal. A member who can name things or
 * write a template's build step once reached every other member's terminal with raw control
 * sequences: OSC 52 (writes the victim's clipboard, e.g. with a command to paste), CSI 2J (wipes
 * the screen), a lone CR (overwrites a line already shown). Names with control characters are now
 * refused when saved, and every human line flare prints shows controls as visible caret text.
 */

/** `echo pwned`, base64: what OSC 52 would put on the victim's clipboard. */
const CLIPBOARD = "ZWNobyBwd25lZA==";
const OSC52 = `\u001b]52;c;${CLIPBOARD}\u0007`;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the controls are what must not reach the terminal
const RAW_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\r(?!\n)/;

let owner: StackUser;
let ownerCLI: FlareHome;
let memberCLI: FlareHome;

beforeAll(async () => {
  owner = await createStackUser();
  ownerCLI = flareHome();
  signIn(ownerCLI, owner);
  memberCLI = flareHome();
  signIn(memberCLI, await createStackUser({ workspaceId: owner.workspaceId, role: "member" }));
});

describe("what flare prints cannot drive the reader's terminal", () => {
  it("refuses names and labels with control characters when saved", async () => {
    for (const name of [`team${OSC52}`, "team\u001b[2J", "team\r\nfake line", "team\u009b2J"]) {
      const res = await api(owner, "PATCH /api/workspaces/current/settings", { body: { name } });
      expect(res.status, JSON.stringify(name)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("validation_failed");
    }
    const ok = await api(owner, "PATCH /api/workspaces/current/settings", { body: { name: "team ünïcode ok" } });
    expect(ok.status).toBe(200);
  });

  it("shows a hostile build log to another member as visible text: no clipboard write, no screen wipe, no overwritten line", async () => {
    const name = `esc-${Date.now().toString(36)}`;
    await flareJSON(ownerCLI, ["template", "create", name]);
    // The same commands again as C1 controls (UTF-8 of U+009D OSC, U+009C ST, U+009B CSI).
    const build = `printf '\\033]52;c;${CLIPBOARD}\\007\\033[2J\\033[H\\rbuild ok\\n\\302\\23552;c;${CLIPBOARD}\\302\\234\\302\\2332J\\n'`;
    const up = await flare(ownerCLI, ["--json", "template", "upload", name, templateDir({ build }), "-V", "1", "--wait"], {
      timeoutMs: 180_000,
    });
    expect(up.code, up.stderr).toBe(0);
    const builds = await flareJSON<{ builds: { id: string; templateName: string }[] }>(memberCLI, ["build", "list"]);
    const id = builds.builds.find((b) => b.templateName === name)?.id;
    expect(id).toBeDefined();

    // The stored log holds the raw bytes: the attack is real. --json escapes them all, C1 included
    // (JSON.stringify alone leaves U+0080-U+009F raw, which xterm.js-based terminals obey).
    const json = await flare(memberCLI, ["--json", "build", "log", id!]);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    const raw = JSON.parse(json.stdout) as { log: string };
    expect(raw.log).toContain(OSC52);
    expect(raw.log).toContain(`\u009d52;c;${CLIPBOARD}\u009c\u009b2J`);

    // What a person sees: every control shown, none sent.
    const shown = await flare(memberCLI, ["build", "log", id!]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).not.toMatch(RAW_CONTROL);
    expect(shown.stdout).toContain(`^[]52;c;${CLIPBOARD}^G^[[2J^[[H\nbuild ok\n`);
    expect(shown.stdout).toContain(`\\x9d52;c;${CLIPBOARD}\\x9c\\x9b2J\n`);
  });
});
