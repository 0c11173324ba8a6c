import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate, useParams } from "react-router";
import {
  templateQuery,
  useArchiveTemplate,
  useDeleteTemplate,
  useDeleteVersion,
  usePromoteVersion,
  useRollbackTemplate,
} from "../../api/queries/templates";
import { useCan } from "../../api/queries/workspaces";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { errorLine, queryStatus } from "../../components/states";
import { NewVersionPanel } from "./NewVersionPanel";
import { type TemplateAction, TemplateDetailPageView } from "./TemplateDetailPageView";

export function TemplateDetailPage() {
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const query = useQuery(templateQuery(id));
  const canWrite = useCan("templates.write");
  const promote = usePromoteVersion();
  const rollback = useRollbackTemplate();
  const archive = useArchiveTemplate();
  const remove = useDeleteTemplate();
  const removeVersion = useDeleteVersion();
  const [confirm, setConfirm] = useState<TemplateAction | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const fail = (err: Error) => setActionError(errorLine(err));
  const done = () => setConfirm(null);
  const busy = promote.isPending || rollback.isPending || archive.isPending || remove.isPending || removeVersion.isPending;
  const name = query.data?.template.name ?? "this template";
  const target = query.data?.rollbackTarget;

  const run = (action: TemplateAction) => {
    setActionError(null);
    switch (action.kind) {
      case "promote":
        return promote.mutate({ id, versionId: action.version.id }, { onSuccess: done, onError: fail, onSettled: done });
      case "delete-version":
        return removeVersion.mutate({ id, versionId: action.version.id }, { onError: fail, onSettled: done });
      case "rollback":
        return rollback.mutate(id, { onError: fail, onSettled: done });
      case "archive":
      case "restore":
        return archive.mutate({ id, archive: action.kind === "archive" }, { onError: fail, onSettled: done });
      case "delete":
        return remove.mutate(id, { onSuccess: () => navigate("/templates"), onError: fail, onSettled: done });
    }
  };

  const dialog = (() => {
    if (!confirm) return null;
    switch (confirm.kind) {
      case "promote":
        return {
          title: `Promote ${confirm.version.version}?`,
          body: "New sessions will start from this version's build. Running sessions keep their version and show that a newer one exists.",
          label: "Promote",
        };
      case "delete-version":
        return {
          title: `Delete version ${confirm.version.version}?`,
          body: "Its bundle, builds, logs and artifacts are removed and their storage freed. Its releases stay in the history. This cannot be undone.",
          label: "Delete version",
          danger: true,
        };
      case "rollback":
        return {
          title: `Roll back to ${target?.version}?`,
          body: "The previous release becomes the promoted version again for new sessions.",
          label: "Roll back",
        };
      case "archive":
        return { title: `Archive ${name}?`, body: "No new sessions can start from it until it is restored.", label: "Archive" };
      case "restore":
        return { title: `Restore ${name}?`, body: "Sessions can start from it again.", label: "Restore" };
      case "delete":
        return {
          title: `Delete ${name}?`,
          body: "Every version, build, bundle, log and artifact of this template is removed. This cannot be undone.",
          label: "Delete template",
          danger: true,
        };
    }
  })();

  return (
    <>
      <TemplateDetailPageView
        detail={query.data}
        {...queryStatus(query)}
        canWrite={canWrite}
        actionError={actionError}
        newVersion={<NewVersionPanel templateId={id} onUploaded={(result) => navigate(`/builds/${result.build.id}`)} />}
        onAction={(action) => {
          setActionError(null);
          setConfirm(action);
        }}
      />
      <ConfirmDialog
        open={!!dialog}
        title={dialog?.title ?? ""}
        confirmLabel={dialog?.label ?? "OK"}
        danger={dialog?.danger}
        busy={busy}
        onConfirm={() => confirm && run(confirm)}
        onCancel={() => setConfirm(null)}
      >
        {dialog?.body}
      </ConfirmDialog>
    </>
  );
}
