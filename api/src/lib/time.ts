export const now = (): number => Date.now();
export const iso = (ms: number | null | undefined): string | null => (ms == null ? null : new Date(ms).toISOString());
export const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
