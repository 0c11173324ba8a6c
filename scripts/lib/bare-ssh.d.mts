export function bareSSHArgs(o: { proxy: string; identity: string; destination: string; command: string; extra?: string[] }): string[];
