import { useState } from "react";
import { useNavigate } from "react-router";
import { suggestSessionName, useCreateSession } from "../../api/queries/sessions";
import { errorLine } from "../../components/states";
import { NewSessionDialog, type NewSessionInput } from "./NewSessionDialog";
import { useTemplateChoices } from "./use-template-choices";

/**
 * Creating a session, from the "New session" dialog or straight from a template, for the sessions
 * page and the dashboard. It is created without starting: the workbench it opens starts it and
 * shows every boot phase live.
 */
export function useNewSession() {
  const create = useCreateSession();
  const choices = useTemplateChoices();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [defaultName, setDefaultName] = useState(suggestSessionName);

  const createAndOpen = (input: NewSessionInput) =>
    create.mutate(
      { ...input, start: false },
      {
        onSuccess: (session) => {
          setOpen(false);
          navigate(`/sessions/${session.id}/workbench`);
        },
      },
    );

  const openDialog = () => {
    setDefaultName(suggestSessionName());
    create.reset();
    setOpen(true);
  };

  const dialog = (
    <NewSessionDialog
      open={open}
      templates={choices.choices}
      defaultName={defaultName}
      busy={create.isPending}
      error={create.error ? errorLine(create.error) : null}
      onCancel={() => setOpen(false)}
      onCreate={createAndOpen}
    />
  );
  return { create, createAndOpen, openDialog, dialog, templateNames: choices.names };
}
