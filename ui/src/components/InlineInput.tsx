// A text input that edits a name in place: Enter or leaving the field commits, Escape cancels.

import { useEffect, useRef, useState } from "react";

type Props = {
  initial: string;
  testId: string;
  className?: string;
  placeholder?: string;
  ariaLabel?: string;
  /** Whether an empty value may be committed (flow elements may be unnamed; workspaces may not). */
  allowEmpty?: boolean;
  onCommit(value: string): void;
  onCancel(): void;
};

export function InlineInput({ initial, testId, className, placeholder, ariaLabel, allowEmpty, onCommit, onCancel }: Props) {
  const [value, setValue] = useState(initial);
  const done = useRef(false);
  const ref = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    el.select();
  }, []);

  const finish = (commit: boolean) => {
    if (done.current) return;
    done.current = true;
    const trimmed = value.trim();
    if (commit && (trimmed || allowEmpty)) onCommit(trimmed);
    else onCancel();
  };

  return (
    <input
      ref={ref}
      data-testid={testId}
      className={`inline-input nodrag nopan nowheel ${className ?? ""}`}
      value={value}
      placeholder={placeholder}
      aria-label={ariaLabel}
      spellCheck={false}
      onChange={(e) => setValue(e.target.value)}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === "Enter") {
          e.preventDefault();
          finish(true);
        } else if (e.key === "Escape") {
          e.preventDefault();
          finish(false);
        }
      }}
      onBlur={() => finish(true)}
      onMouseDown={(e) => e.stopPropagation()}
      onDoubleClick={(e) => e.stopPropagation()}
    />
  );
}
