#!/bin/sh
# The OCI runtime of the local container engine (dockerd's default runtime, installed by engine.mjs
# with the default limits filled in): runc, after it has bounded every container it creates.
# workerd creates session containers with no limits of their own and every capability Docker grants
# by default, so one session's code could fork or allocate until this machine ran out (5000
# processes and 2 GiB held in the demonstration), and with CAP_NET_RAW answer ARP for another
# session's address and read the agent token off the bridge. Before `runc create` this rewrites the
# bundle's config.json: memory (swap included), process and CPU-share limits of the runtime's
# resource class (BURSTFLARE_MEMORY_BYTES, BURSTFLARE_PIDS_MAX, BURSTFLARE_CPU_SHARES in the
# container's environment, set by the containers driver; the defaults below otherwise, e.g. for
# the sidecar), and no CAP_NET_RAW; `runc exec` (`docker exec`) loses CAP_NET_RAW as well. Every
# other call goes to runc unchanged.
#
# A session container that asks for member groups (BURSTFLARE_MEMBER_GROUPS=ask, set by the
# containers driver) gets them where this host keeps its limits out of cgroup2 (a v1 host whose
# cgroup2 hierarchy, /sys/fs/cgroup/unified, offers none of the memory, pids and cpu controllers):
# a cgroup namespace, so the container's own cgroup2 group is the root it sees; that hierarchy
# mounted read-only; and, for its first process alone, CAP_SYS_ADMIN with the mount and
# unshare(CLONE_NEWNS) calls it needs (no other namespace). runtime/container-start.sh, that first process, starts the agent's root helper
# in a mount namespace of its own with the hierarchy writable there, then drops CAP_SYS_ADMIN for
# good before the agent starts, so nothing else in the container holds it (see
# runtime/src/agent/exec/member-groups.ts). The limits stay in the v1 hierarchies, mounted
# read-only. The variable then says cgroup2; elsewhere it stays ask and the agent reports member
# groups off.
set -eu
runc=@RUNC@
default_memory=@MEMORY_BYTES@
default_pids=@PIDS@
default_cpu_shares=@CPU_SHARES@

bundle=""
process=""
create=0
prev=""
for arg in "$@"; do
  case "$prev" in
    --bundle | -b) bundle="$arg" ;;
    --process | -p) process="$arg" ;;
  esac
  case "$arg" in
    create | run) create=1 ;;
    --bundle=*) bundle="${arg#--bundle=}" ;;
    --process=*) process="${arg#--process=}" ;;
  esac
  prev="$arg"
done

no_raw='if .capabilities then .capabilities |= map_values(map(select(. != "CAP_NET_RAW"))) else . end'
if [ -n "$process" ]; then
  /usr/bin/jq "$no_raw" "$process" > "$process.bf-limits"
  mv "$process.bf-limits" "$process"
fi

if [ "$create" = 1 ]; then
  config="${bundle:-.}/config.json"
  # Swap counts toward the limit where the kernel accounts it (cgroup v1 memsw, or cgroup v2).
  swap=false
  if [ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ] || [ -e /sys/fs/cgroup/cgroup.controllers ]; then swap=true; fi
  groups=false
  # BURSTFLARE_UNIFIED_CGROUP: the tests' stand-in for the host's hierarchy.
  unified=${BURSTFLARE_UNIFIED_CGROUP:-/sys/fs/cgroup/unified}
  if [ -f "$unified/cgroup.controllers" ]; then
    case " $(cat "$unified/cgroup.controllers") " in *" memory "* | *" pids "* | *" cpu "*) ;; *) groups=true ;; esac
  fi
  /usr/bin/jq \
    --argjson memory "$default_memory" --argjson pids "$default_pids" --argjson shares "$default_cpu_shares" --argjson swap "$swap" \
    --argjson groups "$groups" '
    def limit($name; $default):
      ([.process.env[]? | select(startswith($name + "=")) | ltrimstr($name + "=") | tonumber? | select(. > 0)] | first) // $default;
    def member_groups:
      if $groups and any(.process.env[]?; . == "BURSTFLARE_MEMBER_GROUPS=ask") then
        .process.env |= map(if . == "BURSTFLARE_MEMBER_GROUPS=ask" then "BURSTFLARE_MEMBER_GROUPS=cgroup2" else . end)
        | .linux.namespaces |= ((. // []) | if any(.[]; .type == "cgroup") then . else . + [{type: "cgroup"}] end)
        | .mounts += [{destination: "/sys/fs/cgroup/unified", type: "cgroup2", source: "cgroup2", options: ["ro", "nosuid", "nodev", "noexec"]}]
        | .process.capabilities |= with_entries(if .key == "bounding" or .key == "permitted" or .key == "effective" then .value += ["CAP_SYS_ADMIN"] else . end)
        # unshare only without any CLONE_NEW* flag but CLONE_NEWNS (0x7e000000): never a user namespace.
        | if .linux.seccomp then .linux.seccomp.syscalls += [
            {names: ["mount"], action: "SCMP_ACT_ALLOW"},
            {names: ["unshare"], action: "SCMP_ACT_ALLOW", args: [{index: 0, value: 2113929216, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ"}]}
          ] else . end
      else . end;
    limit("BURSTFLARE_MEMORY_BYTES"; $memory) as $m
    | .linux.resources.memory.limit = $m
    | (if $swap then .linux.resources.memory.swap = $m else . end)
    | .linux.resources.pids.limit = limit("BURSTFLARE_PIDS_MAX"; $pids)
    | .linux.resources.cpu.shares = limit("BURSTFLARE_CPU_SHARES"; $shares)
    | .process |= ('"$no_raw"')
    | member_groups
    ' "$config" > "$config.bf-limits"
  mv "$config.bf-limits" "$config"
fi
exec "$runc" "$@"
