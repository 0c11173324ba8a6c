function escapeHTML(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** What a user sees when the preview has nothing to show yet: which port, and how to start a server on it. */
export function previewUnavailablePage(port: number | null, detail: string): string {
  const title = port ? `Nothing is listening on port ${port} yet` : "This template has no preview port";
  const body = port
    ? `<p>The preview forwards to <code>127.0.0.1:${port}</code> inside the session, and no server answered there (${escapeHTML(detail)}).</p>
<p>Start one from the terminal, listening on <code>$PORT</code> (here <strong>${port}</strong>), for example:</p>
<pre>python3 -m http.server $PORT --bind 127.0.0.1
npx vite --port $PORT --host 127.0.0.1
npm run dev -- --port $PORT</pre>
<p>Then reload this page.</p>`
    : `<p>Set <code>previewPort</code> in the template manifest to the port your dev server listens on, then start a new session.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2328}
pre{background:#f6f8fa;padding:1rem;border-radius:6px;overflow:auto}code{background:#f6f8fa;padding:0 .25rem}</style>
</head><body><h1>${title}</h1>${body}</body></html>`;
}
