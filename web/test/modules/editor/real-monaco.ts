import * as monaco from "monaco-editor/editor/editor.api";

/** A stand-in for any browser object: every property is itself, every call returns itself. */
const inert: object = new Proxy(() => {}, { get: (_t, key) => (key === Symbol.toPrimitive ? () => 0 : inert), apply: () => inert });

/**
 * The real Monaco editor in jsdom. jsdom lacks a few browser APIs the editor widget touches while it
 * lays out and paints (CSS.escape, matchMedia, ResizeObserver, a canvas); inert stand-ins are enough,
 * since the tests look at models, their text and undo history, not at pixels.
 */
export function setUpRealMonaco(languages: string[]): typeof monaco {
  const g = globalThis as Record<string, unknown>;
  g.CSS ??= { escape: (s: string) => s.replace(/[^\w-]/g, (c) => `\\${c}`) };
  g.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
  window.matchMedia ??= () => inert as MediaQueryList;
  HTMLCanvasElement.prototype.getContext = () => inert as never;
  // editor.api registers no languages; the editor sets the ids its language detection picks.
  for (const id of languages) monaco.languages.register({ id });
  return monaco;
}
