// The problems of the element under the pointer, in a tooltip beside it: the canvas marks an
// element with a problem; hovering it says what the problem is, in the person's language.
//
// It listens to the canvas container's pointer events itself and keeps its own state, so a
// pointer move re-renders this small component only, never the editor.

import { useEffect, useState, type RefObject } from "react";
import { useTranslation } from "react-i18next";
import { SeverityIcon } from "./ProblemsPanel";
import { problemText, worstSeverity, type FlowLookup, type ProblemMark } from "./problems";

/** How far from the pointer the tooltip sits (px), below and to the right. */
const OFFSET = 14;
/** The tooltip's widest (styles.css) and a typical height (px): near the canvas's right or
 * bottom side it opens to the left or above the pointer instead. */
const MAX_WIDTH = 320;
const TYPICAL_HEIGHT = 90;

type Hover = { id: string; x: number; y: number; width: number; height: number };

export function ProblemTooltip({
  container,
  elementAt,
  index,
  lookup,
}: {
  /** The element the canvas fills; the tooltip is positioned inside it. */
  container: RefObject<HTMLElement | null>;
  /** The element under a client point (null: none). */
  elementAt: (clientX: number, clientY: number) => string | null;
  /** Problems (code and severity) per element id. */
  index: ReadonlyMap<string, readonly ProblemMark[]>;
  /** The flow as it is now, for naming elements in messages. */
  lookup: () => FlowLookup;
}) {
  const { t } = useTranslation();
  const [hover, setHover] = useState<Hover | null>(null);

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const move = (e: PointerEvent) => {
      // Not while a button is down: a drag is under way.
      const id = e.buttons === 0 ? elementAt(e.clientX, e.clientY) : null;
      if (!id || !index.get(id)?.length) {
        setHover((h) => (h ? null : h));
        return;
      }
      const r = el.getBoundingClientRect();
      setHover({ id, x: e.clientX - r.left, y: e.clientY - r.top, width: r.width, height: r.height });
    };
    const leave = () => setHover(null);
    el.addEventListener("pointermove", move);
    el.addEventListener("pointerdown", leave);
    el.addEventListener("pointerleave", leave);
    return () => {
      el.removeEventListener("pointermove", move);
      el.removeEventListener("pointerdown", leave);
      el.removeEventListener("pointerleave", leave);
    };
  }, [container, elementAt, index]);

  const marks = hover ? index.get(hover.id) : undefined;
  if (!hover || !marks?.length) return null;
  const flow = lookup();
  // Errors first, as on the canvas, where an element with an error and a warning shows the error.
  const listed = [...marks].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1));
  const style = {
    ...(hover.x + OFFSET + MAX_WIDTH > hover.width ? { right: hover.width - hover.x + OFFSET } : { left: hover.x + OFFSET }),
    ...(hover.y + OFFSET + TYPICAL_HEIGHT > hover.height ? { bottom: hover.height - hover.y + OFFSET } : { top: hover.y + OFFSET }),
  };
  return (
    <div
      className="problem-tooltip"
      role="tooltip"
      data-testid="problem-tooltip"
      data-element={hover.id}
      data-severity={worstSeverity(marks)}
      style={style}
    >
      <ul>
        {listed.map(({ code, severity }) => (
          <li key={code} data-code={code} data-severity={severity}>
            <SeverityIcon severity={severity} />
            <span>{problemText(t, flow, code, hover.id)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
