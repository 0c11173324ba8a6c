import type { TemplateChoice } from "./NewSessionDialog";

/**
 * Templates a new session can start from. Until the templates query lands this is empty,
 * and the dialog offers the built-in starter only.
 */
export function useTemplateChoices(): TemplateChoice[] {
  return [];
}
