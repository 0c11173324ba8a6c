import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
export const AGENT_ENTRY = fileURLToPath(new URL("../agent/main.ts", import.meta.url));
/** Native or dynamic-require packages stay outside the bundle, loaded from this checkout by absolute path. */
const EXTERNAL = ["node-pty", "ssh2", "cpu-features"];

export interface AgentCommand {
  file: string;
  args: string[];
}

/**
 * How to run the agent. Bundling once with esbuild makes each agent start in about a
 * tenth of the time tsx needs (it transpiles every file on every start); tsx is the fallback.
 */
export async function prepareAgentCommand(outDir: string): Promise<AgentCommand> {
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
