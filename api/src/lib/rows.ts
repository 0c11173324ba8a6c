import { z } from "zod";
import { iso } from "./time";

/**
 * How a record's fields are stored, where that differs from the field's own schema. Every other
 * field is read from the column named as the field in snake_case and parsed with its schema.
 */
export interface RowSpec<K extends string> {
  /** Stored as epoch ms, shown as ISO strings (a null time stays null). */
  times?: readonly K[];
  /** Booleans stored as 0/1. */
  flags?: readonly K[];
  /** Stored as text and read by the function given (which gets null too when the field is nullable). */
  decode?: { readonly [F in K]?: (text: string) => unknown };
  /** The column, where it is not the field's name in snake_case (an alias in the SELECT, say). */
  columns?: { readonly [F in K]?: string };
}

const snakeCase = (field: string): string => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A record as a row to write (column → value): each field under its snake_case column, a boolean as 0/1. */
export function columnsOf(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([field, v]) => [snakeCase(field), typeof v === "boolean" ? Number(v) : v]));
}

interface Field {
  name: string;
  column: string;
  stored: z.ZodType;
  read: (value: unknown) => unknown;
}

function fieldOf(name: string, schema: z.ZodType, spec: RowSpec<string>): Field {
  const column = spec.columns?.[name] ?? snakeCase(name);
  const nullable = schema.safeParse(null).success;
  const orNull = (stored: z.ZodType) => (nullable ? stored.nullable() : stored);
  const decode = spec.decode?.[name];
  if (spec.times?.includes(name)) return { name, column, stored: orNull(z.number()), read: (v) => iso(v as number | null) };
  if (spec.flags?.includes(name)) return { name, column, stored: z.number(), read: (v) => v === 1 };
  if (decode) return { name, column, stored: orNull(z.string()), read: (v) => decode(v as string) };
  return { name, column, stored: schema, read: (v) => v };
}

/**
 * The parser of a table row into a record described by `record` (a contract schema, or a
 * record's own): one source for the columns, their types and the field order, so a repository
 * does not restate the contract twice (once as columns, once as a mapping). Stored values are parsed
 * with the contract's own field schemas: tightening a contract field (a max length, a trim) applies
 * to rows already stored, so such a change needs a migration of those rows first.
 */
export function rowOf<T extends z.ZodObject>(record: T, spec: RowSpec<keyof T["shape"] & string> = {}): z.ZodType<z.output<T>> {
  const fields = Object.entries(record.shape as Record<string, z.ZodType>).map(([name, schema]) => fieldOf(name, schema, spec));
  return z
    .object(Object.fromEntries(fields.map((f) => [f.column, f.stored])))
    .transform((row) => Object.fromEntries(fields.map((f) => [f.name, f.read(row[f.column])])) as z.output<T>);
}

/** A record kept with epoch-ms times where the contract `T` has ISO strings (the fields `K`). */
type WithEpochTimes<T extends z.ZodObject, K extends keyof z.output<T>> = {
  [F in keyof z.output<T>]: F extends K ? number | null : z.output<T>[F];
};

/**
 * The contract's view of a record that keeps its times in epoch ms: the contract's fields only, in
 * its order, with `times` as ISO strings (a null time stays null).
 */
export function isoView<T extends z.ZodObject, K extends keyof z.output<T> & string>(
  contract: T,
  times: readonly K[],
  record: WithEpochTimes<T, K>,
): z.output<T> {
  const source = record as Record<string, unknown>;
  const view = Object.keys(contract.shape).map((f) => [f, times.includes(f as K) ? iso(source[f] as number | null) : source[f]]);
  return Object.fromEntries(view) as z.output<T>;
}

type EpochShape<S extends z.ZodRawShape, K extends keyof S> = {
  [F in keyof S]: F extends K ? (null extends z.output<S[F]> ? z.ZodNullable<z.ZodNumber> : z.ZodNumber) : S[F];
};

/**
 * The schema of a record that keeps the contract's `times` in epoch ms (as the Worker does until
 * it answers, with `isoView`): each of them a number, null where the contract allows null.
 */
export function withEpochTimes<S extends z.ZodRawShape, K extends keyof S & string>(
  contract: z.ZodObject<S>,
  times: readonly K[],
): z.ZodObject<EpochShape<S, K>> {
  const number = (field: K) => (z.safeParse(contract.shape[field] as z.ZodType, null).success ? z.number().nullable() : z.number());
  return contract.extend(Object.fromEntries(times.map((field) => [field, number(field)]))) as unknown as z.ZodObject<EpochShape<S, K>>;
}
