/**
 * What the CLI prints for a person is mostly other people's words: workspace and member names,
 * labels, error messages, build logs written by a template's build steps. In a terminal, ESC,
 * BEL and the C1 controls start commands (OSC 52 writes the clipboard, OSC 8 plants links, CSI
 * rewrites or hides the screen, some terminals answer queries into the shell's input) and a lone
 * carriage return overwrites a line already shown. So human output shows each such character as
 * visible caret text (ESC → `^[`) and a lone CR as a line break; newlines and tabs stay. --json
 * output needs none of this: JSON escapes every control character.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is matched
const CONTROLS = /\r(?!\n)|[\u0000-\u0008\u000b-\u000c\u000e-\u001f\u007f-\u009f]/g;

function visible(ch: string): string {
  if (ch === "\r") return "\n";
  const code = ch.charCodeAt(0);
  if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
  if (code === 0x7f) return "^?";
  return `\\x${code.toString(16)}`;
}

export function terminalSafe(text: string): string {
  return text.replace(CONTROLS, visible);
}
