// BPMN shapes: node bodies, their markers (task-type icons, event definitions, gateway marks,
// sub-process markers), names, lanes and pools. Everything is in flow coordinates on a
// DrawContext, so the same code paints the canvas and writes the SVG export.
//
// A node is drawn in three parts so that a scene can batch the first: the body outline
// (traceBody, one fill and one stroke for all nodes of a style), the decorations inside it, and
// the name. drawNode does all three for one node.

import type { DrawContext } from "./drawContext";
import {
  hasOuterLabel,
  isActivity,
  isEvent,
  isExpandedSubProcess,
  isGateway,
  isSubProcess,
  isTask,
  isThrowing,
} from "./kinds";
import { dotGridStep, type Lod } from "./lod";
import { ELLIPSIS, fontString, type Font, type TextLayout } from "./text";
import {
  LANE_FONT,
  LINE_HEIGHT,
  NODE_FONT,
  OUTER_FONT,
  OUTER_LABEL_MAX_LINES,
  OUTER_LABEL_WIDTH,
  THEME,
} from "./theme";
import type { CanvasLane, CanvasNode, EventDefinition, ProblemSeverity, Rect } from "./types";

const TAU = Math.PI * 2;
const NO_DASH: number[] = [];

// --- path helpers ---

export function traceRoundRect(ctx: DrawContext, x: number, y: number, w: number, h: number, r: number): void {
  const rr = Math.max(0, Math.min(r, w / 2, h / 2));
  if (rr <= 0.01) {
    ctx.rect(x, y, w, h);
    return;
  }
  ctx.moveTo(x + rr, y);
  ctx.lineTo(x + w - rr, y);
  ctx.arc(x + w - rr, y + rr, rr, -Math.PI / 2, 0);
  ctx.lineTo(x + w, y + h - rr);
  ctx.arc(x + w - rr, y + h - rr, rr, 0, Math.PI / 2);
  ctx.lineTo(x + rr, y + h);
  ctx.arc(x + rr, y + h - rr, rr, Math.PI / 2, Math.PI);
  ctx.lineTo(x, y + rr);
  ctx.arc(x + rr, y + rr, rr, Math.PI, Math.PI * 1.5);
  ctx.closePath();
}

export function traceCircle(ctx: DrawContext, cx: number, cy: number, r: number): void {
  ctx.moveTo(cx + r, cy);
  ctx.arc(cx, cy, r, 0, TAU);
  ctx.closePath();
}

function tracePolygon(ctx: DrawContext, points: readonly (readonly [number, number])[], cx: number, cy: number, k: number): void {
  points.forEach(([px, py], i) => {
    if (i === 0) ctx.moveTo(cx + px * k, cy + py * k);
    else ctx.lineTo(cx + px * k, cy + py * k);
  });
  ctx.closePath();
}

/** Upper (or lower) half of an ellipse from its left to its right end, as two Bézier quarters. */
function traceHalfEllipse(ctx: DrawContext, cx: number, cy: number, rx: number, ry: number, upper: boolean, fromLeft: boolean): void {
  const k = 0.5523;
  const sy = upper ? -1 : 1;
  const sx = fromLeft ? 1 : -1;
  const x0 = cx - sx * rx;
  ctx.bezierCurveTo(x0, cy + sy * ry * k, cx - sx * rx * k, cy + sy * ry, cx, cy + sy * ry);
  ctx.bezierCurveTo(cx + sx * rx * k, cy + sy * ry, cx + sx * rx, cy + sy * ry * k, cx + sx * rx, cy);
}

function strokeWith(ctx: DrawContext, color: string, width: number, dash: number[] = NO_DASH): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.setLineDash(dash);
  ctx.stroke();
}

function fillWith(ctx: DrawContext, color: string): void {
  ctx.fillStyle = color;
  ctx.fill();
}

// --- bodies ---

export type BodyStyle = {
  /** Nodes with equal keys can share one path. */
  key: string;
  fill: string | null;
  stroke: string;
  width: number;
  dash: number[];
};

function style(fill: string | null, stroke: string, width: number, dash: number[] = NO_DASH): BodyStyle {
  return { key: `${fill}|${stroke}|${width}|${dash.join(",")}`, fill, stroke, width, dash };
}

/** Event ring radius for the thin (1.5) and the thick end-event (4) border, inside the node box. */
export function eventRadius(n: CanvasNode): number {
  const r = Math.min(n.w, n.h) / 2;
  return n.kind === "endEvent" ? r - 2.5 : r - 1.5;
}

const DASHED_EVENT = [4, 3];
const DOTTED = [1.5, 3];
const GROUP_DASH = [8, 4, 2, 4];
const PROBLEM_DASH = [5, 3];

