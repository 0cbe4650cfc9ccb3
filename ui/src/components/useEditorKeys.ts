// The keys every canvas editor answers: undo and redo anywhere outside text fields; Delete,
// F2 and Escape while focus is in the editor (not on its element panel's fields and buttons,
// where Escape only goes back to the canvas).

import { useEffect, useRef, type RefObject } from "react";

export type EditorKeys = {
  undo(): void;
  redo(): void;
  deleteSelection(): void;
  renameSelection(): void;
  /** `inPanel`: the key was pressed on the element panel. */
  escape(inPanel: boolean): void;
};

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
}

export function useEditorKeys(root: RefObject<HTMLElement | null>, keys: EditorKeys): void {
  const latest = useRef(keys);
  latest.current = keys;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || isEditable(e.target)) return;
      const k = latest.current;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === "z" && !e.shiftKey) {
        e.preventDefault();
        k.undo();
        return;
      }
      if (mod && ((key === "z" && e.shiftKey) || key === "y")) {
        e.preventDefault();
        k.redo();
        return;
      }
      const target = e.target as Node | null;
      const inScope = !target || target === document.body || target === document.documentElement || !!root.current?.contains(target);
      if (!inScope || mod || e.altKey) return;
      const inPanel = target instanceof Element && !!target.closest(".element-panel");
      if (inPanel && e.key !== "Escape") return;
      if (e.key === "Delete" || e.key === "Backspace") {
        e.preventDefault();
        k.deleteSelection();
      } else if (e.key === "F2") {
        e.preventDefault();
        k.renameSelection();
      } else if (e.key === "Escape") {
        k.escape(inPanel);
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [root]);
}
