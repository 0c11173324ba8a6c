import { createRouter } from "../lib/app";

const router = createRouter();

export default router;
