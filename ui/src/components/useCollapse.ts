// Whether a side pane (the sidebar, the palette) shows as a narrow strip of icons.
//
// A pane folds by itself when the window is narrower than its breakpoint, and a person can
// fold or unfold it with its toggle at any width. Their choice holds for the session, until
// the window crosses the breakpoint: then the pane follows the room again (a person who
// unfolded the sidebar on a small window and then maximises it on a large screen does not
// want it folded; one who folded it on a large screen and shrinks the window wants it
// folded anyway). Kept in memory, like the rest of the session's layout.

import { useCallback, useEffect, useState, useSyncExternalStore } from "react";

/** Window widths (CSS pixels) below which each pane folds by itself. */
export const FOLD_BELOW = { sidebar: 1100, palette: 1200 } as const;

export type Pane = keyof typeof FOLD_BELOW;

type Choice = { folded: boolean; autoWhenChosen: boolean };

const choices = new Map<Pane, Choice>();
const listeners = new Set<() => void>();

function subscribeWidth(onChange: () => void): () => void {
  window.addEventListener("resize", onChange);
  return () => window.removeEventListener("resize", onChange);
}

/** The window's inner width in CSS pixels, following resizes. */
export function useWindowWidth(): number {
  return useSyncExternalStore(subscribeWidth, () => window.innerWidth);
}

/** Whether `pane` is folded now, given the window's width and the person's last choice. */
export function isFolded(pane: Pane, width: number, choice: Choice | undefined): boolean {
  const auto = width < FOLD_BELOW[pane];
  return choice && choice.autoWhenChosen === auto ? choice.folded : auto;
}

/** [folded, toggle]: the pane's state and the person's way to change it. */
export function useCollapse(pane: Pane): [boolean, () => void] {
  const width = useWindowWidth();
  const [, rerender] = useState(0);
  useEffect(() => {
    const l = () => rerender((n) => n + 1);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
  const folded = isFolded(pane, width, choices.get(pane));
  const toggle = useCallback(() => {
    const auto = window.innerWidth < FOLD_BELOW[pane];
    const now = isFolded(pane, window.innerWidth, choices.get(pane));
    choices.set(pane, { folded: !now, autoWhenChosen: auto });
    for (const l of listeners) l();
  }, [pane]);
  return [folded, toggle];
}

/** Forgets the choices (tests start from a fresh session). */
export function resetCollapseChoices(): void {
  choices.clear();
}
