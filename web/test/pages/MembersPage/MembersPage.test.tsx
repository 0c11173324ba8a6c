import type { Member } from "@burstflare/sdk/schemas/workspaces";
import type { Role } from "@burstflare/sdk/states";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../../src/api/client";
import { JoinWorkspacePageView } from "../../../src/pages/JoinWorkspacePage/JoinWorkspacePageView";
import { MembersPageView } from "../../../src/pages/MembersPage/MembersPageView";

afterEach(cleanup);

const member = (userId: string, role: Role): Member => ({
  userId,
  email: `${userId}@example.com`,
  name: null,
  role,
  joinedAt: "2026-11-01T00:00:00.000Z",
});
const idle = { run: vi.fn(), pending: false, error: null };

function renderAs(role: Role, extra: Partial<Parameters<typeof MembersPageView>[0]> = {}) {
  const props = {
    me: { userId: "me", role },
    members: [member("boss", "owner"), member("me", role), member("pal", "member")],
    membersLoading: false,
    membersError: null,
    invites: [],
    canManage: role === "owner" || role === "admin",
    canInvite: role === "owner" || role === "admin",
    createdCode: null,
    joinURL: (c: string) => `http://localhost/join?code=${c}`,
    changeRole: { ...idle, run: vi.fn() },
    removeMember: { ...idle, run: vi.fn() },
    createInvite: { ...idle, run: vi.fn() },
    revokeInvite: { ...idle, run: vi.fn() },
    ...extra,
  };
  render(<MembersPageView {...props} />);
  return props;
}

describe("MembersPageView", () => {
  it("admins change members' roles but cannot touch owners or hand out the owner role", () => {
    const props = renderAs("admin");
    const owner = document.querySelector('tr[data-member="boss@example.com"]') as HTMLElement;
    expect(within(owner).queryByRole("combobox")).toBeNull();
    expect(within(owner).queryByRole("button", { name: /Remove/ })).toBeNull();
    const pal = screen.getByRole("combobox", { name: "Role of pal@example.com" }) as HTMLSelectElement;
    expect([...pal.options].map((o) => o.value)).toEqual(["admin", "member", "viewer"]);
    fireEvent.change(pal, { target: { value: "viewer" } });
    expect(props.changeRole.run).toHaveBeenCalledWith({ userId: "pal", role: "viewer" });
    expect([...(screen.getByTestId("invite-role") as HTMLSelectElement).options].map((o) => o.value)).not.toContain("owner");
  });

  it("viewers and members see roles only, no invite form", () => {
    renderAs("viewer");
    expect(screen.queryByRole("combobox")).toBeNull();
    expect(screen.queryByTestId("create-invite")).toBeNull();
    expect(screen.getAllByTestId("member-role").map((e) => e.textContent)).toEqual(["owner", "viewer", "member"]);
  });

  it("shows a created code once with a join link, and sends the invite form", () => {
    const props = renderAs("owner", { createdCode: "bfi_abc123" });
    expect(screen.getByTestId("invite-code").textContent).toBe("bfi_abc123");
    expect(screen.getByTestId("invite-link").textContent).toBe("http://localhost/join?code=bfi_abc123");
    fireEvent.change(screen.getByTestId("invite-email"), { target: { value: "new@example.com" } });
    fireEvent.change(screen.getByTestId("invite-role"), { target: { value: "viewer" } });
    fireEvent.click(screen.getByTestId("create-invite"));
    expect(props.createInvite.run).toHaveBeenCalledWith({ email: "new@example.com", role: "viewer", expiresInHours: 72 });
  });
});

describe("JoinWorkspacePageView", () => {
  const cases: [ApiError, RegExp][] = [
    [new ApiError("gone", "x", { details: { reason: "expired" } }), /expired/],
    [new ApiError("gone", "x", { details: { reason: "used" } }), /already used/],
    [new ApiError("gone", "x", { details: { reason: "revoked" } }), /revoked/],
    [new ApiError("forbidden", "x"), /different email/],
    [new ApiError("conflict", "x"), /already a member/],
    [new ApiError("not_found", "x"), /not recognised/],
  ];
  for (const [error, text] of cases) {
    it(`explains ${error.code} ${JSON.stringify(error.details ?? "")}`, () => {
      render(
        <JoinWorkspacePageView
          initialCode="bfi_x1234567"
          pending={false}
          error={error}
          joined={null}
          onJoin={() => {}}
          onContinue={() => {}}
        />,
      );
      expect(screen.getByTestId("join-error").textContent).toMatch(text);
    });
  }
});
