import { useQuery } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { templatesQuery, useCreateTemplate } from "../../api/queries/templates";
import { useCan } from "../../api/queries/workspaces";
import { errorLine, queryStatus } from "../../components/states";
import { TemplatesPageView } from "./TemplatesPageView";

export function TemplatesPage() {
  const query = useQuery(templatesQuery());
  const create = useCreateTemplate();
  const navigate = useNavigate();
  const canWrite = useCan("templates.write");
  return (
    <TemplatesPageView
      templates={query.data}
      {...queryStatus(query)}
      canWrite={canWrite}
      creating={create.isPending}
      createError={create.error ? errorLine(create.error) : null}
      onCreate={(input) => create.mutate(input, { onSuccess: (tpl) => navigate(`/templates/${tpl.id}`) })}
    />
  );
}
