import { z } from "zod";
import { SIGNUP_POLICIES } from "./auth";

/** The Worker bindings /api/health exercises, in the order it reports them. */
export const bindingNameSchema = z.enum([
  "DB",
  "KV",
  "BUCKET",
  "BUILD_QUEUE",
  "RECONCILE_QUEUE",
  "BUILD_WORKFLOW",
  "SESSION",
  "WORKSPACE_CONTAINER",
  "WORKSPACE_EVENTS",
]);
export type BindingName = z.infer<typeof bindingNameSchema>;
export const bindingNames = bindingNameSchema.options;

export const healthSchema = z.object({
  ok: z.boolean(),
  version: z.string(),
  bindings: z.record(bindingNameSchema, z.boolean()),
  runtimeDriver: z.enum(["local", "containers"]),
  runtimeReachable: z.boolean(),
  turnstileEnabled: z.boolean(),
  signupPolicy: z.enum(SIGNUP_POLICIES),
  time: z.string(),
});
export type Health = z.infer<typeof healthSchema>;
