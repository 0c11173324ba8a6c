/** The server when neither --url nor BURSTFLARE_URL says otherwise: `npm run dev`'s origin. */
export const DEFAULT_URL = "http://localhost:8787";
