import { createRouter } from "../lib/app";
import invites from "../workspaces/routes/invites";
import members from "../workspaces/routes/members";
import plan from "../workspaces/routes/plan";
import secrets from "../workspaces/routes/secrets";
import workspaces from "../workspaces/routes/workspaces";

/** Workspaces, members, invites, secrets, plan and quota overrides. */
const router = createRouter();
for (const sub of [workspaces, members, invites, secrets, plan]) router.route("/", sub);

export default router;
