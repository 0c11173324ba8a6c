import { z } from "zod";

/**
 * A member's visit to a session's preview, which runs on the session's own host
 * (`<label>.preview.<domain>`, `<label>.localhost:8787` locally). The URL carries a signed grant
 * that the preview host trades for its own cookie; it is good for one user, one session, 12 hours.
 */
export const previewVisitBody = z.object({
  /** Where in the previewed app to land: an absolute path with an optional query. */
  path: z
    .string()
    .max(2048)
    .regex(/^\/(?!\/)[^\s\\]*$/, "must be an absolute path such as /docs?q=1")
    .default("/"),
});
export type PreviewVisitBody = z.input<typeof previewVisitBody>;

export const previewVisitResponse = z.object({
  /** Load this (a frame's src) to open the preview at `path`. */
  url: z.string(),
  /** This visit's own preview origin, e.g. https://<label>-v<visit>.preview.example.com: a host per visit. */
  origin: z.string(),
  expiresAt: z.string(),
});
export type PreviewVisitResponse = z.infer<typeof previewVisitResponse>;
