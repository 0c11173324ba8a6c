import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import type { ApiClient } from "../../../sdk/client";
import { type SSHKey, sshKeySchema } from "../../../sdk/schemas/auth";
import { ensurePrivateDir } from "../config";
import { CLIError } from "../output";

const execFileAsync = promisify(execFile);

export interface ManagedPaths {
  dir: string;
  privateKey: string;
  publicKey: string;
  knownHosts: string;
}

/** The managed key pair and known_hosts live under `<config dir>/ssh/`, apart from ~/.ssh. */
export function managedPaths(configDir: string): ManagedPaths {
  const dir = path.join(configDir, "ssh");
  return {
    dir,
    privateKey: path.join(dir, "id_ed25519"),
    publicKey: path.join(dir, "id_ed25519.pub"),
    knownHosts: path.join(dir, "known_hosts"),
  };
}

/** `SHA256:<unpadded base64>` of the key blob, the way `ssh-keygen -l` prints it. */
export function fingerprint(publicKeyLine: string): string {
  const blob = publicKeyLine.trim().split(/\s+/)[1];
  if (!blob) throw new Error("not an OpenSSH public key line");
  return `SHA256:${createHash("sha256").update(Buffer.from(blob, "base64")).digest("base64").replace(/=+$/, "")}`;
}

/** Creates the ed25519 key pair with ssh-keygen the first time; returns the public key line. */
export async function ensureManagedKey(configDir: string, sshKeygen = "ssh-keygen"): Promise<{ paths: ManagedPaths; publicKey: string }> {
  const paths = managedPaths(configDir);
  if (!existsSync(paths.privateKey) || !existsSync(paths.publicKey)) {
    ensurePrivateDir(configDir);
    ensurePrivateDir(paths.dir);
    try {
      await execFileAsync(
        sshKeygen,
        ["-q", "-t", "ed25519", "-N", "", "-C", `burstflare-managed@${os.hostname()}`, "-f", paths.privateKey],
        {
          timeout: 30_000,
        },
      );
    } catch (err) {
      throw new CLIError("ssh_keygen_failed", `could not create the managed SSH key: ${(err as Error).message}`, {
        hint: "install OpenSSH (ssh-keygen), e.g. `apt-get install openssh-client`, then run `flare doctor`",
      });
    }
  }
  return { paths, publicKey: readFileSync(paths.publicKey, "utf8").trim() };
}

export const sshKeyListSchema = z.object({ keys: z.array(sshKeySchema) });

/** Registers the public key with the caller's account unless a key with its fingerprint already is. */
export async function ensureKeyRegistered(client: ApiClient, publicKey: string): Promise<SSHKey> {
  const fp = fingerprint(publicKey);
  const { keys } = await client.get("/api/auth/ssh-keys", { schema: sshKeyListSchema });
  const existing = keys.find((k) => k.fingerprint === fp);
  if (existing) return existing;
  const created = await client.post(
    "/api/auth/ssh-keys",
    { publicKey, name: `flare on ${os.hostname()}`.slice(0, 80), managed: true },
    { schema: z.object({ key: sshKeySchema }) },
  );
  return created.key;
}
