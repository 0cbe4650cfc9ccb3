// Other people's cursors and selections over the flow canvas, in each person's color.
// Re-renders itself on pan and zoom (not the editor), and only while someone is here.

import { useEffect, useReducer, type RefObject } from "react";
import type { FlowCanvasHandle } from "../canvas";
import type { PresencePeer } from "./useWorkspaceSync";

export type ViewportListeners = Set<() => void>;

type Props = {
  peers: PresencePeer[];
  view: RefObject<FlowCanvasHandle | null>;
  container: RefObject<HTMLDivElement | null>;
  viewportListeners: ViewportListeners;
};

export function PresenceLayer({ peers, view, container, viewportListeners }: Props) {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const active = peers.length > 0;
  useEffect(() => {
    if (!active) return;
    const listener = () => rerender();
    viewportListeners.add(listener);
    return () => {
      viewportListeners.delete(listener);
    };
  }, [active, viewportListeners]);
  const v = view.current;
  const box = container.current?.getBoundingClientRect();
  if (!active || !v || !box) return null;
  return (
    <div className="presence-layer" data-testid="presence-layer" aria-hidden="true">
      {peers.map((p) => {
        const outlines = p.selection
          .map((id) => ({ id, r: v.nodeRectOnScreen(id) }))
          .filter((o): o is { id: string; r: DOMRect } => o.r !== null);
        const cursor = p.cursor ? v.flowToClient(p.cursor.x, p.cursor.y) : null;
        return (
          <div key={p.peerId} data-testid="remote-person" data-name={p.name}>
            {outlines.map(({ id, r }) => (
              <div
                key={id}
                className="remote-selection"
                data-testid="remote-selection"
                data-element={id}
                style={{
                  left: r.left - box.left - 4,
                  top: r.top - box.top - 4,
                  width: r.width + 8,
                  height: r.height + 8,
                  borderColor: p.color,
                }}
              />
            ))}
            {cursor && (
              <div className="remote-cursor" data-testid="remote-cursor" style={{ left: cursor.x - box.left, top: cursor.y - box.top }}>
                <svg width="16" height="20" viewBox="0 0 16 20">
                  <path d="M1 1l13 9-6 1-3 7z" fill={p.color} stroke="white" strokeWidth="1.2" />
                </svg>
                <span className="remote-name" style={{ background: p.color }}>
                  {p.name}
                </span>
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
}