export function bodyStyle(n: CanvasNode, problem?: ProblemSeverity): BodyStyle {
  const s = baseBodyStyle(n);
  if (!problem) return s;
  // Problems are shown like the xyflow canvas: the outline dashed in the severity's colour.
  return style(s.fill, problem === "error" ? THEME.error : THEME.warning, Math.max(s.width, 1.5), PROBLEM_DASH);
}

function baseBodyStyle(n: CanvasNode): BodyStyle {
  switch (n.kind) {
    case "startEvent":
      return style(THEME.startFill, THEME.startStroke, 1.5, n.interrupting === false ? DASHED_EVENT : NO_DASH);
    case "endEvent":
      return style(THEME.endFill, THEME.endStroke, 4);
    case "intermediateCatchEvent":
    case "intermediateThrowEvent":
    case "boundaryEvent":
      return style(THEME.intermediateFill, THEME.intermediateStroke, 1.5, n.interrupting === false ? DASHED_EVENT : NO_DASH);
    case "exclusiveGateway":
    case "parallelGateway":
    case "inclusiveGateway":
    case "eventBasedGateway":
    case "complexGateway":
      return style(THEME.gatewayFill, THEME.gatewayStroke, 1.5);
    case "callActivity":
      return style(THEME.taskFill, THEME.shapeStroke, 3.5);
    case "subProcess":
    case "transaction":
    case "adHocSubProcess":
      return style(
        isExpandedSubProcess(n) ? THEME.containerFill : THEME.taskFill,
        THEME.shapeStroke,
        1.5,
        n.triggeredByEvent ? DOTTED : NO_DASH,
      );
    case "dataObjectReference":
    case "dataStoreReference":
      return style(THEME.dataFill, THEME.shapeStroke, 1.3);
    case "textAnnotation":
      return style(null, THEME.shapeStroke, 1.3);
    case "group":
      return style(null, THEME.groupStroke, 1.5, GROUP_DASH);
    case "pool":
      return style(THEME.poolFill, THEME.poolStroke, 1.5);
    default:
      return style(THEME.taskFill, THEME.shapeStroke, 1.5);
  }
}

function activityRadius(n: CanvasNode): number {
  return Math.min(THEME.taskRadius, n.w / 4, n.h / 4);
}

/**
 * Appends the node's outline to the current path (no beginPath, fill or stroke), so callers
 * can batch many nodes of one style, or stroke it again as a selection outline.
 */
export function traceBody(ctx: DrawContext, n: CanvasNode, rounded = true): void {
  const { x, y, w, h } = n;
  if (isEvent(n.kind)) {
    traceCircle(ctx, x + w / 2, y + h / 2, Math.max(1, eventRadius(n)));
    return;
  }
  if (isGateway(n.kind)) {
    ctx.moveTo(x + w / 2, y);
    ctx.lineTo(x + w, y + h / 2);
    ctx.lineTo(x + w / 2, y + h);
    ctx.lineTo(x, y + h / 2);
    ctx.closePath();
    return;
  }
  switch (n.kind) {
    case "dataObjectReference": {
      const f = Math.min(w, h) * 0.28;
      ctx.moveTo(x, y);
      ctx.lineTo(x + w - f, y);
      ctx.lineTo(x + w, y + f);
      ctx.lineTo(x + w, y + h);
      ctx.lineTo(x, y + h);
      ctx.closePath();
      return;
    }
    case "dataStoreReference": {
      const ry = Math.min(h * 0.15, 8);
      ctx.moveTo(x, y + ry);
      traceHalfEllipse(ctx, x + w / 2, y + ry, w / 2, ry, true, true);
      ctx.lineTo(x + w, y + h - ry);
      traceHalfEllipse(ctx, x + w / 2, y + h - ry, w / 2, ry, false, false);
      ctx.closePath();
      return;
    }
    case "textAnnotation": {
      const arm = Math.min(10, w / 2);
      ctx.moveTo(x + arm, y);
      ctx.lineTo(x, y);
      ctx.lineTo(x, y + h);
      ctx.lineTo(x + arm, y + h);
      return;
    }
    case "pool":
      ctx.rect(x, y, w, h);
      return;
    case "group":
      if (rounded) traceRoundRect(ctx, x, y, w, h, 8);
      else ctx.rect(x, y, w, h);
      return;
    default:
      if (rounded) traceRoundRect(ctx, x, y, w, h, activityRadius(n));
      else ctx.rect(x, y, w, h);
  }
}

