// Connections: sequence flows (solid, filled arrowhead, default slash, condition diamond),
// message flows (dashed, hollow circle at the start, hollow arrowhead), associations (dotted)
// and data associations (dotted, open arrowhead). Lines of one style are stroked as one path,
// and so are arrowheads, because a flow has thousands of edges and each stroke() has a cost.

import type { DrawContext } from "./drawContext";
import { polylineMidpoint } from "./geometry";
import type { Lod } from "./lod";
import { fontString, type TextLayout } from "./text";
import { EDGE_FONT, EDGE_LABEL_MAX_LINES, EDGE_LABEL_WIDTH, LINE_HEIGHT, THEME } from "./theme";
import type { CanvasEdge, Point, ProblemSeverity } from "./types";

export type EdgeGeometry = { edge: CanvasEdge; points: readonly Point[] };

export type EdgeStyle = { key: string; stroke: string; width: number; dash: number[]; round: boolean };

const NO_DASH: number[] = [];
const ARROW_LEN = 10;
const ARROW_HALF = 3.6;
const CONDITION_LEN = 14;
const CONDITION_HALF = 4.5;

export function edgeStyle(kind: CanvasEdge["kind"], problem?: ProblemSeverity): EdgeStyle {
  if (problem) {
    const stroke = problem === "error" ? THEME.error : THEME.warning;
    return { key: `p|${stroke}`, stroke, width: 2, dash: [6, 4], round: false };
  }
  switch (kind) {
    case "messageFlow":
      return { key: "m", stroke: THEME.edge, width: THEME.edgeWidth, dash: [6, 4], round: false };
    case "association":
    case "dataAssociation":
      return { key: "a", stroke: THEME.edge, width: 1.3, dash: [1, 3.5], round: true };
    default:
      return { key: "s", stroke: THEME.edge, width: THEME.edgeWidth, dash: NO_DASH, round: false };
  }
}

/** The unit direction from a to b (or along +x when they coincide). */
function direction(a: Point, b: Point): Point {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy);
  return len === 0 ? { x: 1, y: 0 } : { x: dx / len, y: dy / len };
}

/** The last segment's direction, skipping zero-length segments at the end. */
function endDirection(points: readonly Point[]): { tip: Point; dir: Point } {
  const tip = points[points.length - 1];
  for (let i = points.length - 2; i >= 0; i--) {
    if (points[i].x !== tip.x || points[i].y !== tip.y) return { tip, dir: direction(points[i], tip) };
  }
  return { tip, dir: { x: 1, y: 0 } };
}

function startDirection(points: readonly Point[]): { start: Point; dir: Point } {
  const start = points[0];
  for (let i = 1; i < points.length; i++) {
    if (points[i].x !== start.x || points[i].y !== start.y) return { start, dir: direction(start, points[i]) };
  }
  return { start, dir: { x: 1, y: 0 } };
}

function hasConditionMarker(edge: CanvasEdge): boolean {
  return edge.kind === "sequenceFlow" && edge.hasCondition === true && !edge.isDefault;
}

/**
 * Appends the edge's line to the current path: its polyline (starting after a condition
 * diamond, which is drawn on its own) and a data association's open arrowhead, which is a
 * stroke of the same style.
 */
export function traceEdgeLine(ctx: DrawContext, edge: CanvasEdge, points: readonly Point[], arrows: boolean): void {
  if (points.length < 2) return;
  const { start, dir } = startDirection(points);
  if (arrows && hasConditionMarker(edge)) ctx.moveTo(start.x + dir.x * CONDITION_LEN, start.y + dir.y * CONDITION_LEN);
  else ctx.moveTo(start.x, start.y);
  for (let i = 1; i < points.length; i++) ctx.lineTo(points[i].x, points[i].y);
  if (!arrows) return;
  if (edge.kind === "dataAssociation") {
    const { tip, dir: d } = endDirection(points);
    const bx = tip.x - d.x * 9;
    const by = tip.y - d.y * 9;
    ctx.moveTo(bx - d.y * 5, by + d.x * 5);
    ctx.lineTo(tip.x, tip.y);
    ctx.lineTo(bx + d.y * 5, by - d.x * 5);
  }
}

/** Appends a default flow's slash: a short stroke across the first segment near the source. */
export function traceDefaultSlash(ctx: DrawContext, points: readonly Point[]): void {
  if (points.length < 2) return;
  const { start, dir } = startDirection(points);
  const c = { x: start.x + dir.x * 10, y: start.y + dir.y * 10 };
  const nx = -dir.y;
  const ny = dir.x;
  ctx.moveTo(c.x - dir.x * 3 + nx * 5, c.y - dir.y * 3 + ny * 5);
  ctx.lineTo(c.x + dir.x * 3 - nx * 5, c.y + dir.y * 3 - ny * 5);
}

/** Appends a closed arrowhead (triangle) at the polyline's end. */
export function traceArrowHead(ctx: DrawContext, points: readonly Point[], len = ARROW_LEN, half = ARROW_HALF): void {
  if (points.length < 2) return;
  const { tip, dir } = endDirection(points);
  const bx = tip.x - dir.x * len;
  const by = tip.y - dir.y * len;
  ctx.moveTo(tip.x, tip.y);
  ctx.lineTo(bx - dir.y * half, by + dir.x * half);
  ctx.lineTo(bx + dir.y * half, by - dir.x * half);
  ctx.closePath();
}

