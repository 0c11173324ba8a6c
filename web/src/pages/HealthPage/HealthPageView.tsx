import type { Health } from "@burstflare/sdk/schemas/health";

interface Props {
  health: Health | undefined;
  error: Error | null;
  loading: boolean;
}

export function HealthPageView({ health, error, loading }: Props) {
  if (loading) return <p className="muted">Checking the platform…</p>;
  if (error || !health) return <p role="alert">Health check failed: {error?.message ?? "no answer"}</p>;
  return (
    <section className="card">
      <h2>Platform health</h2>
      <p>
        API {health.version} · runtime driver <strong>{health.runtimeDriver}</strong> ·{" "}
        {health.runtimeReachable ? "runtime reachable" : "runtime unreachable"}
      </p>
      <ul className="binding-list" data-testid="binding-list">
        {Object.entries(health.bindings).map(([name, ok]) => (
          <li key={name} data-binding={name} data-ok={ok}>
            <span className={ok ? "dot ok" : "dot bad"} aria-hidden /> {name}
          </li>
        ))}
      </ul>
    </section>
  );
}
