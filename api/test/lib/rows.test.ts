import { describe, expect, it } from "vitest";
import { z } from "zod";
import { columnsOf, isoView, rowOf } from "../../src/lib/rows";

const contract = z.object({
  id: z.string(),
  userAgent: z.string().nullable(),
  pinned: z.boolean(),
  details: z.unknown().nullable(),
  joinedAt: z.string(),
  lastSeenAt: z.string().nullable(),
});

const row = rowOf(contract, {
  times: ["joinedAt", "lastSeenAt"],
  flags: ["pinned"],
  decode: { details: (text) => (text === null ? null : JSON.parse(text)) },
  columns: { joinedAt: "created_at" },
});

describe("rowOf", () => {
  it("reads snake_case columns into the record's fields, in the record's order", () => {
    const parsed = row.parse({ id: "a", user_agent: null, pinned: 1, details: '{"k":1}', created_at: 0, last_seen_at: null, extra: 1 });
    expect(Object.keys(parsed)).toEqual(["id", "userAgent", "pinned", "details", "joinedAt", "lastSeenAt"]);
    expect(parsed).toEqual({
      id: "a",
      userAgent: null,
      pinned: true,
      details: { k: 1 },
      joinedAt: "1970-01-01T00:00:00.000Z",
      lastSeenAt: null,
    });
  });

  it("refuses a row whose columns do not match (a null where the record has none, a string time)", () => {
    const base = { id: "a", user_agent: null, pinned: 0, details: null, created_at: 0, last_seen_at: null };
    expect(row.safeParse(base).success).toBe(true);
    expect(row.safeParse({ ...base, created_at: null }).success).toBe(false);
    expect(row.safeParse({ ...base, pinned: null }).success).toBe(false);
    expect(row.safeParse({ ...base, last_seen_at: "2020" }).success).toBe(false);
  });
});

describe("isoView", () => {
  it("keeps only the contract's fields, in its order, with epoch-ms times as ISO strings", () => {
    const view = isoView(contract.pick({ id: true, joinedAt: true, lastSeenAt: true }), ["joinedAt", "lastSeenAt"], {
      lastSeenAt: null,
      joinedAt: 1000,
      id: "a",
      workspaceId: "w",
    } as never);
    expect(Object.entries(view)).toEqual([
      ["id", "a"],
      ["joinedAt", "1970-01-01T00:00:01.000Z"],
      ["lastSeenAt", null],
    ]);
  });
});

describe("columnsOf", () => {
  it("writes each field under its snake_case column, a boolean as 0/1, and rowOf reads it back", () => {
    const record = { id: "x", userAgent: null, pinned: true, tokenHash: "h" };
    expect(columnsOf(record)).toEqual({ id: "x", user_agent: null, pinned: 1, token_hash: "h" });
    const back = rowOf(z.object({ id: z.string(), userAgent: z.string().nullable(), pinned: z.boolean() }), { flags: ["pinned"] });
    expect(back.parse(columnsOf(record))).toEqual({ id: "x", userAgent: null, pinned: true });
  });
});
