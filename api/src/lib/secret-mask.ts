/**
 * Hides secret values in output that others read later (build logs, the dotfiles card, session
 * warnings). A build or an install script runs with the workspace's secrets and its user's git token
 * in the environment, and one `env`, `set -x` or verbose npm line writes them out; the log is then
 * readable by every member and viewer, who may not read the secrets themselves.
 */
export const MASKED = "***";
/** Shorter values would blank ordinary words all over a log; no real credential is this short. */
const MIN_MASKED_LENGTH = 4;

export class SecretMask {
  private readonly values: string[];

  constructor(values: Iterable<string>) {
    const kept = new Set<string>();
    for (const v of values) {
      // Each line of a multi-line secret (a PEM key, a JSON credential) too, since output may break
      // or re-indent it, and its JSON-escaped form, as printed by a program dumping its environment.
      for (const form of [v, ...v.split(/\r?\n/).map((line) => line.trim()), JSON.stringify(v).slice(1, -1)]) {
        if (form.length >= MIN_MASKED_LENGTH) kept.add(form);
      }
    }
    // Longest first, so a secret that contains another is hidden whole.
    this.values = [...kept].sort((a, b) => b.length - a.length);
  }

  get empty(): boolean {
    return this.values.length === 0;
  }

  apply(text: string): string {
    let out = text;
    for (const v of this.values) out = out.split(v).join(MASKED);
    return out;
  }

  /**
   * For output still arriving: `text` masked, without a trailing piece that could be the start of a
   * secret whose rest has not come yet (it is shown once the next chunk settles it).
   */
  applySettled(text: string): string {
    const masked = this.apply(text);
    let held = 0;
    for (const v of this.values) {
      for (let n = Math.min(v.length - 1, masked.length); n > held; n--) {
        if (masked.endsWith(v.slice(0, n))) {
          held = n;
          break;
        }
      }
    }
    return masked.slice(0, masked.length - held);
  }

  /**
   * The last `max` characters of finished output, masked. Where the output was cut (here, or before
   * by `cutBefore`), the first line goes too: it may begin inside a secret whose start was cut off.
   */
  tail(text: string, max: number, cutBefore = false): string {
    const masked = this.apply(text);
    if (!cutBefore && masked.length <= max) return masked;
    const window = masked.slice(-max);
    if (this.empty) return window;
    const newline = window.indexOf("\n");
    return newline < 0 ? "" : window.slice(newline + 1);
  }
}
