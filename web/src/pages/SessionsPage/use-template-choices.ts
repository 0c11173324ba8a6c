import { useQuery } from "@tanstack/react-query";
import { templatesQuery } from "../../api/queries/templates";
import type { TemplateChoice } from "./NewSessionDialog";

/** Templates a new session can start from: not archived, with a promoted version. Built-ins first. */
export function useTemplateChoices(): { choices: TemplateChoice[]; names: Record<string, string> } {
  const { data = [] } = useQuery(templatesQuery());
  const choices = data
    .filter((t) => !t.archived && t.activeVersionId && !t.builtin)
    .map((t) => ({ id: t.id, name: t.activeVersion ? `${t.name} (${t.activeVersion})` : t.name, description: t.description }));
  const names = Object.fromEntries(data.map((t) => [t.id, t.builtin ? `${t.name} (built in)` : t.name]));
  return { choices, names };
}
