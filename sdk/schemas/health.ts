import { z } from "zod";
import { SIGNUP_POLICIES } from "./auth";

export const bindingNames = [
  "DB",
  "KV",
  "BUCKET",
  "BUILD_QUEUE",
  "RECONCILE_QUEUE",
  "BUILD_WORKFLOW",
  "SESSION",
  "WORKSPACE_CONTAINER",
  "WORKSPACE_EVENTS",
] as const;
export type BindingName = (typeof bindingNames)[number];

export const healthSchema = z.object({
  ok: z.boolean(),
  version: z.string(),
  bindings: z.record(z.enum(bindingNames), z.boolean()),
  runtimeDriver: z.enum(["local", "containers"]),
  runtimeReachable: z.boolean(),
  turnstileEnabled: z.boolean(),
  signupPolicy: z.enum(SIGNUP_POLICIES),
  time: z.string(),
});
export type Health = z.infer<typeof healthSchema>;
