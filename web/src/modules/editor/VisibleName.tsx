/**
 * Characters that change how a file name looks without showing themselves: bidi overrides and
 * isolates (U+202E makes `invoice\u202Egpj.js` display as `invoicesj.jpg`), zero-width and other
 * default-ignorable characters, control characters, line separators and lone surrogates.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/gu;

/** `\u202E`, or `\u{E0041}` beyond the BMP. */
function escapeChar(c: string): string {
  const hex = c.codePointAt(0)!.toString(16).toUpperCase();
  return hex.length > 4 ? `\\u{${hex}}` : `\\u${hex.padStart(4, "0")}`;
}

/**
 * A file name as plain text for titles, labels and dialogs: hidden characters as `\uXXXX`, and a
 * backslash doubled so that a name spelling out `\u202E` cannot pass for one that holds it.
 */
export function revealName(name: string): string {
  return name.replace(/\\/g, "\\\\").replace(HIDDEN, escapeChar);
}

/**
 * A file name as it really is: each hidden character shown as its `\uXXXX` escape in a distinct
 * style (where plain text needs no doubled backslash to tell them apart), the whole laid out left
 * to right in isolation so that neither the name nor its neighbours reorder each other. Display only:
 * operations keep the real name.
 */
export function VisibleName({ name, className }: { name: string; className?: string }) {
  const parts: React.ReactNode[] = [];
  let from = 0;
  for (const m of name.matchAll(HIDDEN)) {
    if (m.index > from) parts.push(name.slice(from, m.index));
    parts.push(
      <span key={m.index} className="hidden-char" title="A character that does not show itself">
        {escapeChar(m[0])}
      </span>,
    );
    from = m.index + m[0].length;
  }
  if (from < name.length) parts.push(name.slice(from));
  return (
    <span className={className} dir="ltr">
      {parts}
    </span>
  );
}
