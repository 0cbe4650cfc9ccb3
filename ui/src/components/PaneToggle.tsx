// The button that folds a side pane (the sidebar, the palette) to icons and back.

import { PaneToggleIcon } from "./icons";

type Props = {
  testId: string;
  folded: boolean;
  /** What clicking does: unfold (when folded) or fold. */
  label: string;
  className?: string;
  onToggle(): void;
};

export function PaneToggle({ testId, folded, label, className = "icon-button", onToggle }: Props) {
  return (
    <button
      type="button"
      className={className}
      data-testid={testId}
      title={label}
      aria-label={label}
      aria-expanded={!folded}
      onClick={onToggle}
    >
      <PaneToggleIcon />
    </button>
  );
}
