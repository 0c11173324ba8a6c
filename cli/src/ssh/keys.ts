import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { ApiClient } from "@burstflare/sdk/client";
import { type SSHKey, sshKeySchema } from "@burstflare/sdk/schemas/auth";
import { z } from "zod";
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

async function generateKey(sshKeygen: string, privateKey: string, comment: string, what: string): Promise<void> {
  try {
    await execFileAsync(sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", privateKey], { timeout: 30_000 });
  } catch (err) {
    throw new CLIError("ssh_keygen_failed", `could not create ${what}: ${(err as Error).message}`, {
      hint: "install OpenSSH (ssh-keygen), e.g. `apt-get install openssh-client`, then run `flare doctor`",
    });
  }
}

/** Creates the ed25519 key pair with ssh-keygen the first time; returns the public key line. */
export async function ensureManagedKey(configDir: string, sshKeygen = "ssh-keygen"): Promise<{ paths: ManagedPaths; publicKey: string }> {
  const paths = managedPaths(configDir);
  if (!existsSync(paths.privateKey) || !existsSync(paths.publicKey)) {
    ensurePrivateDir(configDir);
    ensurePrivateDir(paths.dir);
    await generateKey(sshKeygen, paths.privateKey, `burstflare-managed@${os.hostname()}`, "the managed SSH key");
  }
  return { paths, publicKey: readFileSync(paths.publicKey, "utf8").trim() };
}

export interface EphemeralKey {
  /** The managed paths with the private key swapped for this connection's. */
  paths: ManagedPaths;
  publicKey: string;
  dispose(): void;
}

/**
 * A key pair for one connection, in a private temp dir under the config dir: the server binds its
 * public half to one single-use ssh token, so it is worthless once that connection is made.
 */
export async function createEphemeralKey(configDir: string, sshKeygen = "ssh-keygen"): Promise<EphemeralKey> {
  const managed = managedPaths(configDir);
  ensurePrivateDir(configDir);
  ensurePrivateDir(managed.dir);
  const dir = mkdtempSync(path.join(managed.dir, "conn-"));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    const privateKey = path.join(dir, "id_ed25519");
    await generateKey(sshKeygen, privateKey, `burstflare-connection@${os.hostname()}`, "a key for this connection");
    return {
      paths: { ...managed, privateKey, publicKey: `${privateKey}.pub` },
      publicKey: readFileSync(`${privateKey}.pub`, "utf8").trim(),
      dispose,
    };
  } catch (err) {
    dispose();
    throw err;
  }
}

/** The managed public key if it exists (a ProxyCommand binds it when signed in with an API token). */
export function readManagedPublicKey(configDir: string): string | null {
  const file = managedPaths(configDir).publicKey;
  return existsSync(file) ? readFileSync(file, "utf8").trim() : null;
}

export const sshKeyListSchema = z.object({ keys: z.array(sshKeySchema) });

/** Registers the public key with the caller's account unless a key with its fingerprint already is. */
export async function ensureKeyRegistered(client: ApiClient, publicKey: string): Promise<SSHKey> {
  const fp = fingerprint(publicKey);
  const { keys } = await client.call("GET /api/auth/ssh-keys", { schema: sshKeyListSchema });
  const existing = keys.find((k) => k.fingerprint === fp);
  if (existing) return existing;
  const created = await client.call("POST /api/auth/ssh-keys", {
    body: { publicKey, name: `flare on ${os.hostname()}`.slice(0, 80), managed: true },
    schema: z.object({ key: sshKeySchema }),
  });
  return created.key;
}
