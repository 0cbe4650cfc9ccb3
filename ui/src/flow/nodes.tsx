// BPMN node components for xyflow. One component serves all kinds; it draws the shape,
// the name (inside tasks, below events and gateways) and four connection handles.

import { memo } from "react";
import { Handle, Position, type NodeProps, type NodeTypes } from "@xyflow/react";
import { InlineInput } from "../components/InlineInput";
import { useCanvasContext, useElementProblems, useIsRenaming } from "./canvasContext";
import type { BpmnNode } from "./flowState";
import { NODE_KINDS, NODE_SIZE, hasOuterLabel } from "./kinds";
import { worstSeverity } from "./problems";
import { BpmnShape } from "./shapes";

const HANDLE_POSITIONS = [Position.Top, Position.Right, Position.Bottom, Position.Left] as const;

export const BpmnNodeView = memo(function BpmnNodeView({ id, data, selected, width, height }: NodeProps<BpmnNode>) {
  const { kind, name } = data;
  const w = width ?? NODE_SIZE[kind].w;
  const h = height ?? NODE_SIZE[kind].h;
  const renaming = useIsRenaming(id);
  const ctx = useCanvasContext();
  const outer = hasOuterLabel(kind);
  const problems = useElementProblems(id);
  const severity = problems.length > 0 ? worstSeverity(problems) : null;

  const label = renaming ? (
    <InlineInput
      testId="node-rename-input"
      className="node-rename-input"
      initial={name}
      allowEmpty
      ariaLabel={ctx.labels.rename}
      onCommit={(value) => ctx.commitRename(id, value)}
      onCancel={() => ctx.renaming.set(null)}
    />
  ) : (
    <div data-testid="node-label" className="node-label">
      {name}
    </div>
  );

  return (
    <div
      className={`bpmn-node bpmn-${kind}${selected ? " is-selected" : ""}${severity ? ` has-problem problem-${severity}` : ""}`}
      style={{ width: w, height: h }}
      title={name ? `${ctx.labels.kind[kind]}: ${name}` : ctx.labels.kind[kind]}
      data-kind={kind}
    >
      <BpmnShape kind={kind} w={w} h={h} />
      <div className={outer ? "bpmn-label-outer" : "bpmn-label-inner"}>{label}</div>
      {severity && (
        <span
          className={`node-problem-badge severity-${severity}`}
          data-testid="node-problem-badge"
          data-count={problems.length}
          data-codes={problems.join(" ")}
          title={ctx.problemsText(problems, name.trim() || id)}
          role="img"
          aria-label={ctx.problemsText(problems, name.trim() || id)}
        >
          {problems.length > 1 ? problems.length : "!"}
        </span>
      )}
      {HANDLE_POSITIONS.map((p) => (
        <Handle key={p} id={p} type="source" position={p} className="bpmn-handle" />
      ))}
    </div>
  );
});

export const nodeTypes: NodeTypes = Object.fromEntries(NODE_KINDS.map((k) => [k, BpmnNodeView]));
