import type { RouteKey } from "@burstflare/sdk/client";
import type { z } from "zod";
import type { FlareCommand } from "../flare-command";

/** `<group> clear` for one of your own settings (dotfiles, git token): deletes it and says so. */
export function addClearCommand<T>(
  group: FlareCommand,
  description: string,
  route: Extract<RouteKey, `DELETE /api/me/${string}`>,
  schema: z.ZodType<T>,
  cleared: string,
): void {
  group
    .command("clear")
    .description(description)
    .run(async (ctx) => {
      const data = await ctx.client.call(route, { schema });
      ctx.out.result(data, () => cleared);
    });
}
