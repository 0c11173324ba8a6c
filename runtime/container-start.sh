#!/bin/bash
# The runtime image's first process (runtime/Dockerfile): starts the agent. Where the container
# engine set up member groups (BURSTFLARE_MEMBER_GROUPS=cgroup2: scripts/containers/oci-runtime.sh
# gave this process alone CAP_SYS_ADMIN, a cgroup namespace and the calls below), it first starts
# the agent's root helper for them (runtime/src/agent/exec/member-groups.ts) in a mount namespace
# of its own, the one place the container's cgroup2 hierarchy is writable, and only then starts
# the agent, without CAP_SYS_ADMIN in any set for good: neither the agent nor anything it starts
# (the session's shells run as root here) can mount, enter that namespace, or trace the helper,
# which keeps a capability they lack. The helper runs what the agent sends as its first line
# (base64) and talks to it on the agent's fds 3 and 4 alone. Anywhere else, the agent alone.
set -euo pipefail
if [ "${BURSTFLARE_MEMBER_GROUPS:-}" != cgroup2 ]; then exec node /opt/burstflare/agent.cjs; fi

coproc BF_GROUPS {
  exec /usr/bin/unshare --mount --propagation private /bin/sh -c '
    mkdir -p "$1" && mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$1" || exit 1
    IFS= read -r bf_script || exit 1
    eval "$(printf %s "$bf_script" | /usr/bin/base64 -d)"' bf-groups /run/bf-groups
}
# Opened afresh through /proc: bash would carry the coprocess fds' close-on-exec over to a dup.
exec 3<"/proc/self/fd/${BF_GROUPS[0]}" 4>"/proc/self/fd/${BF_GROUPS[1]}"
export BURSTFLARE_MEMBER_GROUPS=fds
exec /usr/bin/setpriv --bounding-set -sys_admin --inh-caps -sys_admin -- node /opt/burstflare/agent.cjs
