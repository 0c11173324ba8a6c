export const now = (): number => Date.now();
export const iso = (ms: number | null | undefined): string | null => (ms == null ? null : new Date(ms).toISOString());
/** The inverse of `iso`: a record's time back in epoch ms (exact: ISO strings keep the milliseconds). */
export const epochMs = (at: string | null): number | null => (at === null ? null : Date.parse(at));
export const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
