import { createElement, type ReactElement, type SVGProps } from "react";

/** Inline SVG icons (no icon font, no CDN): 24-unit stroke drawings that follow currentColor. */
type IconProps = SVGProps<SVGSVGElement> & { size?: number };

function Svg({ size = 16, children, ...props }: IconProps) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden
      focusable="false"
      {...props}
    >
      {children}
    </svg>
  );
}

/** An icon is its drawing: path data (a string) or SVG elements, painted in the order given. */
function icon(...drawing: (string | ReactElement)[]) {
  const children = drawing.map((part) => (typeof part === "string" ? createElement("path", { d: part }) : part));
  // Passed as separate arguments, the parts are fixed children and need no keys.
  return (p: IconProps) => createElement(Svg, p, ...children);
}
const circle = (cx: number, cy: number, r: number) => <circle cx={cx} cy={cy} r={r} />;
const rect = (x: number, y: number, width: number, height: number, rx: number) => (
  <rect x={x} y={y} width={width} height={height} rx={rx} />
);

// The file and folder outlines, alone and with a plus mark in them.
const file = "M14 3H6.5A1.5 1.5 0 0 0 5 4.5v15A1.5 1.5 0 0 0 6.5 21h11a1.5 1.5 0 0 0 1.5-1.5V8l-5-5Zm0 0v5h5";
const folder = "M3 6.5A1.5 1.5 0 0 1 4.5 5H9l2 2.5h8.5A1.5 1.5 0 0 1 21 9v9.5a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 18.5v-12Z";
const plus = "M12 11v6M9 14h6";

export const BoltIcon = icon(<path d="M13 2 4 14h7l-1 8 9-12h-7l1-8Z" fill="currentColor" stroke="none" />);
export const HomeIcon = icon("M3 11.5 12 4l9 7.5V20a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1v-8.5Z");
export const ServerIcon = icon(rect(3, 4, 18, 7, 1.5), rect(3, 13, 18, 7, 1.5), "M7 7.5h.01M7 16.5h.01");
export const LayersIcon = icon("m12 3 9 5-9 5-9-5 9-5Zm-9 9 9 5 9-5M3 16l9 5 9-5");
export const HammerIcon = icon("m14 6 4 4M4 20l9-9m1-7 6 6-3 3-6-6 3-3Z");
export const UsersIcon = icon(
  circle(9, 8, 3.5),
  "M2.5 20c.5-3.5 3.2-5.5 6.5-5.5s6 2 6.5 5.5M16 4.6a3.5 3.5 0 0 1 0 6.8M18 14.8c2 .7 3.2 2.5 3.5 5.2",
);
export const ShieldIcon = icon("M12 3 4.5 6v5.5c0 4.5 3.2 8.3 7.5 9.5 4.3-1.2 7.5-5 7.5-9.5V6L12 3Z");
export const SettingsIcon = icon(
  circle(12, 12, 3),
  "M12 2.5v3M12 18.5v3M4.2 5.6l2.1 2.1M17.7 16.3l2.1 2.1M2.5 12h3M18.5 12h3M4.2 18.4l2.1-2.1M17.7 7.7l2.1-2.1",
);
export const SunIcon = icon(
  circle(12, 12, 4),
  "M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4",
);
export const MoonIcon = icon("M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5Z");
export const MonitorIcon = icon(rect(3, 4, 18, 12, 1.5), "M8 20h8M12 16v4");
export const PlayIcon = icon("M7 4.5v15l12-7.5-12-7.5Z");
export const StopIcon = icon(rect(6, 6, 12, 12, 1.5));
export const RestartIcon = icon("M20 12a8 8 0 1 1-2.3-5.7M20 4v4.5h-4.5");
export const TrashIcon = icon("M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3");
export const PlusIcon = icon("M12 5v14M5 12h14");
export const CopyIcon = icon(rect(8, 8, 12, 12, 2), "M16 8V5a1 1 0 0 0-1-1H5a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h3");
export const CheckIcon = icon("m5 12.5 4.5 4.5L19 7.5");
export const CloseIcon = icon("M6 6l12 12M18 6 6 18");
export const TerminalIcon = icon(rect(3, 4, 18, 16, 2), "m7 9 3 3-3 3M12.5 15H17");
export const CodeIcon = icon("m8 7-5 5 5 5M16 7l5 5-5 5M13.5 4l-3 16");
export const GlobeIcon = icon(circle(12, 12, 9), "M3 12h18M12 3c2.5 2.6 3.8 5.6 3.8 9s-1.3 6.4-3.8 9c-2.5-2.6-3.8-5.6-3.8-9S9.5 5.6 12 3Z");
export const ExternalIcon = icon("M14 4h6v6M20 4l-9 9M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5");
export const RefreshIcon = icon("M4 12a8 8 0 0 1 13.7-5.7L20 8.5M20 4v4.5h-4.5M20 12a8 8 0 0 1-13.7 5.7L4 15.5M4 20v-4.5h4.5");
export const FileIcon = icon(file);
export const FolderIcon = icon(folder);
export const FolderPlusIcon = icon(folder + plus);
export const FilePlusIcon = icon(file + plus);
export const ChevronRightIcon = icon("m9 6 6 6-6 6");
export const ChevronDownIcon = icon("m6 9 6 6 6-6");
export const PencilIcon = icon("M4 20h4L19 9l-4-4L4 16v4ZM13.5 6.5l4 4");
export const SearchIcon = icon(circle(11, 11, 6.5), "m16 16 4.5 4.5");
export const MenuIcon = icon("M4 7h16M4 12h16M4 17h16");
export const AlertIcon = icon("M12 3.5 2.5 20h19L12 3.5ZM12 10v4.5M12 17.5h.01");
export const InfoIcon = icon(circle(12, 12, 9), "M12 11v5.5M12 7.5h.01");
export const CameraIcon = icon("M4 8h3l2-3h6l2 3h3v11H4V8Z", circle(12, 13.5, 3.5));
export const KeyIcon = icon(circle(8, 15, 4), "m11 12 9-9M17 6l3 3M15 8l2 2");
export const GaugeIcon = icon("M4 18a9 9 0 1 1 16 0M12 14l4-5");
export const ClockIcon = icon(circle(12, 12, 9), "M12 7v5l3 2");
export const SaveIcon = icon("M5 4h11l3 3v12a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V4Zm3 0v5h7V4M8 20v-6h8v6");
export const ArrowLeftIcon = icon("M19 12H5M11 6l-6 6 6 6");
export const ArrowRightIcon = icon("M5 12h14M13 6l6 6-6 6");
