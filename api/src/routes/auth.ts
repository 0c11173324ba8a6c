import ceremonies from "../auth/routes/ceremonies";
import sessions from "../auth/routes/sessions";
import { createRouter } from "../lib/app";

/** Accounts and sign-in. Each concern lives in its own router under api/src/auth/routes. */
const router = createRouter();
for (const sub of [ceremonies, sessions]) router.route("/", sub);

export default router;
