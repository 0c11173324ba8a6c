/** A parsed wrangler.toml; only the fields these helpers touch are typed. */
export interface WranglerConfig {
  main?: string;
  compatibility_date?: string;
  dev?: Record<string, unknown>;
  assets?: { directory?: string; [k: string]: unknown };
  vars?: Record<string, string>;
  d1_databases?: { migrations_dir?: string; [k: string]: unknown }[];
  containers?: { image: string; image_build_context?: string; image_vars?: Record<string, string>; [k: string]: unknown }[];
  [k: string]: unknown;
}

export function applyContainersDriver<T extends WranglerConfig>(config: T, opts: { root: string; baseImage: string }): T;
export function absolutise<T extends WranglerConfig>(config: T, root: string): T;
