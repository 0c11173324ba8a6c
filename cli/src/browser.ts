import { spawn } from "node:child_process";

/**
 * Tries to open a URL in the user's browser. Best effort only: no opener, a headless box or a
 * failing opener are all fine, because the URL has already been printed.
 */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): boolean {
  const command = platform === "darwin" ? "open" : platform === "win32" ? "explorer.exe" : "xdg-open";
  try {
    const child = spawn(command, [url], { stdio: "ignore", detached: true });
    child.on("error", () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}
