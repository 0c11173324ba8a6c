export function groupCPUms(pgid: number, comm: string): number | null;
export function cpuMeter(
  pgid: number | null,
  comm: string,
): { measure<T>(key: string, fn: () => Promise<T>): Promise<T>; totals: Map<string, number> };
