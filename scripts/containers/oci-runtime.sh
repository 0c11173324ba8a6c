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
  /usr/bin/jq \
    --argjson memory "$default_memory" --argjson pids "$default_pids" --argjson shares "$default_cpu_shares" --argjson swap "$swap" '
    def limit($name; $default):
      ([.process.env[]? | select(startswith($name + "=")) | ltrimstr($name + "=") | tonumber? | select(. > 0)] | first) // $default;
    limit("BURSTFLARE_MEMORY_BYTES"; $memory) as $m
    | .linux.resources.memory.limit = $m
    | (if $swap then .linux.resources.memory.swap = $m else . end)
    | .linux.resources.pids.limit = limit("BURSTFLARE_PIDS_MAX"; $pids)
    | .linux.resources.cpu.shares = limit("BURSTFLARE_CPU_SHARES"; $shares)
    | .process |= ('"$no_raw"')
    ' "$config" > "$config.bf-limits"
  mv "$config.bf-limits" "$config"
fi
exec "$runc" "$@"
