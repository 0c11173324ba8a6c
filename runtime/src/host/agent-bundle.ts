import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const AGENT_ENTRY = fileURLToPath(new URL("../agent/main.ts", import.meta.url));
/** Native or dynamic-require packages stay outside the bundle, loaded from this checkout by absolute path. */
const EXTERNAL = ["node-pty", "ssh2", "cpu-features"];
/** ws loads `bufferutil` when it can; the agent gets a word-at-a-time JavaScript one (ws-mask.ts). */
const WS_MASK = fileURLToPath(new URL("../agent/net/ws-mask.ts", import.meta.url));

export interface AgentCommand {
  file: string;
  args: string[];
}

/**
 * How to run the agent. Bundling once with esbuild makes each agent start in about a
 * tenth of the time tsx needs (it transpiles every file on every start); tsx is the fallback.
 */
export async function prepareAgentCommand(outDir: string, env: NodeJS.ProcessEnv = process.env): Promise<AgentCommand> {
  const command = await agentCommand(outDir);
  const dir = agentProfileDir(env.BURSTFLARE_AGENT_CPU_PROF_DIR);
  // Off unless asked (`npm run bench -- --profile`): each agent writes a V8 CPU profile on exit.
  if (dir) command.args = ["--cpu-prof", `--cpu-prof-dir=${dir}`, ...command.args];
  return command;
}

/**
 * The folder agents write CPU profiles to, when profiling is asked for: world-writable (sticky),
 * since sandboxed agents run under uids of their own, and kept visible in their mount namespace.
 */
export function agentProfileDir(value: string | undefined): string | null {
  if (!value) return null;
  const dir = path.resolve(value);
  fs.mkdirSync(dir, { recursive: true });
  fs.chmodSync(dir, 0o1777);
  return dir;
}

async function agentCommand(outDir: string): Promise<AgentCommand> {
  const outfile = path.join(outDir, "agent.cjs");
  try {
    const esbuild = await import("esbuild");
    await esbuild.build({
      entryPoints: [AGENT_ENTRY],
      bundle: true,
      platform: "node",
      target: "node22",
      format: "cjs",
      outfile,
      logLevel: "silent",
      plugins: [
        {
          name: "absolute-externals",
          setup(build) {
            build.onResolve({ filter: new RegExp(`^(${EXTERNAL.join("|")})$`) }, (args) => ({
              path: require.resolve(args.path),
              external: true,
            }));
            build.onResolve({ filter: /^bufferutil$/ }, () => ({ path: WS_MASK }));
          },
        },
      ],
    });
    return { file: process.execPath, args: [outfile] };
  } catch (err) {
    console.error(`runtime host: bundling the agent failed, falling back to tsx: ${(err as Error).message}`);
    return { file: process.execPath, args: ["--import", import.meta.resolve("tsx"), AGENT_ENTRY] };
  }
}
