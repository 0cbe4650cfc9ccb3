// The sequence flow edge: orthogonal, floating between the facing sides of its two nodes.
// Double-click (or F2 when selected) renames it in place.

import { memo } from "react";
import {
  BaseEdge,
  EdgeLabelRenderer,
  getSmoothStepPath,
  useInternalNode,
  type EdgeProps,
  type EdgeTypes,
  type InternalNode,
} from "@xyflow/react";
import { InlineInput } from "../components/InlineInput";
import { useCanvasContext, useElementProblems, useIsRenaming } from "./canvasContext";
import { edgeEnds, type Rect } from "./geometry";
import type { SequenceEdge } from "./flowState";
import { worstSeverity } from "./problems";

function rectOf(n: InternalNode): Rect {
  return {
    x: n.internals.positionAbsolute.x,
    y: n.internals.positionAbsolute.y,
    w: n.measured?.width || n.width || 0,
    h: n.measured?.height || n.height || 0,
  };
}

export const SequenceEdgeView = memo(function SequenceEdgeView({
  id,
  source,
  target,
  markerEnd,
  data,
  interactionWidth,
}: EdgeProps<SequenceEdge>) {
  const s = useInternalNode(source);
  const t = useInternalNode(target);
  const renaming = useIsRenaming(id);
  const ctx = useCanvasContext();
  const problems = useElementProblems(id);
  if (!s || !t) return null;
  const ends = edgeEnds(rectOf(s), rectOf(t));
  const [path, labelX, labelY] = getSmoothStepPath({
    sourceX: ends.sx,
    sourceY: ends.sy,
    sourcePosition: ends.sourcePosition,
    targetX: ends.tx,
    targetY: ends.ty,
    targetPosition: ends.targetPosition,
    borderRadius: 6,
    offset: 18,
  });
  const name = data?.name ?? "";
  const severity = problems.length > 0 ? worstSeverity(problems) : null;
  const sName = (s.data as { name?: string }).name?.trim();
  const tName = (t.data as { name?: string }).name?.trim();
  const problemsTitle = severity
    ? ctx.problemsText(problems, name.trim() || (sName && tName ? `${sName} → ${tName}` : id))
    : "";
  return (
    <>
      {severity && <title>{problemsTitle}</title>}
      <BaseEdge
        id={id}
        path={path}
        markerEnd={markerEnd}
        interactionWidth={interactionWidth ?? 16}
        className={severity ? `sequence-flow has-problem problem-${severity}` : "sequence-flow"}
        label={name && !renaming ? name : undefined}
        labelX={labelX}
        labelY={labelY}
        labelShowBg
        labelBgPadding={[4, 2]}
        labelBgBorderRadius={3}
      />
      {renaming && (
        <EdgeLabelRenderer>
          <div
            className="edge-rename nodrag nopan"
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          >
            <InlineInput
              testId="edge-rename-input"
              initial={name}
              allowEmpty
              ariaLabel={ctx.labels.rename}
              onCommit={(value) => ctx.commitRename(id, value)}
              onCancel={() => ctx.renaming.set(null)}
            />
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});

export const edgeTypes: EdgeTypes = { sequence: SequenceEdgeView };
