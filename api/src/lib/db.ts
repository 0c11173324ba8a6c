import { z } from "zod";
import { found } from "./errors";

const countRow = z.object({ n: z.number() });
const anyRow = z.object({});

/**
 * The one way to reach D1. Only repository modules (`*-repo.ts`) call it: they own every SQL
 * statement and hand the rest of the Worker parsed rows, so a column renamed in a migration fails
 * in the repository's tests instead of surfacing as `undefined` in a route.
 */
export class Db {
  constructor(readonly d1: D1Database) {}

  /** The first row, parsed; null when there is none. */
  async one<S extends z.ZodType>(schema: S, sql: string, ...binds: unknown[]): Promise<z.infer<S> | null> {
    const row = await this.d1
      .prepare(sql)
      .bind(...binds)
      .first();
    return row === null ? null : parseRow(schema, row, sql);
  }

  /** Every row, parsed. */
  async all<S extends z.ZodType>(schema: S, sql: string, ...binds: unknown[]): Promise<z.infer<S>[]> {
    const { results } = await this.d1
      .prepare(sql)
      .bind(...binds)
      .all();
    return results.map((row) => parseRow(schema, row, sql));
  }

  /** The number a query gives as `n` (a COUNT, a SUM); 0 when it gives no row. */
  async count(sql: string, ...binds: unknown[]): Promise<number> {
    return (await this.one(countRow, sql, ...binds))?.n ?? 0;
  }

  /** Whether the statement gave a row: a SELECT that matched, a write `… RETURNING` that changed one. */
  async returnsRow(sql: string, ...binds: unknown[]): Promise<boolean> {
    return (await this.one(anyRow, sql, ...binds)) !== null;
  }

  /** One column of the first row, parsed; null when there is no row (or the column is null). */
  async value<S extends z.ZodType>(column: string, schema: S, sql: string, ...binds: unknown[]): Promise<z.infer<S> | null> {
    const row = await this.one(z.object({ [column]: schema }), sql, ...binds);
    return (row?.[column] ?? null) as z.infer<S> | null;
  }

  /** One column of every row, parsed. */
  async values<S extends z.ZodType>(column: string, schema: S, sql: string, ...binds: unknown[]): Promise<z.infer<S>[]> {
    const rows = await this.all(z.object({ [column]: schema }), sql, ...binds);
    return rows.map((row) => row[column] as z.infer<S>);
  }

  /** A write; the number of rows it changed. */
  async run(sql: string, ...binds: unknown[]): Promise<number> {
    const res = await this.d1
      .prepare(sql)
      .bind(...binds)
      .run();
    return res.meta.changes ?? 0;
  }

  /** A write meant to change one row; false when its condition held it back. */
  async runOne(sql: string, ...binds: unknown[]): Promise<boolean> {
    return (await this.run(sql, ...binds)) === 1;
  }

  /** A statement for `batch`, so several writes commit together. */
  statement(sql: string, ...binds: unknown[]): D1PreparedStatement {
    return this.d1.prepare(sql).bind(...binds);
  }

  /** Statements that commit or fail together; the changed-row count of each. */
  async batch(statements: D1PreparedStatement[]): Promise<number[]> {
    if (statements.length === 0) return [];
    const results = await this.d1.batch(statements);
    return results.map((r) => r.meta.changes ?? 0);
  }

  /** Statements that commit or fail together; the rows each gave (a write `… RETURNING`), each parsed by `schema`. */
  async batchRows<S extends z.ZodType>(schema: S, statements: D1PreparedStatement[]): Promise<z.infer<S>[][]> {
    const results = await this.d1.batch(statements);
    return results.map((r) => r.results.map((row) => parseRow(schema, row, "batch")));
  }
}

/** The database of this Worker's environment. */
export function dbOf(env: { DB: D1Database }): Db {
  return new Db(env.DB);
}

/** A repository function as the rest of the Worker calls it: given the environment, not its database. */
export function withEnvDb<A extends unknown[], R>(fn: (db: Db, ...args: A) => R): (env: { DB: D1Database }, ...args: A) => R {
  return (env, ...args) => fn(dbOf(env), ...args);
}

/** The same for a lookup that must find something: a 404 for `what` when it finds nothing. */
export function foundWithEnvDb<A extends unknown[], R>(
  fn: (db: Db, ...args: A) => Promise<R | null>,
  what: string,
): (env: { DB: D1Database }, ...args: A) => Promise<R> {
  return async (env, ...args) => found(await fn(dbOf(env), ...args), what);
}

function parseRow<S extends z.ZodType>(schema: S, row: unknown, sql: string): z.infer<S> {
  const parsed = schema.safeParse(row);
  if (parsed.success) return parsed.data;
  const where = sql.replace(/\s+/g, " ").slice(0, 80);
  throw new Error(`row does not match its schema (${where}…): ${parsed.error.message}`);
}

/**
 * The WHERE conditions of the filters that are given (a value that is not empty), in order, with
 * their binds; a list value binds each of its items (its condition has as many placeholders).
 */
export function givenConditions(filters: [condition: string, value: unknown][]): { parts: string[]; binds: unknown[] } {
  const given = filters.filter(([, value]) => (Array.isArray(value) ? value.length > 0 : Boolean(value)));
  return { parts: given.map(([condition]) => condition), binds: given.flatMap(([, value]) => value) };
}
