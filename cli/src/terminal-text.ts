/**
 * What the CLI prints for a person is mostly other people's words: workspace and member names,
 * labels, error messages, build logs written by a template's build steps. In a terminal, ESC,
 * BEL and the C1 controls start commands (OSC 52 writes the clipboard, OSC 8 plants links, CSI
 * rewrites or hides the screen, some terminals answer queries into the shell's input) and a lone
 * carriage return overwrites a line already shown. So human output shows each such character as
 * visible caret text (ESC → `^[`) and a lone CR as a line break; newlines and tabs stay. --json
 * output goes through terminalJSON instead.
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

/**
 * JSON.stringify escapes C0 controls only: DEL and the C1 controls (U+0080–U+009F) stay raw, and a
 * terminal that decodes UTF-8 before it parses (xterm.js, so VS Code's and web IDEs' terminals, among
 * others) reads U+009B as CSI and U+009D as OSC, ended by U+009C: a build step that printed
 * `\u009d52;c;…\u009c\u009b2J` reached whoever ran `flare --json build log` there as OSC 52 (the
 * clipboard, where honoured) and a screen wipe. These characters occur only inside JSON strings, so
 * escaping them keeps the document's value.
 */
const JSON_RAW_CONTROLS = /[\u007f-\u009f]/g;

export function terminalJSON(data: unknown, indent?: number): string {
  return (JSON.stringify(data, null, indent) ?? "null").replace(JSON_RAW_CONTROLS, (ch) => `\\u00${ch.charCodeAt(0).toString(16)}`);
}
