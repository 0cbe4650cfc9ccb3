// Canvas-wide callbacks and the "which node is being renamed" store. The store is external
// (useSyncExternalStore) so starting a rename re-renders only the node concerned.

import { createContext, useContext, useSyncExternalStore } from "react";
import type { NodeKind } from "../bindings";

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
