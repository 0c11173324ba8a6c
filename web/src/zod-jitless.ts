import { config } from "zod";

/**
 * The app's policy forbids eval (sdk/app-headers.ts), so zod must not compile parsers with
 * `new Function`, nor even probe whether it may (the probe alone is a reported violation).
 * Imported first by main.tsx: some modules parse while they load.
 */
config({ jitless: true });
