import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CredentialStore, configDir, normalizeBaseURL } from "../src/config";

const tmp = () => mkdtempSync(path.join(os.tmpdir(), "flare-config-"));
const creds = (token: string) => ({ accessToken: token, refreshToken: `r-${token}`, accessExpiresAt: Date.now() + 60_000 });

describe("configDir", () => {
  it("prefers BURSTFLARE_CONFIG_DIR, then XDG_CONFIG_HOME, then ~/.config", () => {
    expect(configDir({ BURSTFLARE_CONFIG_DIR: "/a/b", XDG_CONFIG_HOME: "/x", HOME: "/h" })).toBe("/a/b");
    expect(configDir({ XDG_CONFIG_HOME: "/x", HOME: "/h" })).toBe("/x/burstflare");
    expect(configDir({ HOME: "/h" })).toBe("/h/.config/burstflare");
  });
});

describe("normalizeBaseURL", () => {
  it("gives one spelling per server", () => {
    expect(normalizeBaseURL("http://localhost:8787/")).toBe("http://localhost:8787");
    expect(normalizeBaseURL("https://Example.com/bf//")).toBe("https://example.com/bf");
  });
  it("refuses what is not an http(s) URL", () => {
    expect(() => normalizeBaseURL("localhost:8787")).toThrow(/http/);
    expect(() => normalizeBaseURL("nope")).toThrow(/not a URL/);
  });
});

describe("CredentialStore", () => {
  it("writes credentials.json with mode 0600 inside a 0700 directory", () => {
    const dir = path.join(tmp(), "nested", "burstflare");
    const store = new CredentialStore(dir);
    store.set("http://localhost:8787", creds("a"));
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(store.mode()).toBe(0o600);
  });

  it("keeps credentials per base URL and deletes one without touching the other", () => {
    const store = new CredentialStore(tmp());
    store.set("http://localhost:8787", creds("local"));
    store.set("https://bf.example.com", creds("remote"));
    expect(store.get("http://localhost:8787")?.accessToken).toBe("local");
    expect(store.delete("http://localhost:8787")).toBe(true);
    expect(store.get("http://localhost:8787")).toBeNull();
    expect(store.get("https://bf.example.com")?.accessToken).toBe("remote");
    expect(store.delete("http://localhost:8787")).toBe(false);
  });

  it("keeps mode 0600 when the file is rewritten, even if someone loosened it", () => {
    const store = new CredentialStore(tmp());
    store.set("http://a", creds("1"));
    writeFileSync(store.file, readFileSync(store.file), { mode: 0o644 });
    store.set("http://a", creds("2"));
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
  });

  it("treats a corrupt file as signed out instead of failing", () => {
    const store = new CredentialStore(tmp());
    store.set("http://a", creds("1"));
    writeFileSync(store.file, "{not json");
    expect(store.get("http://a")).toBeNull();
  });

  it("serialises withLock callers so a rotating refresh is never done twice at once", async () => {
    const store = new CredentialStore(tmp());
    let inside = 0;
    let maxInside = 0;
    const order: number[] = [];
    await Promise.all(
      [1, 2, 3, 4].map((n) =>
        store.withLock(async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await new Promise((r) => setTimeout(r, 20));
          order.push(n);
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(order.sort()).toEqual([1, 2, 3, 4]);
  });
});