/** Fills and strokes a list of nodes' bodies, one path per style (the big saving at low zoom). */
export function drawBodies(
  ctx: DrawContext,
  nodes: readonly CanvasNode[],
  problems: ReadonlyMap<string, ProblemSeverity> | undefined,
  lod: Lod,
): void {
  const batches = new Map<string, { style: BodyStyle; nodes: CanvasNode[] }>();
  for (const n of nodes) {
    const s = bodyStyle(n, problems?.get(n.id));
    const b = batches.get(s.key);
    if (b) b.nodes.push(n);
    else batches.set(s.key, { style: s, nodes: [n] });
  }
  for (const { style: s, nodes: list } of batches.values()) {
    ctx.beginPath();
    for (const n of list) traceBody(ctx, n, lod.rounded);
    if (s.fill) fillWith(ctx, s.fill);
    strokeWith(ctx, s.stroke, Math.max(s.width, lod.minLineWidth), s.dash);
  }
  ctx.setLineDash(NO_DASH);
}

// --- decorations ---

/** Everything drawn inside a node's body: inner rings and borders, markers, icons. */
export function drawDecorations(ctx: DrawContext, n: CanvasNode): void {
  if (isEvent(n.kind)) drawEventDecorations(ctx, n);
  else if (isGateway(n.kind)) drawGatewayMark(ctx, n);
  else if (isActivity(n.kind)) drawActivityDecorations(ctx, n);
  else if (n.kind === "dataObjectReference") {
    const f = Math.min(n.w, n.h) * 0.28;
    ctx.beginPath();
    ctx.moveTo(n.x + n.w - f, n.y);
    ctx.lineTo(n.x + n.w - f, n.y + f);
    ctx.lineTo(n.x + n.w, n.y + f);
    strokeWith(ctx, THEME.shapeStroke, 1.1);
  } else if (n.kind === "dataStoreReference") {
    const ry = Math.min(n.h * 0.15, 8);
    ctx.beginPath();
    for (let i = 0; i < 3; i++) {
      const cy = n.y + ry + i * Math.min(4, n.h * 0.08);
      ctx.moveTo(n.x, cy);
      traceHalfEllipse(ctx, n.x + n.w / 2, cy, n.w / 2, ry, false, true);
    }
    strokeWith(ctx, THEME.shapeStroke, 1.1);
  }
}

function eventColors(n: CanvasNode): { stroke: string; fill: string } {
  if (n.kind === "startEvent") return { stroke: THEME.startStroke, fill: THEME.startFill };
  if (n.kind === "endEvent") return { stroke: THEME.endStroke, fill: THEME.endFill };
  return { stroke: THEME.intermediateStroke, fill: THEME.intermediateFill };
}

function drawEventDecorations(ctx: DrawContext, n: CanvasNode): void {
  const cx = n.x + n.w / 2;
  const cy = n.y + n.h / 2;
  const r = eventRadius(n);
  const colors = eventColors(n);
  if (n.kind === "intermediateCatchEvent" || n.kind === "intermediateThrowEvent" || n.kind === "boundaryEvent") {
    ctx.beginPath();
    traceCircle(ctx, cx, cy, Math.max(1, r - 3.5));
    strokeWith(ctx, colors.stroke, 1.5, n.interrupting === false ? DASHED_EVENT : NO_DASH);
    ctx.setLineDash(NO_DASH);
  }
  if (n.eventDefinition) drawEventMarker(ctx, n.eventDefinition, cx, cy, r * 0.55, isThrowing(n.kind), colors);
}

// Marker outlines in units of the marker size s (about half the event radius).
const ERROR_BOLT: readonly (readonly [number, number])[] = [
  [-0.6, 0.8], [-0.2, -0.28], [0.18, 0.3], [0.6, -0.8], [0.22, 0.45], [-0.16, -0.1],
];
const SIGNAL: readonly (readonly [number, number])[] = [[0, -0.8], [0.75, 0.55], [-0.75, 0.55]];
const ESCALATION: readonly (readonly [number, number])[] = [[0, -0.8], [0.55, 0.7], [0, 0.15], [-0.55, 0.7]];
const LINK_ARROW: readonly (readonly [number, number])[] = [
  [-0.7, -0.28], [0.1, -0.28], [0.1, -0.6], [0.75, 0], [0.1, 0.6], [0.1, 0.28], [-0.7, 0.28],
];
const COMPENSATE_A: readonly (readonly [number, number])[] = [[-0.85, 0], [0, -0.55], [0, 0.55]];
const COMPENSATE_B: readonly (readonly [number, number])[] = [[0, 0], [0.85, -0.55], [0.85, 0.55]];

