import ceremonies from "../auth/routes/ceremonies";
import credentials from "../auth/routes/credentials";
import operatorBootstrap from "../auth/routes/operator-bootstrap";
import passkeys from "../auth/routes/passkeys";
import signIns from "../auth/routes/sign-ins";
import signupInvites from "../auth/routes/signup-invites";
import { createRouter } from "../lib/app";

/** Accounts and sign-in. Each concern lives in its own router under api/src/auth/routes. */
const router = createRouter();
for (const sub of [ceremonies, signIns, passkeys, credentials, signupInvites, operatorBootstrap]) router.route("/", sub);

export default router;
