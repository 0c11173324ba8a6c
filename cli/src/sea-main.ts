import { runFlare } from "./entry";

// The single-executable build (`node cli/pack.mjs --sea`): argv is [executable, executable, ...args].
void runFlare(process.argv.slice(2));