/** An event definition's marker, filled for throwing events and hollow for catching ones. */
export function drawEventMarker(
  ctx: DrawContext,
  def: EventDefinition,
  cx: number,
  cy: number,
  s: number,
  filled: boolean,
  colors: { stroke: string; fill: string },
): void {
  const fill = filled ? colors.stroke : colors.fill;
  const finish = (f: string = fill) => {
    fillWith(ctx, f);
    strokeWith(ctx, colors.stroke, 1.2);
  };
  ctx.lineJoin = "round";
  ctx.beginPath();
  switch (def) {
    case "message": {
      const w = s * 1.6;
      const h = s * 1.1;
      ctx.rect(cx - w / 2, cy - h / 2, w, h);
      finish();
      ctx.beginPath();
      ctx.moveTo(cx - w / 2, cy - h / 2);
      ctx.lineTo(cx, cy + h * 0.08);
      ctx.lineTo(cx + w / 2, cy - h / 2);
      strokeWith(ctx, filled ? colors.fill : colors.stroke, 1.1);
      break;
    }
    case "timer": {
      const r = s * 1.05;
      traceCircle(ctx, cx, cy, r);
      finish("#ffffff");
      ctx.beginPath();
      for (let i = 0; i < 12; i++) {
        const a = (i * TAU) / 12;
        ctx.moveTo(cx + Math.cos(a) * r * 0.78, cy + Math.sin(a) * r * 0.78);
        ctx.lineTo(cx + Math.cos(a) * r * 0.95, cy + Math.sin(a) * r * 0.95);
      }
      ctx.moveTo(cx, cy);
      ctx.lineTo(cx, cy - r * 0.62);
      ctx.moveTo(cx, cy);
      ctx.lineTo(cx + r * 0.45, cy + r * 0.12);
      strokeWith(ctx, colors.stroke, 1);
      break;
    }
    case "error":
      tracePolygon(ctx, ERROR_BOLT, cx, cy, s);
      finish();
      break;
    case "signal":
      tracePolygon(ctx, SIGNAL, cx, cy, s);
      finish();
      break;
    case "escalation":
      tracePolygon(ctx, ESCALATION, cx, cy, s);
      finish();
      break;
    case "compensate":
      tracePolygon(ctx, COMPENSATE_A, cx - s * 0.05, cy, s);
      tracePolygon(ctx, COMPENSATE_B, cx - s * 0.05, cy, s);
      finish();
      break;
    case "conditional": {
      const w = s * 1.1;
      const h = s * 1.4;
      ctx.rect(cx - w / 2, cy - h / 2, w, h);
      finish("#ffffff");
      ctx.beginPath();
      for (let i = 1; i <= 4; i++) {
        const ly = cy - h / 2 + (h * i) / 5;
        ctx.moveTo(cx - w * 0.32, ly);
        ctx.lineTo(cx + w * 0.32, ly);
      }
      strokeWith(ctx, colors.stroke, 1);
      break;
    }
    case "link":
      tracePolygon(ctx, LINK_ARROW, cx, cy, s);
      finish();
      break;
    case "terminate":
      traceCircle(ctx, cx, cy, s * 0.95);
      finish(colors.stroke);
      break;
    case "cancel": {
      const a = s * 0.75;
      const t = s * 0.2;
      // An X as one outline: two crossing bars.
      for (const sign of [1, -1]) {
        ctx.save();
        ctx.translate(cx, cy);
        ctx.rotate((sign * Math.PI) / 4);
        ctx.rect(-a * 1.2, -t, a * 2.4, t * 2);
        ctx.restore();
      }
      finish();
      break;
    }
  }
  ctx.lineJoin = "miter";
}

