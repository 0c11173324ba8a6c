// argv for OpenSSH with nothing from any config file: the given ProxyCommand and key only, no host
// key checks, no prompts. Tests and the bench use it to reach one agent exactly the way they choose.

/**
 * @param {{ proxy: string; identity: string; destination: string; command: string; extra?: string[] }} o
 * @returns {string[]}
 */
export function bareSSHArgs({ proxy, identity, destination, command, extra = [] }) {
  return [
    "-F",
    "/dev/null",
    "-o",
    `ProxyCommand=${proxy}`,
    "-o",
    "IdentitiesOnly=yes",
    "-i",
    identity,
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    "UserKnownHostsFile=/dev/null",
    "-o",
    "BatchMode=yes",
    "-o",
    "LogLevel=ERROR",
    ...extra,
    destination,
    command,
  ];
}
