import { type ReactNode, useCallback, useEffect, useRef, useState } from "react";

interface Props {
  /** "row": side by side with a vertical bar; "column": stacked with a horizontal bar. */
  direction: "row" | "column";
  /** Which child keeps a fixed size in px; the other takes the rest. */
  fixed: "first" | "second";
  initialSize: number;
  minSize?: number;
  /** Smallest the flexible child may get. */
  minRest?: number;
  /** Remembers the size across visits (localStorage key). */
  storageKey?: string;
  label: string;
  /** Hides one child (and the bar) without unmounting it, so its state survives. */
  collapsed?: "first" | "second" | null;
  children: [ReactNode, ReactNode];
}

/** A split's fixed settings, for callers that keep their layout in one table. */
export type SplitPaneLayout = Omit<Props, "collapsed" | "children">;

const STEP = 16;

function loadSize(key: string | undefined, fallback: number): number {
  if (!key) return fallback;
  try {
    const v = Number(localStorage.getItem(`bf-split:${key}`));
    return Number.isFinite(v) && v > 0 ? v : fallback;
  } catch {
    return fallback;
  }
}

/**
 * Two panes and a draggable separator: pointer drag (captured, so iframes beneath do not eat
 * the moves), arrow keys (Shift for bigger steps), Home/End to the limits, double-click to reset.
 */
export function SplitPane({
  direction,
  fixed,
  initialSize,
  minSize = 120,
  minRest = 160,
  storageKey,
  label,
  collapsed = null,
  children,
}: Props) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState(() => loadSize(storageKey, initialSize));
  const [dragging, setDragging] = useState(false);
  const drag = useRef<{ start: number; size: number } | null>(null);
  const horizontal = direction === "row";

  const clamp = useCallback(
    (value: number) => {
      const total = containerRef.current
        ? horizontal
          ? containerRef.current.clientWidth
          : containerRef.current.clientHeight
        : Number.POSITIVE_INFINITY;
      const max = Math.max(minSize, total - minRest - 6);
      return Math.round(Math.min(max, Math.max(minSize, value)));
    },
    [horizontal, minSize, minRest],
  );

  useEffect(() => {
    if (!storageKey) return;
    try {
      localStorage.setItem(`bf-split:${storageKey}`, String(size));
    } catch {}
  }, [size, storageKey]);

  useEffect(() => {
    document.body.classList.toggle("resizing", dragging);
    return () => document.body.classList.remove("resizing");
  }, [dragging]);

  const sign = fixed === "first" ? 1 : -1;

  const onPointerDown = (e: React.PointerEvent) => {
    if (e.button !== 0) return;
    e.preventDefault();
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    drag.current = { start: horizontal ? e.clientX : e.clientY, size };
    setDragging(true);
  };
  const onPointerMove = (e: React.PointerEvent) => {
    if (!drag.current) return;
    const delta = (horizontal ? e.clientX : e.clientY) - drag.current.start;
    setSize(clamp(drag.current.size + sign * delta));
  };
  const onPointerUp = (e: React.PointerEvent) => {
    drag.current = null;
    setDragging(false);
    (e.currentTarget as HTMLElement).releasePointerCapture?.(e.pointerId);
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    const step = e.shiftKey ? STEP * 4 : STEP;
    const grow = horizontal ? "ArrowRight" : "ArrowDown";
    const shrink = horizontal ? "ArrowLeft" : "ArrowUp";
    let next: number | null = null;
    if (e.key === grow) next = size + sign * step;
    else if (e.key === shrink) next = size - sign * step;
    else if (e.key === "Home") next = minSize;
    else if (e.key === "End") next = Number.POSITIVE_INFINITY;
    if (next !== null) {
      e.preventDefault();
      setSize(clamp(next));
    }
  };

  const fixedStyle = { flex: `0 0 ${size}px`, minWidth: 0, minHeight: 0 };
  const restStyle = { flex: "1 1 0", minWidth: 0, minHeight: 0 };
  const hidden = { display: "none" };
  const styleOf = (which: "first" | "second") =>
    collapsed === which ? hidden : collapsed ? restStyle : fixed === which ? fixedStyle : restStyle;

  return (
    <div ref={containerRef} className={`split split-${direction}`}>
      <div className="split-pane" style={styleOf("first")}>
        {children[0]}
      </div>
      <div
        className={`split-bar${dragging ? " dragging" : ""}`}
        hidden={collapsed !== null}
        role="separator"
        tabIndex={0}
        aria-label={label}
        aria-orientation={horizontal ? "vertical" : "horizontal"}
        aria-valuenow={size}
        aria-valuemin={minSize}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onKeyDown={onKeyDown}
        onDoubleClick={() => setSize(clamp(initialSize))}
      />
      <div className="split-pane" style={styleOf("second")}>
        {children[1]}
      </div>
    </div>
  );
}