function drawGatewayMark(ctx: DrawContext, n: CanvasNode): void {
  const cx = n.x + n.w / 2;
  const cy = n.y + n.h / 2;
  const d = Math.min(n.w, n.h) * 0.17;
  ctx.beginPath();
  ctx.lineCap = "round";
  switch (n.kind) {
    case "exclusiveGateway":
      ctx.moveTo(cx - d, cy - d);
      ctx.lineTo(cx + d, cy + d);
      ctx.moveTo(cx + d, cy - d);
      ctx.lineTo(cx - d, cy + d);
      strokeWith(ctx, THEME.gatewayMark, THEME.gatewayMarkWidth);
      break;
    case "parallelGateway":
      ctx.moveTo(cx, cy - d * 1.3);
      ctx.lineTo(cx, cy + d * 1.3);
      ctx.moveTo(cx - d * 1.3, cy);
      ctx.lineTo(cx + d * 1.3, cy);
      strokeWith(ctx, THEME.gatewayMark, THEME.gatewayMarkWidth);
      break;
    case "inclusiveGateway":
      traceCircle(ctx, cx, cy, d * 1.35);
      strokeWith(ctx, THEME.gatewayMark, THEME.gatewayMarkWidth * 0.9);
      break;
    case "eventBasedGateway": {
      traceCircle(ctx, cx, cy, d * 1.6);
      traceCircle(ctx, cx, cy, d * 1.3);
      strokeWith(ctx, THEME.gatewayMark, 1.1);
      ctx.beginPath();
      const pentagon: [number, number][] = [];
      for (let i = 0; i < 5; i++) {
        const a = -Math.PI / 2 + (i * TAU) / 5;
        pentagon.push([Math.cos(a), Math.sin(a)]);
      }
      tracePolygon(ctx, pentagon, cx, cy, d * 0.85);
      strokeWith(ctx, THEME.gatewayMark, 1.2);
      break;
    }
    case "complexGateway": {
      const k = d * 1.35;
      const q = k * Math.SQRT1_2;
      ctx.moveTo(cx, cy - k);
      ctx.lineTo(cx, cy + k);
      ctx.moveTo(cx - k, cy);
      ctx.lineTo(cx + k, cy);
      ctx.moveTo(cx - q, cy - q);
      ctx.lineTo(cx + q, cy + q);
      ctx.moveTo(cx + q, cy - q);
      ctx.lineTo(cx - q, cy + q);
      strokeWith(ctx, THEME.gatewayMark, THEME.gatewayMarkWidth * 0.85);
      break;
    }
    default:
      break;
  }
  ctx.lineCap = "butt";
}

/** Whether a task kind has a type icon in its top-left corner (pushes its name down a little). */
export function hasTaskIcon(n: CanvasNode): boolean {
  return isTask(n.kind) && n.kind !== "task";
}

function drawActivityDecorations(ctx: DrawContext, n: CanvasNode): void {
  const { x, y, w, h } = n;
  if (n.kind === "transaction") {
    ctx.beginPath();
    traceRoundRect(ctx, x + 3.5, y + 3.5, w - 7, h - 7, Math.max(0, activityRadius(n) - 3));
    strokeWith(ctx, THEME.shapeStroke, 1.2, n.triggeredByEvent ? DOTTED : NO_DASH);
    ctx.setLineDash(NO_DASH);
  }
  if (hasTaskIcon(n) && h >= 30 && w >= 40) {
    ctx.save();
    ctx.translate(x + 7, y + 6);
    drawTaskIcon(ctx, n.kind);
    ctx.restore();
  }
  // Bottom-centre markers: collapsed ("+") and ad-hoc ("~"), side by side when both apply.
  const collapsed = (isSubProcess(n.kind) || n.kind === "callActivity") && n.expanded === false;
  const adHoc = n.kind === "adHocSubProcess";
  if (!collapsed && !adHoc) return;
  const size = 12;
  const by = y + h - size - 3;
  const cx = x + w / 2;
  const plusX = adHoc ? cx - size - 1 : cx - size / 2;
  const tildeX = collapsed ? cx + 1 : cx - size / 2;
  if (collapsed) {
    ctx.beginPath();
    ctx.rect(plusX, by, size, size);
    fillWith(ctx, "#ffffff");
    strokeWith(ctx, THEME.shapeStroke, 1.1);
    ctx.beginPath();
    ctx.moveTo(plusX + size / 2, by + 3);
    ctx.lineTo(plusX + size / 2, by + size - 3);
    ctx.moveTo(plusX + 3, by + size / 2);
    ctx.lineTo(plusX + size - 3, by + size / 2);
    strokeWith(ctx, THEME.shapeStroke, 1.3);
  }
  if (adHoc) {
    const my = by + size / 2;
    ctx.beginPath();
    ctx.moveTo(tildeX + 1, my + 1.5);
    ctx.bezierCurveTo(tildeX + 3, my - 3.5, tildeX + 6, my - 1.5, tildeX + 6, my);
    ctx.bezierCurveTo(tildeX + 6, my + 1.5, tildeX + 9, my + 3.5, tildeX + 11, my - 1.5);
    ctx.lineCap = "round";
    strokeWith(ctx, THEME.shapeStroke, 1.5);
    ctx.lineCap = "butt";
  }
}

