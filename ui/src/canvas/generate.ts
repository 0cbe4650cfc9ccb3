// A synthetic flow for benchmarks and tests: n nodes in a grid spread over 4 lanes, chained by
// sequence flows, with the mix of kinds and names (Chinese and English) a real process has.
// Deterministic: the same n always gives the same flow.

import { routeEdge } from "./geometry";
import type { CanvasEdge, CanvasLane, CanvasNode, EventDefinition, NodeKind } from "./types";

const LANES = 4;
const COLUMNS = 50;
const CELL_W = 200;
const CELL_H = 150;
const LANE_HEADER = 32;
const LEFT = LANE_HEADER + 60;

const TASK_KINDS: readonly NodeKind[] = [
  "userTask", "task", "serviceTask", "userTask", "manualTask", "businessRuleTask", "scriptTask", "sendTask", "receiveTask",
];
const NAMES = ["提交申请", "审核材料", "Check credit", "客户经理复核", "Send offer to customer", "归档", "风险评估与额度审批流程", "Notify"];
const LANE_NAMES = ["客户经理", "风控部", "Operations", "系统"];
const DEFINITIONS: readonly EventDefinition[] = ["message", "timer", "signal", "conditional"];

function sizeOf(kind: NodeKind): { w: number; h: number } {
  if (kind.endsWith("Event")) return { w: 36, h: 36 };
  if (kind.endsWith("Gateway")) return { w: 50, h: 50 };
  return { w: 120, h: 72 };
}

function kindFor(i: number, n: number): NodeKind {
  if (i === 0) return "startEvent";
  if (i === n - 1) return "endEvent";
  if (i % 7 === 3) return i % 14 === 3 ? "exclusiveGateway" : "parallelGateway";
  if (i % 11 === 5) return "intermediateCatchEvent";
  return TASK_KINDS[i % TASK_KINDS.length];
}

/**
 * `n` nodes (n ≥ 1) laid out in rows of 50 inside 4 lanes, in serpentine order so that
 * consecutive nodes are neighbours; sequence flow i → i+1 with routed waypoints (as BPMN DI
 * would have them), plus a default branch leaving every exclusive gateway and now and then a
 * conditional flow leaving a task (both routed by the renderer: no waypoints).
 */
export function generateFlow(n: number): { nodes: CanvasNode[]; edges: CanvasEdge[]; lanes: CanvasLane[] } {
  const count = Math.max(1, Math.floor(n));
  const perLane = Math.ceil(count / LANES);
  const rowsPerLane = Math.max(1, Math.ceil(perLane / COLUMNS));
  const laneH = rowsPerLane * CELL_H + 40;
  const laneW = LEFT + Math.min(COLUMNS, perLane) * CELL_W + 100;
  const lanes: CanvasLane[] = [];
  for (let l = 0; l < LANES; l++) {
    lanes.push({ id: `lane_${l}`, name: LANE_NAMES[l], x: 0, y: l * laneH, w: laneW, h: laneH });
  }
  const nodes: CanvasNode[] = [];
  for (let i = 0; i < count; i++) {
    const lane = Math.floor(i / perLane);
    const k = i % perLane;
    const row = Math.floor(k / COLUMNS);
    const colInRow = k % COLUMNS;
    // Serpentine: odd rows run right to left, so the chain never jumps across the lane.
    const col = (row + lane * rowsPerLane) % 2 === 0 ? colInRow : COLUMNS - 1 - colInRow;
    const kind = kindFor(i, count);
    const { w, h } = sizeOf(kind);
    const cx = LEFT + col * CELL_W + 60;
    const cy = lane * laneH + 20 + row * CELL_H + 36;
    const node: CanvasNode = { id: `n${i}`, kind, name: `${NAMES[i % NAMES.length]} ${i}`, x: cx - w / 2, y: cy - h / 2, w, h };
    if (kind === "intermediateCatchEvent") node.eventDefinition = DEFINITIONS[i % DEFINITIONS.length];
    nodes.push(node);
  }
  const edges: CanvasEdge[] = [];
  for (let i = 0; i + 1 < count; i++) {
    const s = nodes[i];
    const t = nodes[i + 1];
    edges.push({ id: `e${i}`, kind: "sequenceFlow", source: s.id, target: t.id, name: i % 9 === 0 ? "通过" : "", waypoints: routeEdge(s, t) });
    if (i + 2 >= count) continue;
    const t2 = nodes[i + 2];
    if (s.kind === "exclusiveGateway") {
      edges.push({ id: `e${i}_d`, kind: "sequenceFlow", source: s.id, target: t2.id, name: "否", waypoints: [], isDefault: true });
    } else if (i % 13 === 6 && s.kind.endsWith("Task")) {
      // A conditional flow leaving an activity (the diamond marker), skipping one node.
      edges.push({ id: `e${i}_c`, kind: "sequenceFlow", source: s.id, target: t2.id, name: "", waypoints: [], hasCondition: true });
    }
  }
  return { nodes, edges, lanes };
}
