#!/usr/bin/env bash
# The `docker` that wrangler dev runs (WRANGLER_DOCKER_BIN) on a machine without buildx and
# without an image registry:
# - `docker build --load --provenance=false …`: those are buildx flags. Debian's CLI builds with
#   its built-in BuildKit client when they are dropped, and the build gets the CA bundle secret.
# - `docker pull IMAGE` of an image that exists only locally (the egress sidecar built by
#   engine.mjs) succeeds without asking a registry; any other pull goes through unchanged.
set -euo pipefail
docker_cli="${BURSTFLARE_DOCKER_CLI:-/usr/bin/docker}"
case "${1:-}" in
  build)
    shift
    args=()
    for a in "$@"; do
      case "$a" in
        --load | --provenance=false) ;;
        *) args+=("$a") ;;
      esac
    done
    secret=()
    if [ -n "${BURSTFLARE_BUILD_CA_BUNDLE:-}" ] && [ -s "${BURSTFLARE_BUILD_CA_BUNDLE}" ]; then
      secret=(--secret "id=ca_bundle,src=${BURSTFLARE_BUILD_CA_BUNDLE}")
    fi
    DOCKER_BUILDKIT=1 exec "$docker_cli" build "${secret[@]}" "${args[@]}"
    ;;
  pull)
    image=""
    skip=0
    for a in "${@:2}"; do
      if [ "$skip" = 1 ]; then skip=0; continue; fi
      case "$a" in
        --platform) skip=1 ;;
        -*) ;;
        *) image="$a"; break ;;
      esac
    done
    if [ -n "$image" ] && "$docker_cli" image inspect "$image" >/dev/null 2>&1; then
      exit 0
    fi
    exec "$docker_cli" "$@"
    ;;
  *)
    exec "$docker_cli" "$@"
    ;;
esac
