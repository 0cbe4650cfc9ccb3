// Where a sequence flow leaves and enters its nodes. Edges float: they attach to the side
// midpoint that faces the other node, so the model needs no handle ids.

import { Position } from "@xyflow/react";

export type Rect = { x: number; y: number; w: number; h: number };

export type EdgeEnds = {
  sx: number;
  sy: number;
  sourcePosition: Position;
  tx: number;
  ty: number;
  targetPosition: Position;
};

function sidePoint(r: Rect, side: Position): { x: number; y: number } {
  switch (side) {
    case Position.Left:
      return { x: r.x, y: r.y + r.h / 2 };
    case Position.Right:
      return { x: r.x + r.w, y: r.y + r.h / 2 };
    case Position.Top:
      return { x: r.x + r.w / 2, y: r.y };
    default:
      return { x: r.x + r.w / 2, y: r.y + r.h };
  }
}

export function edgeEnds(source: Rect, target: Rect): EdgeEnds {
  const dx = target.x + target.w / 2 - (source.x + source.w / 2);
  const dy = target.y + target.h / 2 - (source.y + source.h / 2);
  let sourcePosition: Position;
  let targetPosition: Position;
  // Prefer horizontal exits (flows read left to right) unless the target is clearly above or below.
  const horizontalGap = Math.abs(dx) - (source.w + target.w) / 2;
  const verticalGap = Math.abs(dy) - (source.h + target.h) / 2;
  if (horizontalGap >= 0 || horizontalGap >= verticalGap) {
    sourcePosition = dx >= 0 ? Position.Right : Position.Left;
    targetPosition = dx >= 0 ? Position.Left : Position.Right;
  } else {
    sourcePosition = dy >= 0 ? Position.Bottom : Position.Top;
    targetPosition = dy >= 0 ? Position.Top : Position.Bottom;
  }
  const s = sidePoint(source, sourcePosition);
  const t = sidePoint(target, targetPosition);
  return { sx: s.x, sy: s.y, sourcePosition, tx: t.x, ty: t.y, targetPosition };
}
