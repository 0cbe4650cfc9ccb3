// A toolbar that never runs past its pane: the items that do not fit are folded into a
// "More" menu (the least important first), so every command stays reachable at any width.
//
// Widths come from a hidden copy of every item (rendered without test ids, so that tests
// and assistive technology see each command once); the bar is re-planned whenever the bar,
// that copy or the fixed end part changes size (a resize, another language, a new notice).

import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { MoreIcon } from "../components/icons";

/** Where an item is drawn: in the bar, in the hidden measuring copy, or in the More menu. */
export type ItemMode = "bar" | "measure" | "menu";

export type ToolbarItem = {
  id: string;
  /** Items with a higher priority stay in the bar longer. */
  priority: number;
  /** Shown after the spacer, at the bar's right end (information such as counts). */
  end?: boolean;
  /** What the item shows in `mode`; `null` in "menu" leaves it out of the menu (information only). */
  render(mode: ItemMode): ReactNode;
};

/** The space between items (CSS `gap` of `.canvas-toolbar`). */
const GAP = 4;

/**
 * Which items fit in `available` pixels, given each one's width and the width of the More
 * button: all of them if they fit; otherwise the most important ones, in priority order,
 * that fit beside the More button. Ties keep the toolbar's order.
 */
export function planToolbar(
  items: readonly { id: string; priority: number; width: number }[],
  available: number,
  moreWidth: number,
): Set<string> {
  const total = items.reduce((sum, it) => sum + it.width + GAP, 0);
  if (total <= available) return new Set(items.map((it) => it.id));
  const byPriority = items.map((it, i) => ({ ...it, i })).sort((a, b) => b.priority - a.priority || a.i - b.i);
  const shown = new Set<string>();
  let used = moreWidth + GAP;
  for (const it of byPriority) {
    if (used + it.width + GAP > available) break;
    used += it.width + GAP;
    shown.add(it.id);
  }
  return shown;
}

type Props = {
  items: ToolbarItem[];
  /** Always shown at the right end (the problems toggle, notices). */
  end: ReactNode;
  label: string;
};

