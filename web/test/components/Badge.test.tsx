import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { Badge } from "../../src/components/Badge";
import { resetAfterEach } from "../helpers";

resetAfterEach();

describe("Badge", () => {
  it("colours a tone from the theme: text in the tone, background in its soft shade", () => {
    render(<Badge tone="ok">running</Badge>);
    const badge = screen.getByText("running");
    expect(badge.className).toBe("badge");
    expect(badge.style.color).toBe("var(--ok)");
    expect(badge.style.background).toBe("var(--ok-soft)");
  });

  it("takes the accent's stronger shade for text, which reads on its soft background", () => {
    render(<Badge tone="accent">starting</Badge>);
    expect(screen.getByText("starting").style.color).toBe("var(--accent-strong)");
  });

  it("is a plain pill without a tone and passes its other attributes through", () => {
    render(
      <Badge data-testid="role" title="Role" className="wide" style={{ marginLeft: 8 }}>
        admin
      </Badge>,
    );
    const badge = screen.getByTestId("role");
    expect(badge.className).toBe("badge wide");
    expect(badge.title).toBe("Role");
    expect(badge.style.color).toBe("");
    expect(badge.style.marginLeft).toBe("8px");
  });
});