/** The task-type icon in a 16 × 14 box at the origin (the caller translates to the corner). */
export function drawTaskIcon(ctx: DrawContext, kind: CanvasNode["kind"]): void {
  const stroke = THEME.markerStroke;
  const light = THEME.markerFill;
  ctx.lineJoin = "round";
  switch (kind) {
    case "userTask":
      ctx.beginPath();
      traceCircle(ctx, 7, 4.5, 3.2);
      ctx.moveTo(1.5, 15);
      ctx.bezierCurveTo(1.5, 10.5, 4, 8.8, 7, 8.8);
      ctx.bezierCurveTo(10, 8.8, 12.5, 10.5, 12.5, 15);
      ctx.closePath();
      fillWith(ctx, light);
      strokeWith(ctx, stroke, THEME.markerWidth);
      break;
    case "serviceTask":
      ctx.save();
      ctx.translate(7, 7);
      ctx.beginPath();
      for (let i = 0; i < 8; i++) {
        ctx.save();
        ctx.rotate((i * Math.PI) / 4);
        ctx.rect(-1.6, -7.5, 3.2, 4);
        ctx.restore();
      }
      fillWith(ctx, light);
      strokeWith(ctx, stroke, THEME.markerWidth);
      ctx.beginPath();
      traceCircle(ctx, 0, 0, 5);
      fillWith(ctx, light);
      strokeWith(ctx, stroke, THEME.markerWidth);
      ctx.beginPath();
      traceCircle(ctx, 0, 0, 2);
      fillWith(ctx, "#ffffff");
      strokeWith(ctx, stroke, THEME.markerWidth);
      ctx.restore();
      break;
    case "manualTask":
      // A hand pointing right: palm, four fingers and a thumb.
      ctx.beginPath();
      traceRoundRect(ctx, 0.5, 5, 6.5, 8.5, 1.5);
      fillWith(ctx, light);
      strokeWith(ctx, stroke, THEME.markerWidth);
      ctx.beginPath();
      ctx.lineCap = "round";
      for (const [fy, len] of [[5.8, 8], [8.2, 8.8], [10.6, 7.8], [12.8, 6.2]] as const) {
        ctx.moveTo(7, fy);
        ctx.lineTo(7 + len, fy);
      }
      ctx.moveTo(3, 5);
      ctx.lineTo(6.5, 1.5);
      strokeWith(ctx, stroke, 1.6);
      ctx.lineCap = "butt";
      break;
    case "businessRuleTask":
      ctx.beginPath();
      ctx.rect(0.5, 1.5, 15, 11.5);
      fillWith(ctx, "#ffffff");
      ctx.beginPath();
      ctx.rect(0.5, 1.5, 15, 3.5);
      fillWith(ctx, "#b9c3cf");
      ctx.beginPath();
      ctx.rect(0.5, 1.5, 15, 11.5);
      ctx.moveTo(0.5, 5);
      ctx.lineTo(15.5, 5);
      ctx.moveTo(0.5, 9);
      ctx.lineTo(15.5, 9);
      ctx.moveTo(5, 5);
      ctx.lineTo(5, 13);
      strokeWith(ctx, stroke, 1);
      break;
    case "scriptTask":
      ctx.beginPath();
      ctx.moveTo(4, 0.5);
      ctx.lineTo(14.5, 0.5);
      ctx.bezierCurveTo(11.5, 3.5, 15.5, 9.5, 12, 13.5);
      ctx.lineTo(1.5, 13.5);
      ctx.bezierCurveTo(5, 10.5, 1, 4.5, 4, 0.5);
      ctx.closePath();
      fillWith(ctx, light);
      strokeWith(ctx, stroke, THEME.markerWidth);
      ctx.beginPath();
      ctx.moveTo(5, 4);
      ctx.lineTo(11.5, 4);
      ctx.moveTo(5.5, 7);
      ctx.lineTo(12, 7);
      ctx.moveTo(5.5, 10);
      ctx.lineTo(12, 10);
      strokeWith(ctx, stroke, 1);
      break;
    case "sendTask":
    case "receiveTask": {
      const filled = kind === "sendTask";
      ctx.beginPath();
      ctx.rect(0.5, 2, 15, 10.5);
      fillWith(ctx, filled ? stroke : "#ffffff");
      strokeWith(ctx, stroke, THEME.markerWidth);
      ctx.beginPath();
      ctx.moveTo(0.5, 2);
      ctx.lineTo(8, 8);
      ctx.lineTo(15.5, 2);
      strokeWith(ctx, filled ? "#ffffff" : stroke, 1.1);
      break;
    }
    default:
      break;
  }
  ctx.lineJoin = "miter";
}

// --- names ---

export type LabelKind = "inner" | "outer" | "top" | "annotation" | "none";

/** Where a node's name is drawn. */
export function labelKind(n: CanvasNode): LabelKind {
  if (n.kind === "pool") return "none";
  if (n.kind === "textAnnotation") return "annotation";
  if (hasOuterLabel(n.kind)) return "outer";
  if (n.kind === "group" || isExpandedSubProcess(n)) return "top";
  return "inner";
}

export function labelFont(kind: LabelKind): Font {
  return kind === "outer" ? OUTER_FONT : NODE_FONT;
}

