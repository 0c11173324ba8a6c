import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { can, PERMISSIONS } from "../permissions";
import { ROLES } from "../states";

/** The role × action table as it must appear in docs/permissions.md between the markers. */
function renderPermissionTable(): string {
  const header = `| action | ${ROLES.join(" | ")} |`;
  const rule = `| --- | ${ROLES.map(() => ":---:").join(" | ")} |`;
  const rows = Object.keys(PERMISSIONS).map(
    (action) => `| \`${action}\` | ${ROLES.map((r) => (can(r, action as keyof typeof PERMISSIONS) ? "✓" : "")).join(" | ")} |`,
  );
  return [header, rule, ...rows].join("\n");
}

describe("permission table", () => {
  it("owners can do everything; every role can read the workspace", () => {
    for (const action of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) {
      expect(can("owner", action), action).toBe(true);
    }
    for (const role of ROLES) expect(can(role, "workspace.read")).toBe(true);
  });

  it("roles are nested: anything a lower role may do, every higher role may do", () => {
    for (const action of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) {
      for (let i = 1; i < ROLES.length; i++) {
        const lower = ROLES[i];
        const higher = ROLES[i - 1];
        if (lower && higher && can(lower, action)) expect(can(higher, action), `${action}: ${higher} ⊇ ${lower}`).toBe(true);
      }
    }
  });

  it("viewers never write", () => {
    const writes = Object.keys(PERMISSIONS).filter((a) => !a.endsWith(".read") && a !== "workspace.leave");
    for (const action of writes) expect(can("viewer", action as keyof typeof PERMISSIONS), action).toBe(false);
  });

  it("docs/permissions.md shows exactly this table", () => {
    const doc = readFileSync(new URL("../../docs/permissions.md", import.meta.url), "utf8");
    const section = doc.split("<!-- permission-table:start -->")[1]?.split("<!-- permission-table:end -->")[0]?.trim();
    // Cell padding is the formatter's business; the cells themselves must match.
    const cells = (table: string | undefined) =>
      (table ?? "").split("\n").map((row) => row.split("|").map((cell) => cell.trim().replace(/^(:?)-+(:?)$/, "$1-$2")));
    expect(cells(section), "docs/permissions.md is out of date; paste the expected table between the markers").toEqual(
      cells(renderPermissionTable()),
    );
  });
});
