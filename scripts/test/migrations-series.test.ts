import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * D1 applies migrations in file-name order and remembers them by name, so the series must be
 * one clean run: NNNN_name.sql, numbered from 0001 with no gap and no number used twice. A gap
 * is how a lost or renamed migration shows (one database has it, another never will).
 */
describe("migrations/", () => {
  const files = readdirSync("migrations").sort();

  it("holds only numbered SQL files", () => {
    for (const f of files) expect(f).toMatch(/^\d{4}_[a-z0-9_]+\.sql$/);
  });

  it("is numbered 0001, 0002, … with no gap or repeat", () => {
    const numbers = files.map((f) => Number(f.slice(0, 4)));
    expect(numbers.length).toBeGreaterThan(0);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
  });
});
