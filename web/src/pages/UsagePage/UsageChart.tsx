import { useEffect, useId, useRef, useState } from "react";

export interface ChartPoint {
  day: string;
  value: number;
}

interface Props {
  title: string;
  points: ChartPoint[];
  /** Drawn as a dashed line; the y axis always reaches it so "how close" is visible. */
  quota?: number;
  quotaLabel?: string;
  format: (v: number) => string;
  kind?: "bars" | "area";
  testId?: string;
}

const H = 200;

/** The chart's pixel width, so the viewBox matches the screen and text is never stretched. */
function useWidth(fallback: number) {
  const ref = useRef<HTMLElement>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(([entry]) => {
      const w = Math.round(entry?.contentRect.width ?? 0);
      if (w > 0) setWidth(w);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width] as const;
}
const PAD = { top: 16, right: 12, bottom: 26, left: 56 };

/** A small dependency-free SVG chart of one metric per day, with the quota as a reference line. */
export function UsageChart({ title, points, quota, quotaLabel = "quota", format, kind = "area", testId }: Props) {
  const titleId = useId();
  const [ref, W] = useWidth(640);
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const peak = Math.max(0, ...points.map((p) => p.value));
  const top = Math.max(peak, quota ?? 0) * 1.1 || 1;
  const x = (i: number) => PAD.left + (points.length <= 1 ? innerW / 2 : (i / (points.length - 1)) * innerW);
  const y = (v: number) => PAD.top + innerH - (v / top) * innerH;
  const barW = Math.max(2, innerW / Math.max(points.length, 1) - 3);
  const over = quota !== undefined && points.some((p) => p.value > quota);

  const line = points.map((p, i) => `${i === 0 ? "M" : "L"}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(" ");
  const area = points.length ? `${line} L${x(points.length - 1).toFixed(1)},${y(0)} L${x(0).toFixed(1)},${y(0)} Z` : "";
  const labelIdx = points.length > 2 ? [0, Math.floor((points.length - 1) / 2), points.length - 1] : points.map((_, i) => i);

  return (
    <figure className="usage-chart" data-testid={testId} ref={ref}>
      <figcaption id={titleId} className="usage-chart-title">
        <strong>{title}</strong>
        {quota !== undefined && (
          <span className={`small ${over ? "usage-over" : "muted"}`}>
            peak {format(peak)} of {format(quota)} {quotaLabel}
          </span>
        )}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-labelledby={titleId}>
        <title>{title}</title>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line className="usage-grid" x1={PAD.left} x2={W - PAD.right} y1={y(top * f)} y2={y(top * f)} />
            <text className="usage-axis" x={PAD.left - 6} y={y(top * f) + 4} textAnchor="end">
              {format(top * f)}
            </text>
          </g>
        ))}
        {kind === "bars"
          ? points.map((p, i) => (
              <rect
                key={p.day}
                className="usage-bar"
                x={x(i) - barW / 2}
                y={y(p.value)}
                width={barW}
                height={Math.max(0, y(0) - y(p.value))}
                data-day={p.day}
                data-value={p.value}
              >
                <title>{`${p.day}: ${format(p.value)}`}</title>
              </rect>
            ))
          : points.length > 0 && (
              <>
                <path className="usage-area" d={area} />
                <path className="usage-line" d={line} />
                {points.map((p, i) => (
                  <circle key={p.day} className="usage-dot" cx={x(i)} cy={y(p.value)} r={2.5} data-day={p.day} data-value={p.value}>
                    <title>{`${p.day}: ${format(p.value)}`}</title>
                  </circle>
                ))}
              </>
            )}
        {quota !== undefined && (
          <g data-testid={testId ? `${testId}-quota` : undefined}>
            <line className="usage-quota" x1={PAD.left} x2={W - PAD.right} y1={y(quota)} y2={y(quota)} />
            <text className="usage-quota-label" x={W - PAD.right} y={y(quota) - 5} textAnchor="end">
              {quotaLabel} {format(quota)}
            </text>
          </g>
        )}
        {labelIdx.map((i) => (
          <text
            key={i}
            className="usage-axis"
            x={x(i)}
            y={H - 8}
            textAnchor={i === 0 ? "start" : i === points.length - 1 ? "end" : "middle"}
          >
            {points[i]?.day.slice(5)}
          </text>
        ))}
      </svg>
    </figure>
  );
}
