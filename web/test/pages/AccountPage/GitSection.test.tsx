import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type GitProps, GitSection } from "../../../src/pages/AccountPage/GitSection";

function props(over: Partial<GitProps> = {}): GitProps {
  return {
    credential: null,
    dotfiles: null,
    loading: false,
    error: null,
    busy: false,
    saved: 0,
    onSetToken: vi.fn(),
    onClearToken: vi.fn(),
    onSetDotfiles: vi.fn(),
    onClearDotfiles: vi.fn(),
    ...over,
  };
}

describe("account: git token and dotfiles", () => {
  afterEach(cleanup);

  it("sends host, user name and token; shows only host, user and when it was set", () => {
    const p = props({ credential: { host: "github.com", username: "x-access-token", updatedAt: new Date().toISOString() } });
    const { rerender } = render(<GitSection {...p} />);
    expect(screen.getByTestId("git-token-status").textContent).toMatch(/Token for github\.com as x-access-token, set/);
    fireEvent.change(screen.getByLabelText("Git host"), { target: { value: " git.example.com:8443 " } });
    fireEvent.change(screen.getByLabelText("Git token"), { target: { value: "ghp_secret" } });
    fireEvent.click(screen.getByRole("button", { name: "Replace token" }));
    expect(p.onSetToken).toHaveBeenCalledWith("git.example.com:8443", undefined, "ghp_secret");
    // Once saved, the token field is emptied: the page never keeps or shows it.
    rerender(<GitSection {...p} saved={1} />);
    expect((screen.getByLabelText("Git token") as HTMLInputElement).value).toBe("");
    expect(document.body.textContent).not.toContain("ghp_secret");
    fireEvent.click(screen.getByRole("button", { name: "Clear git token" }));
    expect(p.onClearToken).toHaveBeenCalled();
  });

  it("sets and clears the dotfiles repository", () => {
    const p = props({ dotfiles: { url: "https://x/dots.git", ref: "main", updatedAt: new Date().toISOString() } });
    render(<GitSection {...p} />);
    expect(screen.getByTestId("dotfiles-status").textContent).toContain("https://x/dots.git (main)");
    expect(screen.getByRole("button", { name: "Save token" })).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Dotfiles repository"), { target: { value: "https://y/dots.git" } });
    fireEvent.click(screen.getByRole("button", { name: "Save dotfiles" }));
    expect(p.onSetDotfiles).toHaveBeenCalledWith("https://y/dots.git", undefined);
    fireEvent.click(screen.getByRole("button", { name: "Clear dotfiles" }));
    expect(p.onClearDotfiles).toHaveBeenCalled();
  });
});