function traceConditionDiamond(ctx: DrawContext, points: readonly Point[]): void {
  const { start, dir } = startDirection(points);
  const mid = { x: start.x + dir.x * (CONDITION_LEN / 2), y: start.y + dir.y * (CONDITION_LEN / 2) };
  ctx.moveTo(start.x, start.y);
  ctx.lineTo(mid.x - dir.y * CONDITION_HALF, mid.y + dir.x * CONDITION_HALF);
  ctx.lineTo(start.x + dir.x * CONDITION_LEN, start.y + dir.y * CONDITION_LEN);
  ctx.lineTo(mid.x + dir.y * CONDITION_HALF, mid.y - dir.x * CONDITION_HALF);
  ctx.closePath();
}

function traceMessageStart(ctx: DrawContext, points: readonly Point[]): void {
  const { start, dir } = startDirection(points);
  const r = 4;
  const cx = start.x + dir.x * r;
  const cy = start.y + dir.y * r;
  ctx.moveTo(cx + r, cy);
  ctx.arc(cx, cy, r, 0, Math.PI * 2);
  ctx.closePath();
}

function setStroke(ctx: DrawContext, s: EdgeStyle): void {
  ctx.strokeStyle = s.stroke;
  ctx.lineWidth = s.width;
  ctx.setLineDash(s.dash);
  ctx.lineCap = s.round ? "round" : "butt";
}

/**
 * Draws edges: one stroked path per line style, then all filled arrowheads, then the hollow
 * markers (message-flow circles and heads, condition diamonds), each as one path.
 */
export function drawEdges(
  ctx: DrawContext,
  edges: readonly EdgeGeometry[],
  problems: ReadonlyMap<string, ProblemSeverity> | undefined,
  lod: Lod,
): void {
  if (edges.length === 0) return;
  const batches = new Map<string, { style: EdgeStyle; edges: EdgeGeometry[] }>();
  for (const g of edges) {
    const s = edgeStyle(g.edge.kind, problems?.get(g.edge.id));
    const b = batches.get(s.key);
    if (b) b.edges.push(g);
    else batches.set(s.key, { style: s, edges: [g] });
  }
  ctx.lineJoin = "round";
  for (const { style: s, edges: list } of batches.values()) {
    ctx.beginPath();
    for (const g of list) traceEdgeLine(ctx, g.edge, g.points, lod.arrows);
    setStroke(ctx, s);
    ctx.lineWidth = Math.max(s.width, lod.minLineWidth);
    ctx.stroke();
  }
  ctx.setLineDash(NO_DASH);
  ctx.lineCap = "butt";
  ctx.lineJoin = "miter";
  if (!lod.arrows) return;
  // Filled arrowheads and default slashes (solid even on dashed problem edges), grouped by
  // colour (problem edges have theirs in the severity colour).
  const heads = new Map<string, EdgeGeometry[]>();
  const hollow: EdgeGeometry[] = [];
  for (const g of edges) {
    const kind = g.edge.kind;
    if (kind === "messageFlow" || hasConditionMarker(g.edge)) hollow.push(g);
    if (kind !== "sequenceFlow") continue;
    const color = edgeStyle(kind, problems?.get(g.edge.id)).stroke;
    const list = heads.get(color);
    if (list) list.push(g);
    else heads.set(color, [g]);
  }
  for (const [color, list] of heads) {
    ctx.beginPath();
    for (const g of list) traceArrowHead(ctx, g.points);
    ctx.fillStyle = color;
    ctx.fill();
    if (!list.some((g) => g.edge.isDefault)) continue;
    ctx.beginPath();
    for (const g of list) if (g.edge.isDefault) traceDefaultSlash(ctx, g.points);
    ctx.strokeStyle = color;
    ctx.lineWidth = THEME.edgeWidth;
    ctx.stroke();
  }
  if (hollow.length === 0) return;
  ctx.beginPath();
  for (const g of hollow) {
    if (g.edge.kind === "messageFlow") {
      traceMessageStart(ctx, g.points);
      traceArrowHead(ctx, g.points, 11, 4.5);
    } else {
      traceConditionDiamond(ctx, g.points);
    }
  }
  ctx.fillStyle = "#ffffff";
  ctx.fill();
  ctx.strokeStyle = THEME.edge;
  ctx.lineWidth = 1.3;
  ctx.stroke();
}

/** Where an edge's name goes: the middle of its polyline. */
export function edgeLabelAnchor(points: readonly Point[]): Point {
  return polylineMidpoint(points);
}

/** Draws edge names centred on the polyline's middle, on a background so the line does not cross them. */
export function drawEdgeLabels(ctx: DrawContext, edges: readonly EdgeGeometry[], text: TextLayout): void {
  const lh = EDGE_FONT.size * LINE_HEIGHT;
  let prepared = false;
  for (const g of edges) {
    if (!g.edge.name || g.points.length < 2) continue;
    const block = text.block(g.edge.name, EDGE_FONT, EDGE_LABEL_WIDTH, EDGE_LABEL_MAX_LINES);
    if (block.lines.length === 0) continue;
    if (!prepared) {
      ctx.font = fontString(EDGE_FONT);
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      prepared = true;
    }
    const c = edgeLabelAnchor(g.points);
    const h = block.lines.length * lh;
    ctx.beginPath();
    ctx.rect(c.x - block.width / 2 - 4, c.y - h / 2 - 2, block.width + 8, h + 4);
    ctx.fillStyle = THEME.edgeLabelBg;
    ctx.fill();
    ctx.fillStyle = THEME.textMuted;
    for (let i = 0; i < block.lines.length; i++) ctx.fillText(block.lines[i], c.x, c.y - h / 2 + lh / 2 + i * lh);
  }
}
