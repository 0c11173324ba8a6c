// wrangler config for running the `containers` driver under wrangler dev: the checked-in
// wrangler.toml stays Docker-free (enable_containers = false); this derives a copy that builds
// runtime/Dockerfile on the locally built base image and runs every session in a container.
import path from "node:path";

/**
 * Rewrites a parsed wrangler.toml (in place) for the containers driver. Paths become absolute
 * because the derived file lives elsewhere.
 */
export function applyContainersDriver(config, { root, baseImage }) {
  config.dev = { ...(config.dev ?? {}), enable_containers: true };
  config.vars = { ...(config.vars ?? {}), RUNTIME_DRIVER: "containers" };
  // Each container gets its own PID namespace only from compatibility_date 2026-04-01 on
  // (containers_pid_namespace); before that workerd shares the host's, where a session's root
  // could signal the machine's processes.
  if (String(config.compatibility_date) < "2026-04-01")
    throw new Error("compatibility_date before 2026-04-01 would run containers in the host PID namespace");
  for (const c of config.containers ?? []) {
    c.image = path.join(root, "runtime/Dockerfile");
    c.image_build_context = root;
    c.image_vars = { ...(c.image_vars ?? {}), BASE_IMAGE: baseImage };
  }
  return config;
}

/** The checked-in config, made usable from another folder. */
export function absolutise(config, root) {
  if (config.main && !path.isAbsolute(config.main)) config.main = path.join(root, config.main);
  if (config.assets?.directory && !path.isAbsolute(config.assets.directory))
    config.assets.directory = path.join(root, config.assets.directory);
  for (const db of config.d1_databases ?? []) db.migrations_dir = path.join(root, db.migrations_dir ?? "migrations");
  for (const c of config.containers ?? []) {
    if (!path.isAbsolute(c.image)) c.image = path.join(root, c.image);
    c.image_build_context = path.resolve(root, c.image_build_context ?? path.dirname(c.image));
  }
  return config;
}
