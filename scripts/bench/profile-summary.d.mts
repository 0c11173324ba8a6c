export interface CPUProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples?: number[];
  timeDeltas?: number[];
}
export interface ProfileSummary {
  busyMs: number;
  rows: Array<{ name: string; ms: number; share: number }>;
}
export function selfTimes(profile: CPUProfile): Map<string, number>;
export function profileFiles(inputs: string[]): string[];
export function summarize(files: string[], opts?: { top?: number }): ProfileSummary;
export function formatSummary(summary: ProfileSummary, opts?: { mb?: number | null; title?: string }): string;
