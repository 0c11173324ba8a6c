import { useEffect, useRef } from "react";

interface TurnstileAPI {
  render(
    el: HTMLElement,
    opts: { sitekey: string; action?: string; callback: (token: string) => void; "expired-callback": () => void },
  ): string;
  remove(id: string): void;
}
declare global {
  interface Window {
    turnstile?: TurnstileAPI;
  }
}

const SCRIPT = "https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit";
let loading: Promise<void> | null = null;

/** Cloudflare's script is only fetched when the operator configured a site key. */
function loadScript(): Promise<void> {
  loading ??= new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = SCRIPT;
    s.async = true;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error("could not load the human check"));
    document.head.appendChild(s);
  });
  return loading;
}

/** Renders the Turnstile widget when a site key is set; reports the token (or undefined when it expires). */
export function Turnstile({
  siteKey,
  action,
  onToken,
}: {
  siteKey: string | null | undefined;
  action: string;
  onToken: (t: string | undefined) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const callback = useRef(onToken);
  callback.current = onToken;
  useEffect(() => {
    if (!siteKey || !ref.current) return;
    let id: string | undefined;
    let cancelled = false;
    loadScript()
      .then(() => {
        if (cancelled || !ref.current || !window.turnstile) return;
        id = window.turnstile.render(ref.current, {
          sitekey: siteKey,
          action,
          callback: (t) => callback.current(t),
          "expired-callback": () => callback.current(undefined),
        });
      })
      .catch(() => callback.current(undefined));
    return () => {
      cancelled = true;
      if (id) window.turnstile?.remove(id);
    };
  }, [siteKey, action]);
  if (!siteKey) return null;
  return <div ref={ref} className="turnstile" data-testid="turnstile" />;
}
