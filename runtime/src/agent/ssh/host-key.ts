import fs from "node:fs";
import path from "node:path";
import type { utils as SSH2Utils } from "ssh2";

/** The runtime's SSH host key: made once, kept in the agent's data dir (outside the workspace) so clients' known_hosts stay valid. */
export function loadHostKey(dataDir: string, utils: typeof SSH2Utils): Buffer {
  const file = path.join(dataDir, "ssh_host_ed25519_key");
  try {
    return fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const pair = utils.generateKeyPairSync("ed25519", { comment: "burstflare-runtime" });
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(`${file}.tmp`, pair.private, { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
  fs.writeFileSync(`${file}.pub`, `${pair.public}\n`);
  return Buffer.from(pair.private);
}
