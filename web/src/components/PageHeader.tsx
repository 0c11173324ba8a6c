import type { CSSProperties, ReactNode } from "react";

/** The title block at the top of a page: its heading, one line saying what the page is for, and the page's actions on the right. */
export function PageHeader({
  title,
  description,
  style,
  children,
}: {
  title: ReactNode;
  description: ReactNode;
  style?: CSSProperties;
  children?: ReactNode;
}) {
  return (
    <div className="page-header" style={style}>
      <div>
        <h1>{title}</h1>
        <p className="muted">{description}</p>
      </div>
      {children}
    </div>
  );
}

/** A page: its header (with `actions` on the right), then its sections, `gap` apart. */
export function Page({
  gap = "1.25rem",
  actions,
  children,
  ...header
}: {
  title: ReactNode;
  description: ReactNode;
  gap?: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="stack" style={{ gap }}>
      <PageHeader {...header}>{actions}</PageHeader>
      {children}
    </div>
  );
}