function lineHeight(font: Font): number {
  return font.size * LINE_HEIGHT;
}

/**
 * Draws the node's name. The caller has set ctx.font to labelFont(labelKind(n)) and the fill
 * colour (so a whole layer of names shares one font change); drawNodeLabel does that itself.
 */
export function drawLabelPrepared(ctx: DrawContext, n: CanvasNode, text: TextLayout): void {
  const name = n.name;
  if (!name) return;
  const kind = labelKind(n);
  const font = labelFont(kind);
  const lh = lineHeight(font);
  switch (kind) {
    case "inner": {
      const padTop = hasTaskIcon(n) ? 14 : 6;
      const padBottom = (isSubProcess(n.kind) || n.kind === "callActivity") && n.expanded === false ? 16 : 6;
      const avail = n.h - padTop - padBottom;
      const maxLines = Math.max(1, Math.floor(avail / lh));
      const lines = text.wrap(name, font, Math.max(10, n.w - 16), maxLines);
      const top = n.y + padTop + Math.max(0, (avail - lines.length * lh) / 2) + lh / 2;
      ctx.textAlign = "center";
      for (let i = 0; i < lines.length; i++) ctx.fillText(lines[i], n.x + n.w / 2, top + i * lh);
      break;
    }
    case "outer": {
      const lines = text.wrap(name, font, OUTER_LABEL_WIDTH, OUTER_LABEL_MAX_LINES);
      const top = n.y + n.h + 4 + lh / 2;
      ctx.textAlign = "center";
      for (let i = 0; i < lines.length; i++) ctx.fillText(lines[i], n.x + n.w / 2, top + i * lh);
      break;
    }
    case "top": {
      const lines = text.wrap(name, font, Math.max(10, n.w - 20), 2);
      ctx.textAlign = "left";
      for (let i = 0; i < lines.length; i++) ctx.fillText(lines[i], n.x + 10, n.y + 8 + lh / 2 + i * lh);
      break;
    }
    case "annotation": {
      const maxLines = Math.max(1, Math.floor((n.h - 6) / lh));
      const lines = text.wrap(name, font, Math.max(10, n.w - 12), maxLines);
      const top = n.y + Math.max(3, (n.h - lines.length * lh) / 2) + lh / 2;
      ctx.textAlign = "left";
      for (let i = 0; i < lines.length; i++) ctx.fillText(lines[i], n.x + 7, top + i * lh);
      break;
    }
    case "none":
      break;
  }
}

export function prepareLabels(ctx: DrawContext, kind: LabelKind): void {
  ctx.font = fontString(labelFont(kind));
  ctx.fillStyle = kind === "outer" ? THEME.textMuted : THEME.text;
  ctx.textBaseline = "middle";
}

export function drawNodeLabel(ctx: DrawContext, n: CanvasNode, text: TextLayout): void {
  prepareLabels(ctx, labelKind(n));
  drawLabelPrepared(ctx, n, text);
}

/** Draws names of many nodes, changing the font once per label kind rather than once per node. */
export function drawLabels(ctx: DrawContext, nodes: readonly CanvasNode[], text: TextLayout): void {
  for (const kind of ["inner", "outer", "top", "annotation"] as const) {
    let prepared = false;
    for (const n of nodes) {
      if (!n.name || labelKind(n) !== kind) continue;
      if (!prepared) {
        prepareLabels(ctx, kind);
        prepared = true;
      }
      drawLabelPrepared(ctx, n, text);
    }
  }
}

/** One node completely: body, decorations (if `lod.markers`) and name (if `lod.labels`). */
export function drawNode(
  ctx: DrawContext,
  n: CanvasNode,
  problem: ProblemSeverity | undefined,
  lod: Lod,
  text: TextLayout,
): void {
  if (n.kind === "pool") {
    drawPool(ctx, n, problem, lod, text);
    return;
  }
  const s = bodyStyle(n, problem);
  ctx.beginPath();
  traceBody(ctx, n, lod.rounded);
  if (s.fill) fillWith(ctx, s.fill);
  strokeWith(ctx, s.stroke, s.width, s.dash);
  ctx.setLineDash(NO_DASH);
  if (lod.markers) drawDecorations(ctx, n);
  if (lod.labels) drawNodeLabel(ctx, n, text);
}

// --- lanes and pools ---

/**
 * A name written bottom-to-top along a band's header strip (rotated -90°), shortened with an
 * ellipsis to fit the band's height. Zoomed out, the font keeps a minimum screen size
 * (`lod.bandNameMin`); once it is taller than the strip is wide, the name sits on a plate of
 * the header's colour so that it reads over the band: a pool's grows outwards (to the left,
 * away from its lanes' headers), a lane's inwards (over its own band). Nothing is drawn only
 * when not even a couple of characters fit the band.
 */
