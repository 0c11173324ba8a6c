import { MonitorIcon, MoonIcon, SunIcon } from "../components/icons";
import { setThemePreference, type ThemePreference, useThemePreference } from "./theme";

const OPTIONS: { value: ThemePreference; label: string; Icon: typeof SunIcon }[] = [
  { value: "light", label: "Light theme", Icon: SunIcon },
  { value: "dark", label: "Dark theme", Icon: MoonIcon },
  { value: "system", label: "Follow system theme", Icon: MonitorIcon },
];

/** Light / dark / system switch: a three-button segmented control, each button aria-pressed. */
export function ThemeToggle() {
  const current = useThemePreference();
  return (
    <div className="segmented" role="group" aria-label="Theme">
      {OPTIONS.map(({ value, label, Icon }) => (
        <button
          key={value}
          type="button"
          className="segmented-btn"
          aria-pressed={current === value}
          aria-label={label}
          title={label}
          onClick={() => setThemePreference(value)}
        >
          <Icon size={15} />
        </button>
      ))}
    </div>
  );
}