export function OverflowToolbar({ items, end, label }: Props) {
  const { t } = useTranslation();
  const barRef = useRef<HTMLDivElement>(null);
  const measureRef = useRef<HTMLDivElement>(null);
  const endRef = useRef<HTMLDivElement>(null);
  const moreRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  // null: not measured (no layout, as under jsdom): everything is shown.
  const [shown, setShown] = useState<ReadonlySet<string> | null>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  const itemsRef = useRef(items);
  itemsRef.current = items;

  const plan = useCallback(() => {
    const bar = barRef.current;
    const measure = measureRef.current;
    if (!bar || !measure) return;
    const style = getComputedStyle(bar);
    const padding = (parseFloat(style.paddingLeft) || 0) + (parseFloat(style.paddingRight) || 0);
    const endWidth = endRef.current?.getBoundingClientRect().width ?? 0;
    const available = bar.clientWidth - padding - endWidth - GAP;
    if (bar.clientWidth <= 0) {
      setShown(null);
      return;
    }
    const widths = new Map<string, number>();
    for (const el of measure.querySelectorAll<HTMLElement>("[data-measure-id]")) {
      widths.set(el.dataset.measureId ?? "", el.getBoundingClientRect().width);
    }
    const moreWidth = measure.querySelector<HTMLElement>("[data-measure-more]")?.getBoundingClientRect().width ?? 40;
    const next = planToolbar(
      itemsRef.current.map((it) => ({ id: it.id, priority: it.priority, width: widths.get(it.id) ?? 0 })),
      available,
      moreWidth,
    );
    setShown((prev) => (prev && prev.size === next.size && [...next].every((id) => prev.has(id)) ? prev : next));
  }, []);

  useLayoutEffect(() => {
    plan();
    if (typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(() => plan());
    for (const el of [barRef.current, measureRef.current, endRef.current]) if (el) ro.observe(el);
    return () => ro.disconnect();
  }, [plan]);

  const barItem = (it: ToolbarItem) =>
    !shown || shown.has(it.id) ? (
      <span className="toolbar-item" key={it.id}>
        {it.render("bar")}
      </span>
    ) : null;
  const folded = shown ? items.filter((it) => !shown.has(it.id)) : [];
  const inMenu = folded.map((it) => ({ id: it.id, node: it.render("menu") })).filter((it) => it.node !== null);

  // The menu closes on a click outside it, on Escape, and after one of its commands ran.
  useEffect(() => {
    if (!menuOpen) return;
    const onDown = (e: PointerEvent) => {
      const target = e.target as Node;
      if (menuRef.current?.contains(target) || moreRef.current?.contains(target)) return;
      setMenuOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      e.stopPropagation();
      setMenuOpen(false);
      moreRef.current?.focus();
    };
    document.addEventListener("pointerdown", onDown, true);
    document.addEventListener("keydown", onKey, true);
    return () => {
      document.removeEventListener("pointerdown", onDown, true);
      document.removeEventListener("keydown", onKey, true);
    };
  }, [menuOpen]);
  useEffect(() => {
    if (inMenu.length === 0 && menuOpen) setMenuOpen(false);
  }, [inMenu.length, menuOpen]);

  return (
    <div className="canvas-toolbar" role="toolbar" aria-label={label} ref={barRef} data-testid="canvas-toolbar">
      {items.filter((it) => !it.end).map(barItem)}
      <span className="toolbar-spacer" />
      {items.filter((it) => it.end).map(barItem)}
      <div className="toolbar-end" ref={endRef}>
        {inMenu.length > 0 && (
          <span className="toolbar-more">
            <button
              type="button"
              ref={moreRef}
              className={`tool-button more-button${menuOpen ? " is-open" : ""}`}
              data-testid="toolbar-more"
              title={t("canvas.moreHint")}
              aria-label={t("canvas.more")}
              aria-haspopup="menu"
              aria-expanded={menuOpen}
              onClick={() => setMenuOpen((o) => !o)}
            >
              <MoreIcon />
            </button>
            {menuOpen && (
              <div
                className="toolbar-menu"
                role="menu"
                aria-label={t("canvas.more")}
                data-testid="toolbar-menu"
                ref={menuRef}
                onClick={(e) => {
                  if ((e.target as HTMLElement).closest("button")) setMenuOpen(false);
                }}
              >
                {inMenu.map((it) => (
                  <div className="toolbar-menu-group" key={it.id}>
                    {it.node}
                  </div>
                ))}
              </div>
            )}
          </span>
        )}
        {end}
      </div>
      <div className="toolbar-measure" ref={measureRef} aria-hidden="true">
        {items.map((it) => (
          <span className="toolbar-item" key={it.id} data-measure-id={it.id}>
            {it.render("measure")}
          </span>
        ))}
        <span className="tool-button more-button" data-measure-more="">
          <MoreIcon />
        </span>
      </div>
    </div>
  );
}

type ToolButtonProps = {
  mode: ItemMode;
  testId: string;
  label: string;
  title: string;
  disabled?: boolean;
  icon?: ReactNode;
  onClick(): void;
};

/** One command: a button in the bar, an entry in the menu, an inert copy for measuring. */
export function ToolButton({ mode, testId, label, title, disabled, icon, onClick }: ToolButtonProps) {
  if (mode === "measure") {
    return (
      <span className="tool-button">
        {icon}
        {label}
      </span>
    );
  }
  return (
    <button
      type="button"
      className={mode === "menu" ? "menu-item" : "tool-button"}
      role={mode === "menu" ? "menuitem" : undefined}
      data-testid={testId}
      title={title}
      disabled={disabled}
      onClick={onClick}
    >
      {icon}
      {label}
    </button>
  );
}