export function drawHeaderName(
  ctx: DrawContext,
  name: string,
  x: number,
  y: number,
  h: number,
  lod: Lod,
  text: TextLayout,
  grow: "left" | "right",
): void {
  if (!name) return;
  const font = lod.bandNameMin > LANE_FONT.size ? { ...LANE_FONT, size: lod.bandNameMin } : LANE_FONT;
  // Up close a name keeps 14 units clear at each end; zoomed out, 0.6 of its (larger) size.
  const room = h - (font === LANE_FONT ? 28 : 1.2 * font.size);
  if (room < font.size * 1.5) return;
  const line = text.wrap(name, font, room, 1)[0];
  if (!line || line === ELLIPSIS) return;
  const strip = THEME.laneHeaderWidth;
  const plate = font.size + 4 > strip;
  const t = font.size * 1.35;
  const cx = !plate ? x + strip / 2 : grow === "left" ? x + strip - t / 2 : x + t / 2;
  ctx.save();
  ctx.translate(cx, y + h / 2);
  ctx.rotate(-Math.PI / 2);
  if (plate) {
    const w = text.measure(font, line) + font.size * 0.8;
    ctx.beginPath();
    ctx.rect(-w / 2, -t / 2, w, t);
    ctx.fillStyle = THEME.laneHeader;
    ctx.fill();
  }
  ctx.font = fontString(font);
  ctx.fillStyle = THEME.textMuted;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillText(line, 0, 0);
  ctx.restore();
}

/** A lane: a band (alternating fills by index) with a header strip on its left holding its name. */
export function drawLane(ctx: DrawContext, lane: CanvasLane, index: number, lod: Lod, text: TextLayout): void {
  const { x, y, w, h } = lane;
  const hw = Math.min(THEME.laneHeaderWidth, w);
  ctx.beginPath();
  ctx.rect(x, y, w, h);
  fillWith(ctx, index % 2 ? THEME.laneOdd : THEME.laneEven);
  ctx.beginPath();
  ctx.rect(x, y, hw, h);
  fillWith(ctx, THEME.laneHeader);
  ctx.beginPath();
  ctx.moveTo(x, y);
  ctx.lineTo(x + w, y);
  ctx.moveTo(x, y + h);
  ctx.lineTo(x + w, y + h);
  ctx.moveTo(x + hw, y);
  ctx.lineTo(x + hw, y + h);
  strokeWith(ctx, THEME.laneBorder, 1);
  drawHeaderName(ctx, lane.name, x, y, h, lod, text, "right");
}

/** A pool: a bordered band with a header strip holding its name. */
export function drawPool(
  ctx: DrawContext,
  pool: CanvasNode,
  problem: ProblemSeverity | undefined,
  lod: Lod,
  text: TextLayout,
): void {
  const { x, y, w, h } = pool;
  const hw = Math.min(THEME.laneHeaderWidth, w);
  const s = bodyStyle(pool, problem);
  ctx.beginPath();
  ctx.rect(x, y, w, h);
  if (s.fill) fillWith(ctx, s.fill);
  ctx.beginPath();
  ctx.rect(x, y, hw, h);
  fillWith(ctx, THEME.laneHeader);
  ctx.beginPath();
  ctx.rect(x, y, w, h);
  ctx.moveTo(x + hw, y);
  ctx.lineTo(x + hw, y + h);
  strokeWith(ctx, s.stroke, s.width, s.dash);
  ctx.setLineDash(NO_DASH);
  drawHeaderName(ctx, pool.name, x, y, h, lod, text, "left");
}

// --- background ---

/**
 * The background dot grid over `area`: dots every 20 flow units like the xyflow canvas, with
 * the step doubled whenever dots would come closer than 16 px on screen (a denser grid is
 * just grey noise and costs a rectangle per dot). Dots are small squares, one path.
 */
export function drawDotGrid(ctx: DrawContext, area: Rect, zoom: number): void {
  const step = dotGridStep(zoom, THEME.dotGap, 16);
  const side = Math.max(1, THEME.dotSize * zoom) / zoom;
  const half = side / 2;
  const x0 = Math.ceil(area.x / step) * step;
  const y0 = Math.ceil(area.y / step) * step;
  const x1 = area.x + area.w;
  const y1 = area.y + area.h;
  ctx.beginPath();
  for (let y = y0; y <= y1; y += step) {
    for (let x = x0; x <= x1; x += step) ctx.rect(x - half, y - half, side, side);
  }
  ctx.fillStyle = THEME.dot;
  ctx.fill();
}
