import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { api, expectOK, until } from "./api";
import type { StackUser } from "./users";

const SCRIPT = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "../../security/fixtures/hijack-agent.pl"), "utf8");

/**
 * Code in the session takes its agent's place (test/security/fixtures/hijack-agent.pl with `args`)
 * and answers the control plane from then on. Returns the first answer to the process list that is
 * no longer the agent's own.
 */
export async function hijackAgent(
  user: StackUser,
  sessionId: string,
  args: string[],
): Promise<{ status: number; body: { error: { code: string } } }> {
  const params = { sessionId };
  await expectOK(
    await api(user, "POST /api/sessions/{sessionId}/files/batch", {
      params,
      body: { ops: [{ op: "write", path: "hijack.pl", content: SCRIPT }] },
    }),
  );
  await expectOK(
    await api(user, "POST /api/sessions/{sessionId}/processes", { params, body: { argv: ["perl", "hijack.pl", ...args] } }),
    201,
  );
  return until(async () => {
    const answer = await api(user, "GET /api/sessions/{sessionId}/processes", { params });
    const text = await answer.text();
    return answer.status === 200 && text.includes('"processes"') ? null : { status: answer.status, body: JSON.parse(text) };
  }, "the session's code to answer in the agent's place");
}
