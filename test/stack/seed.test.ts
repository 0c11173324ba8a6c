import { writeFileSync } from "node:fs";
import path from "node:path";
import type { SeededUser } from "@burstflare/sdk/schemas/seed";
import { describe, expect, it } from "vitest";
import { api, expectOK } from "./helpers/api";
import { flare, flareHome, flareJSON, signIn } from "./helpers/flare";
import { createStackUser, stackOperator } from "./helpers/users";

/** `flare admin seed …` against the stack (OPERATOR_SEEDING=1): the operator's fixtures from the shell. */
describe("flare admin seed", () => {
  it("makes a member with a working token and a template they see; refuses everyone but the operator", async () => {
    const owner = await createStackUser();
    const ofh = flareHome();
    signIn(ofh, stackOperator());
    const member = await flareJSON<SeededUser>(ofh, ["admin", "seed", "user", "--workspace", owner.workspaceId, "--role", "viewer"]);
    expect(member).toMatchObject({ workspaceId: owner.workspaceId, role: "viewer" });
    const asMember = {
      ...owner,
      userId: member.userId,
      token: member.signIns[0]!.token,
      headers: { authorization: `Bearer ${member.signIns[0]!.token}` },
    };
    const me = (await expectOK(await api(asMember, "GET /api/auth/me"))) as { role: string; isOperator: boolean };
    expect(me).toMatchObject({ role: "viewer", isOperator: false });

    const manifest = path.join(ofh.home, "manifest.json");
    writeFileSync(manifest, JSON.stringify({ persistedPaths: ["."], idleTimeoutSeconds: 60 }));
    const tpl = await flareJSON<{ templateId: string }>(ofh, [
      "admin",
      "seed",
      "template",
      manifest,
      "--workspace",
      owner.workspaceId,
      "--name",
      "seeded-cli",
    ]);
    const listed = (await expectOK(await api(asMember, "GET /api/templates"))) as { templates: { id: string; name: string }[] };
    expect(listed.templates.find((t) => t.id === tpl.templateId)?.name).toBe("seeded-cli");

    // The owner and the seeded member are ordinary accounts: the server refuses them, whatever their role.
    for (const who of [owner, asMember]) {
      const fh = flareHome();
      signIn(fh, who);
      const refused = await flare(fh, ["admin", "seed", "user"]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("operators only");
    }
    const bad = await flare(ofh, ["admin", "seed", "user", "--workspace", "ws_nope"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("workspace not found");
  });
});
