// The prototype player (assets/player/player.js), shared with the core's HTML export: a
// classic script that sets `globalThis.TriloopPlayer`; imported here for its effect.
import "../../../assets/player/player.js";
import type { PlayerBundle_Serialize as PlayerBundle, WalkStep_Serialize as WalkStep } from "../bindings";

export interface PlayerOptions {
  lang?: string;
  standalone?: boolean;
  start?: string;
  onStep?: (step: WalkStep) => void;
  onScreen?: (screenId: string) => void;
}

export interface PlayerHandle {
  stop(): void;
  walk(): WalkStep[];
  screen(): string | null;
  rows(document: string, entity: string): { id: string; values: Record<string, unknown> }[];
  go(screenId: string): void;
  /** The sample tables, as "document/entity" keys. */
  tables(): string[];
  /** Sets one value of a sample row and redraws the screen; false when the row is gone. */
  setValue(document: string, entity: string, rowId: string, key: string, value: unknown): boolean;
}

interface PlayerApi {
  mount(element: HTMLElement, bundle: PlayerBundle, options?: PlayerOptions): PlayerHandle;
}

export function mountPlayer(element: HTMLElement, bundle: PlayerBundle, options?: PlayerOptions): PlayerHandle {
  const api = (globalThis as unknown as { TriloopPlayer?: PlayerApi }).TriloopPlayer;
  if (!api) throw new Error("the prototype player did not load");
  return api.mount(element, bundle, options);
}
