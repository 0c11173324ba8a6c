import { spawn } from "node:child_process";
import type { ServerResponse } from "node:http";
import { StringDecoder } from "node:string_decoder";
import { type ExecEvent, execBody } from "@burstflare/sdk/protocol/agent";
import { type AgentConfig, allowedSessionEnv } from "../config";
import { readJSON } from "../http/respond";
import type { Route } from "../http/router";
import { loginShell, shellEnv } from "../shell";
import { waitForExit } from "./wait-exit";

/** After the command exits, how long inherited stdout/stderr may stay open (a background job) before we stop reading. */

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {}
}

/** POST /exec: runs a command in a login shell in the workspace, streaming NDJSON ExecEvents. */
export function execRoutes(config: AgentConfig): Route[] {
  return [
    {
      method: "POST",
      path: "/exec",
      handle: async (req, res: ServerResponse) => {
        const body = await readJSON(req, execBody);
        const started = Date.now();
        const shell = loginShell();
        const child = spawn(shell.file, shell.commandArgs(body.command), {
          cwd: config.workspace,
          env: shellEnv(config, allowedSessionEnv(body.env)),
          stdio: ["ignore", "pipe", "pipe"],
          detached: true,
        });
        res.writeHead(200, { "content-type": "application/x-ndjson", "cache-control": "no-store" });
        const send = (event: ExecEvent) => res.write(`${JSON.stringify(event)}\n`);
        for (const stream of [child.stdout, child.stderr]) {
          const decoder = new StringDecoder("utf8");
          stream.on("data", (chunk: Buffer) => {
            const data = decoder.write(chunk);
            if (data) send({ type: "output", data });
          });
          stream.on("end", () => {
            const rest = decoder.end();
            if (rest) send({ type: "output", data: rest });
          });
        }
        const timer = setTimeout(() => killGroup(child.pid, "SIGKILL"), body.timeoutMs);
        let finished = false;
        res.on("close", () => {
          if (!finished) killGroup(child.pid, "SIGKILL");
        });
        const exit = await waitForExit(child, (err) => send({ type: "output", data: `failed to start shell: ${err.message}\n` }));
        clearTimeout(timer);
        finished = true;
        send({ type: "exit", code: exit.code, signal: exit.signal, durationMs: Date.now() - started });
        res.end();
      },
    },
  ];
}
