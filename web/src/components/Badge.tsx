import type { CSSProperties, HTMLAttributes } from "react";

/** A badge's colour: one of the theme's status colours (styles.css), or none for a plain grey pill. */
export type Tone = "ok" | "warn" | "bad" | "info" | "accent";

/** The theme's text colour for a tone; its background is the same name with `-soft`. */
const toneColour = (tone: Tone) => (tone === "accent" ? "--accent-strong" : `--${tone}`);

function toneStyle(tone: Tone | undefined, style: CSSProperties | undefined): CSSProperties | undefined {
  if (!tone) return style;
  return { color: `var(${toneColour(tone)})`, background: `var(--${tone}-soft)`, ...style };
}

type BadgeProps = HTMLAttributes<HTMLSpanElement> & { tone?: Tone };

/** A small coloured pill for a status or a label. */
export function Badge({ tone, className, style, ...rest }: BadgeProps) {
  return <span className={className ? `badge ${className}` : "badge"} style={toneStyle(tone, style)} {...rest} />;
}
