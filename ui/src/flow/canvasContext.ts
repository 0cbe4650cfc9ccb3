// Canvas-wide callbacks and the "which node is being renamed" store. The store is external
// (useSyncExternalStore) so starting a rename re-renders only the node concerned.

import { createContext, useCallback, useContext, useSyncExternalStore } from "react";
import type { NodeKind, ProblemCode } from "../bindings";
import type { ProblemStore } from "./problems";

export type RenameStore = {
  get(): string | null;
  set(id: string | null): void;
  subscribe(listener: () => void): () => void;
};

export function createRenameStore(): RenameStore {
  let current: string | null = null;
  const listeners = new Set<() => void>();
  return {
    get: () => current,
    set(id) {
      if (id === current) return;
      current = id;
      for (const l of listeners) l();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type CanvasContextValue = {
  renaming: RenameStore;
  commitRename(id: string, name: string): void;
  /** Translated strings the nodes need, so that nodes do not each subscribe to i18n. */
  labels: { kind: Record<NodeKind, string>; rename: string };
  /** Problem codes per element, from the last validation. */
  problems: ProblemStore;
  /** The translated messages of these problems on an element of this name, one a line. */
  problemsText(codes: readonly ProblemCode[], name: string): string;
};

export const CanvasContext = createContext<CanvasContextValue | null>(null);

export function useCanvasContext(): CanvasContextValue {
  const ctx = useContext(CanvasContext);
  if (!ctx) throw new Error("CanvasContext missing");
  return ctx;
}

export function useIsRenaming(id: string): boolean {
  const { renaming } = useCanvasContext();
  return useSyncExternalStore(renaming.subscribe, () => renaming.get() === id);
}

/** The problem codes of one element; re-renders the caller only when they change. */
export function useElementProblems(id: string): readonly ProblemCode[] {
  const { problems } = useCanvasContext();
  const subscribe = useCallback((listener: () => void) => problems.subscribe(id, listener), [problems, id]);
  return useSyncExternalStore(subscribe, () => problems.get(id));
}
