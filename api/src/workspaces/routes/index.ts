import { createRouter } from "../../lib/app";
import invites from "./invites";
import members from "./members";
import plan from "./plan";
import secrets from "./secrets";
import workspaces from "./workspaces";

/** Workspaces, members, invites, secrets, plan and quota overrides. */
const router = createRouter();
for (const sub of [workspaces, members, invites, secrets, plan]) router.route("/", sub);

export default router;
