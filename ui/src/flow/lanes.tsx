// Lanes: full-width horizontal bands drawn behind the nodes (in xyflow's viewport layer, so
// they pan and zoom with the flow but are neither nodes, selectable nor draggable).

import { memo, useState } from "react";
import { ViewportPortal } from "@xyflow/react";
import { useTranslation } from "react-i18next";
import type { Lane } from "../model";
import { InlineInput } from "../components/InlineInput";
import type { Extent, FlowState } from "./flowState";

export type Rect = { x: number; y: number; width: number; height: number };

export const LANE_HEADER_WIDTH = 32;
const LANE_MARGIN_LEFT = 60;
const LANE_MARGIN_RIGHT = 320;
const LANE_MIN_WIDTH = 1600;

/** Horizontal span of the lanes: a little wider than everything drawn so far. */
export function laneSpan(extent: Extent): { x: number; width: number } {
  // The extent only grows, so lanes widen as elements go further out but never jump back.
  const x = extent.minX - LANE_MARGIN_LEFT - LANE_HEADER_WIDTH;
  const width = Math.max(extent.maxX + LANE_MARGIN_RIGHT - x, LANE_MIN_WIDTH);
  return { x, width };
}

/** The box around everything drawn: nodes and lanes (with their headers). Null when empty. */
export function contentBounds(state: Pick<FlowState, "nodeById" | "lanes" | "extent">): Rect | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const n of state.nodeById.values()) {
    if (n.x < minX) minX = n.x;
    if (n.y < minY) minY = n.y;
    if (n.x + n.w > maxX) maxX = n.x + n.w;
    // Leave room for labels drawn below events and gateways.
    if (n.y + n.h + 24 > maxY) maxY = n.y + n.h + 24;
  }
  if (state.lanes.length > 0) {
    const span = laneSpan(state.extent);
    minX = Math.min(minX, span.x);
    maxX = Math.max(maxX, state.nodeById.size > 0 ? state.extent.maxX + 40 : span.x + span.width);
    for (const l of state.lanes) {
      minY = Math.min(minY, l.y);
      maxY = Math.max(maxY, l.y + l.h);
    }
  }
  if (!Number.isFinite(minX) || !Number.isFinite(minY)) return null;
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

type Props = {
  lanes: Lane[];
  extent: Extent;
  onRename(id: string, name: string): void;
  onDelete(lane: Lane): void;
};

const LaneBand = memo(function LaneBand({
  lane,
  x,
  width,
  index,
  onRename,
  onDelete,
}: { lane: Lane; x: number; width: number; index: number } & Pick<Props, "onRename" | "onDelete">) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  return (
    <div
      className={`lane ${index % 2 ? "lane-odd" : "lane-even"}`}
      data-testid="lane"
      data-lane-id={lane.id}
      style={{ transform: `translate(${x}px, ${lane.y}px)`, width, height: lane.h }}
    >
      <div className="lane-header nodrag nopan" onDoubleClick={() => setEditing(true)} title={t("canvas.renameLane")}>
        {editing ? (
          <InlineInput
            testId="lane-rename-input"
            className="lane-rename-input"
            initial={lane.name}
            allowEmpty
            ariaLabel={t("canvas.renameLane")}
            onCommit={(name) => {
              setEditing(false);
              if (name !== lane.name) onRename(lane.id, name);
            }}
            onCancel={() => setEditing(false)}
          />
        ) : (
          <span className="lane-name" data-testid="lane-name">
            {lane.name}
          </span>
        )}
        <button
          type="button"
          className="lane-delete"
          data-testid="lane-delete"
          title={t("canvas.deleteLane")}
          aria-label={t("canvas.deleteLane")}
          onClick={() => onDelete(lane)}
        >
          ×
        </button>
      </div>
    </div>
  );
});

export const LanesLayer = memo(function LanesLayer({ lanes, extent, onRename, onDelete }: Props) {
  if (lanes.length === 0) return null;
  const { x, width } = laneSpan(extent);
  return (
    <ViewportPortal>
      <div className="lanes-layer">
        {lanes.map((lane, i) => (
          <LaneBand key={lane.id} lane={lane} x={x} width={width} index={i} onRename={onRename} onDelete={onDelete} />
        ))}
      </div>
    </ViewportPortal>
  );
});
