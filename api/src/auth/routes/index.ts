import { createRouter } from "../../lib/app";
import ceremonies from "./ceremonies";
import credentials from "./credentials";
import operatorBootstrap from "./operator-bootstrap";
import passkeys from "./passkeys";
import signIns from "./sign-ins";
import signupInvites from "./signup-invites";

/** Accounts and sign-in. Each concern lives in its own router under api/src/auth/routes. */
const router = createRouter();
for (const sub of [ceremonies, signIns, passkeys, credentials, signupInvites, operatorBootstrap]) router.route("/", sub);

export default router;
