import type { ReactNode } from "react";

/** One account section's card. Its heading labels the section (`aria-labelledby`), so `id` must be unique on the page. */
export function AccountSection({
  id,
  testId,
  icon,
  title,
  action,
  children,
}: {
  id: string;
  testId?: string;
  icon: ReactNode;
  title: string;
  /** A button beside the heading. */
  action?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="card stack" aria-labelledby={`${id}-title`} data-testid={testId}>
      <div className="card-header">
        <h2 id={`${id}-title`}>
          {icon} {title}
        </h2>
        {action}
      </div>
      {children}
    </section>
  );
}
