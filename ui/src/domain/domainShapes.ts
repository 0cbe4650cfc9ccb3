// The domain model's shape set for the one canvas engine (ui/src/canvas/shapes.ts): the context
// map (subdomains as areas, bounded contexts as large cards, relationships with their pattern
// and upstream/downstream badges) and a context's canvas (aggregates as frames holding entity
// and value-object cards with their attributes, class-diagram style, and the event-storming
// stickies in the colours people know: command blue, event orange, policy lilac, read model
// green, aggregate yellow, external system pink).
//
// Node kinds are "domain:<kind>"; the editor (DomainEditor) maps the model onto them, with the
// translated caption (a stereotype) and the rows (attributes, values) already written out.

import type { DrawContext } from "../canvas/drawContext";
import { traceRoundRect } from "../canvas/draw";
import { drawEdgeLabels, traceArrowHead, type EdgeGeometry } from "../canvas/edges";
import { expandRect, rectOf } from "../canvas/geometry";
import type { Lod } from "../canvas/lod";
import { LAYER_CONTAINER, LAYER_GROUP, LAYER_NODE, SHAPE_MARGIN, type ShapeSet } from "../canvas/shapes";
import { fontString, type Font, type TextLayout } from "../canvas/text";
import { BADGE_FONT, FONT_FAMILY, LINE_HEIGHT, THEME } from "../canvas/theme";
import type { CanvasEdge, CanvasNode, Point, ProblemSeverity } from "../canvas/types";

/** How one node kind looks. */
type Look = {
  /** Body fill and outline. */
  fill: string;
  stroke: string;
  /** The header band's fill (cards and frames), or null for one colour throughout (stickies). */
  header: string | null;
  radius: number;
  dash: number[];
  form: "card" | "sticky" | "frame" | "area" | "context";
};

const SOLID: number[] = [];

const LOOKS: Record<string, Look> = {
  // Context map.
  "domain:subdomain.core": { fill: "rgba(255, 237, 213, 0.35)", stroke: "#c2410c", header: null, radius: 18, dash: [8, 5], form: "area" },
  "domain:subdomain.supporting": { fill: "rgba(219, 234, 254, 0.35)", stroke: "#1d4ed8", header: null, radius: 18, dash: [8, 5], form: "area" },
  "domain:subdomain.generic": { fill: "rgba(229, 231, 235, 0.4)", stroke: "#4b5563", header: null, radius: 18, dash: [8, 5], form: "area" },
  "domain:context": { fill: "#ffffff", stroke: "#3d4a5c", header: null, radius: 16, dash: SOLID, form: "context" },
  "domain:context.core": { fill: "#fff7ed", stroke: "#c2410c", header: null, radius: 16, dash: SOLID, form: "context" },
  "domain:context.supporting": { fill: "#eff6ff", stroke: "#1d4ed8", header: null, radius: 16, dash: SOLID, form: "context" },
  "domain:context.generic": { fill: "#f3f4f6", stroke: "#4b5563", header: null, radius: 16, dash: SOLID, form: "context" },
  // A context's canvas.
  "domain:aggregate": { fill: "rgba(255, 243, 176, 0.28)", stroke: "#b38b00", header: "#ffe07a", radius: 10, dash: SOLID, form: "frame" },
  "domain:entity": { fill: "#ffffff", stroke: "#3d4a5c", header: "#fff3b0", radius: 6, dash: SOLID, form: "card" },
  "domain:root": { fill: "#ffffff", stroke: "#8a6400", header: "#ffd84d", radius: 6, dash: SOLID, form: "card" },
  "domain:valueObject": { fill: "#ffffff", stroke: "#3d6b5c", header: "#d9f2e6", radius: 6, dash: SOLID, form: "card" },
  "domain:enumeration": { fill: "#ffffff", stroke: "#5b5b8a", header: "#e6e6f7", radius: 6, dash: SOLID, form: "card" },
  "domain:command": { fill: "#9cc3f5", stroke: "#2d6bc4", header: null, radius: 3, dash: SOLID, form: "sticky" },
  "domain:domainEvent": { fill: "#ffb366", stroke: "#c4620d", header: null, radius: 3, dash: SOLID, form: "sticky" },
  "domain:policy": { fill: "#d9c2f2", stroke: "#7c4dbf", header: null, radius: 3, dash: SOLID, form: "sticky" },
  "domain:readModel": { fill: "#b8e2a8", stroke: "#3f8a2e", header: null, radius: 3, dash: SOLID, form: "sticky" },
  "domain:externalSystem": { fill: "#f7b8d4", stroke: "#bf3f7a", header: null, radius: 3, dash: SOLID, form: "sticky" },
  "domain:domainService": { fill: "#dfe5ec", stroke: "#5b6b7e", header: null, radius: 3, dash: SOLID, form: "sticky" },
  "domain:actor": { fill: "#fff6a8", stroke: "#a38f00", header: null, radius: 3, dash: SOLID, form: "sticky" },
};

const FALLBACK: Look = { fill: "#ffffff", stroke: "#3d4a5c", header: null, radius: 4, dash: SOLID, form: "sticky" };

function lookOf(n: CanvasNode): Look {
  return LOOKS[n.kind] ?? FALLBACK;
}

export const CAPTION_FONT: Font = { size: 10.5, family: FONT_FAMILY };
export const NAME_FONT: Font = { size: 13, weight: 600, family: FONT_FAMILY };
export const CONTEXT_NAME_FONT: Font = { size: 16, weight: 700, family: FONT_FAMILY };
export const ROW_FONT: Font = { size: 12, family: FONT_FAMILY };
const ROW_HEIGHT = 18;
/** A card's header: caption and name. */
const CARD_HEADER = 40;
/** A frame's header strip (aggregates). */
const FRAME_HEADER = 40;

/** The height a card needs for its rows (attributes, values): header, rows, padding. */
export function cardHeight(rows: number): number {
  return CARD_HEADER + Math.max(1, rows) * ROW_HEIGHT + 10;
}

function bodyPath(ctx: DrawContext, n: CanvasNode, look: Look, rounded: boolean): void {
  if (rounded) traceRoundRect(ctx, n.x, n.y, n.w, n.h, Math.min(look.radius, n.w / 2, n.h / 2));
  else ctx.rect(n.x, n.y, n.w, n.h);
}

function strokeProblem(ctx: DrawContext, problem: ProblemSeverity | undefined, look: Look, lod: Lod): void {
  ctx.strokeStyle = problem ? (problem === "error" ? THEME.error : THEME.warning) : look.stroke;
  ctx.lineWidth = Math.max(problem ? 2 : look.form === "context" ? 1.8 : 1.4, lod.minLineWidth);
  ctx.setLineDash(problem ? [5, 3] : look.dash);
  ctx.stroke();
  ctx.setLineDash(SOLID);
}

/** The header band of a card or frame (top corners rounded). */
function headerPath(ctx: DrawContext, n: CanvasNode, look: Look, height: number, rounded: boolean): void {
  const h = Math.min(height, n.h);
  const r = rounded ? Math.min(look.radius, n.w / 2, h) : 0;
  ctx.moveTo(n.x, n.y + h);
  ctx.lineTo(n.x, n.y + r);
  if (r > 0) ctx.arc(n.x + r, n.y + r, r, Math.PI, 1.5 * Math.PI);
  ctx.lineTo(n.x + n.w - r, n.y);
  if (r > 0) ctx.arc(n.x + n.w - r, n.y + r, r, 1.5 * Math.PI, 2 * Math.PI);
  ctx.lineTo(n.x + n.w, n.y + h);
  ctx.closePath();
}

function drawBody(ctx: DrawContext, n: CanvasNode, problem: ProblemSeverity | undefined, lod: Lod): void {
  const look = lookOf(n);
  ctx.beginPath();
  bodyPath(ctx, n, look, lod.rounded);
  ctx.fillStyle = look.fill;
  ctx.fill();
  if (look.header && (look.form === "card" || look.form === "frame")) {
    ctx.beginPath();
    headerPath(ctx, n, look, look.form === "card" ? CARD_HEADER : FRAME_HEADER, lod.rounded);
    ctx.fillStyle = look.header;
    ctx.fill();
    ctx.beginPath();
    const y = n.y + Math.min(look.form === "card" ? CARD_HEADER : FRAME_HEADER, n.h);
    ctx.moveTo(n.x, y);
    ctx.lineTo(n.x + n.w, y);
    ctx.strokeStyle = look.stroke;
    ctx.lineWidth = Math.max(1, lod.minLineWidth);
    ctx.stroke();
  }
  ctx.beginPath();
  bodyPath(ctx, n, look, lod.rounded);
  strokeProblem(ctx, problem, look, lod);
}

function centredLines(ctx: DrawContext, lines: readonly string[], cx: number, top: number, lh: number): void {
  ctx.textAlign = "center";
  for (let i = 0; i < lines.length; i++) ctx.fillText(lines[i], cx, top + lh / 2 + i * lh);
}

/** Caption, name and rows of one node (fonts set here: names are few next to BPMN's thousands). */
function drawText(ctx: DrawContext, n: CanvasNode, text: TextLayout): void {
  const look = lookOf(n);
  ctx.textBaseline = "middle";
  const caption = n.caption ?? "";
  const pad = 10;
  const width = Math.max(10, n.w - 2 * pad);
  switch (look.form) {
    case "area": {
      ctx.font = fontString(NAME_FONT);
      ctx.fillStyle = look.stroke;
      ctx.textAlign = "left";
      const name = text.wrap(n.name, NAME_FONT, width * 0.7, 1);
      if (name.length) ctx.fillText(name[0], n.x + pad + 4, n.y + 14);
      if (caption) {
        ctx.font = fontString(CAPTION_FONT);
        ctx.textAlign = "right";
        const c = text.wrap(caption, CAPTION_FONT, width * 0.3, 1);
        if (c.length) ctx.fillText(c[0], n.x + n.w - pad - 4, n.y + 14);
      }
      return;
    }
    case "context": {
      let y = n.y + 12;
      if (caption) {
        ctx.font = fontString(CAPTION_FONT);
        ctx.fillStyle = THEME.textMuted;
        centredLines(ctx, text.wrap(caption, CAPTION_FONT, width, 1), n.x + n.w / 2, y, 14);
        y += 16;
      }
      ctx.font = fontString(CONTEXT_NAME_FONT);
      ctx.fillStyle = THEME.text;
      const lh = CONTEXT_NAME_FONT.size * LINE_HEIGHT;
      const name = text.wrap(n.name, CONTEXT_NAME_FONT, width, 2);
      centredLines(ctx, name, n.x + n.w / 2, y, lh);
      y += name.length * lh + 4;
      ctx.font = fontString(ROW_FONT);
      ctx.fillStyle = THEME.textMuted;
      for (const row of n.rows ?? []) {
        const room = Math.floor((n.y + n.h - 6 - y) / ROW_HEIGHT);
        if (room <= 0) break;
        const lines = text.wrap(row.text, ROW_FONT, width, Math.min(room, row.muted ? 2 : 1));
        centredLines(ctx, lines, n.x + n.w / 2, y, ROW_HEIGHT);
        y += lines.length * ROW_HEIGHT;
      }
      return;
    }
    case "card":
    case "frame": {
      const header = Math.min(look.form === "card" ? CARD_HEADER : FRAME_HEADER, n.h);
      if (caption && header >= 30) {
        ctx.font = fontString(CAPTION_FONT);
        ctx.fillStyle = THEME.textMuted;
        centredLines(ctx, text.wrap(caption, CAPTION_FONT, width, 1), n.x + n.w / 2, n.y + 3, 13);
      }
      ctx.font = fontString(NAME_FONT);
      ctx.fillStyle = THEME.text;
      const name = text.wrap(n.name, NAME_FONT, width, 1);
      centredLines(ctx, name, n.x + n.w / 2, n.y + (caption && header >= 30 ? 18 : (header - 18) / 2), 18);
      if (look.form === "frame") return;
      let y = n.y + header + 5;
      ctx.textAlign = "left";
      for (const row of n.rows ?? []) {
        if (y + ROW_HEIGHT > n.y + n.h + 1) break;
        const f: Font = row.strong ? { ...ROW_FONT, weight: 600 } : ROW_FONT;
        ctx.font = fontString(f);
        ctx.fillStyle = row.muted ? THEME.textMuted : THEME.text;
        const line = text.wrap(row.text, f, width, 1);
        if (line.length) ctx.fillText(line[0], n.x + pad, y + ROW_HEIGHT / 2);
        y += ROW_HEIGHT;
      }
      return;
    }
    case "sticky": {
      let y = n.y + 6;
      if (caption && n.h >= 44) {
        ctx.font = fontString(CAPTION_FONT);
        ctx.fillStyle = "rgba(20, 28, 38, 0.7)";
        centredLines(ctx, text.wrap(caption, CAPTION_FONT, width, 1), n.x + n.w / 2, y, 13);
        y += 14;
      }
      ctx.font = fontString(NAME_FONT);
      ctx.fillStyle = THEME.text;
      const lh = NAME_FONT.size * LINE_HEIGHT;
      const avail = n.y + n.h - 6 - y;
      const lines = text.wrap(n.name, NAME_FONT, width, Math.max(1, Math.floor(avail / lh)));
      centredLines(ctx, lines, n.x + n.w / 2, y + Math.max(0, (avail - lines.length * lh) / 2), lh);
      return;
    }
  }
}

// --- edges ---

type EdgeLook = { stroke: string; width: number; dash: number[]; arrow: "filled" | "open" | "none" };

const EDGE_LOOKS: Record<string, EdgeLook> = {
  "domain:relationship": { stroke: "#3d4a5c", width: 1.8, dash: SOLID, arrow: "none" },
  "domain:reference": { stroke: "#5b6b7e", width: 1.3, dash: SOLID, arrow: "open" },
  "domain:handles": { stroke: "#2d6bc4", width: 1.3, dash: [5, 3], arrow: "filled" },
  "domain:emits": { stroke: "#c4620d", width: 1.4, dash: SOLID, arrow: "filled" },
  "domain:triggers": { stroke: "#7c4dbf", width: 1.4, dash: SOLID, arrow: "filled" },
  "domain:issues": { stroke: "#2d6bc4", width: 1.4, dash: SOLID, arrow: "filled" },
  "domain:feeds": { stroke: "#3f8a2e", width: 1.3, dash: [5, 3], arrow: "filled" },
};
const EDGE_FALLBACK: EdgeLook = { stroke: THEME.edge, width: 1.3, dash: SOLID, arrow: "filled" };

function edgeLook(e: CanvasEdge): EdgeLook {
  return EDGE_LOOKS[e.kind] ?? EDGE_FALLBACK;
}

function traceLine(ctx: DrawContext, points: readonly Point[]): void {
  ctx.moveTo(points[0].x, points[0].y);
  for (let i = 1; i < points.length; i++) ctx.lineTo(points[i].x, points[i].y);
}

function traceOpenArrow(ctx: DrawContext, points: readonly Point[]): void {
  const tip = points[points.length - 1];
  const prev = points[points.length - 2];
  const len = Math.hypot(tip.x - prev.x, tip.y - prev.y) || 1;
  const d = { x: (tip.x - prev.x) / len, y: (tip.y - prev.y) / len };
  const bx = tip.x - d.x * 10;
  const by = tip.y - d.y * 10;
  ctx.moveTo(bx - d.y * 5, by + d.x * 5);
  ctx.lineTo(tip.x, tip.y);
  ctx.lineTo(bx + d.y * 5, by - d.x * 5);
}

/** A point `dist` along the polyline from its start (or from its end when `fromEnd`), pushed `side` to the left. */
function alongEnd(points: readonly Point[], fromEnd: boolean, dist: number, side: number): Point {
  const a = fromEnd ? points[points.length - 1] : points[0];
  const b = fromEnd ? points[points.length - 2] : points[1];
  const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
  const d = { x: (b.x - a.x) / len, y: (b.y - a.y) / len };
  const t = Math.min(dist, len / 2);
  return { x: a.x + d.x * t - d.y * side, y: a.y + d.y * t + d.x * side };
}

function drawBadge(ctx: DrawContext, at: Point, label: string, stroke: string, text: TextLayout): void {
  const w = text.measure(BADGE_FONT, label) + 10;
  const h = 17;
  ctx.beginPath();
  traceRoundRect(ctx, at.x - w / 2, at.y - h / 2, w, h, 4);
  ctx.fillStyle = "#ffffff";
  ctx.fill();
  ctx.strokeStyle = stroke;
  ctx.lineWidth = 1.2;
  ctx.stroke();
  ctx.fillStyle = stroke;
  ctx.fillText(label, at.x, at.y + 0.5);
}

function drawEdges(ctx: DrawContext, edges: readonly EdgeGeometry[], problems: ReadonlyMap<string, ProblemSeverity> | undefined, lod: Lod): void {
  ctx.lineJoin = "round";
  for (const g of edges) {
    if (g.points.length < 2) continue;
    const look = edgeLook(g.edge);
    const problem = problems?.get(g.edge.id);
    const stroke = problem ? (problem === "error" ? THEME.error : THEME.warning) : look.stroke;
    ctx.beginPath();
    traceLine(ctx, g.points);
    if (lod.arrows && look.arrow === "open") traceOpenArrow(ctx, g.points);
    ctx.strokeStyle = stroke;
    ctx.lineWidth = Math.max(look.width, lod.minLineWidth);
    ctx.setLineDash(problem ? [6, 4] : look.dash);
    ctx.stroke();
    ctx.setLineDash(SOLID);
    if (lod.arrows && look.arrow === "filled") {
      ctx.beginPath();
      traceArrowHead(ctx, g.points);
      ctx.fillStyle = stroke;
      ctx.fill();
    }
  }
  ctx.lineJoin = "miter";
}

function drawLabels(ctx: DrawContext, edges: readonly EdgeGeometry[], text: TextLayout): void {
  drawEdgeLabels(ctx, edges, text);
  ctx.font = fontString(BADGE_FONT);
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  for (const g of edges) {
    if (g.points.length < 2) continue;
    const stroke = edgeLook(g.edge).stroke;
    if (g.edge.sourceBadge) drawBadge(ctx, alongEnd(g.points, false, 22, 0), g.edge.sourceBadge, stroke, text);
    if (g.edge.targetBadge) drawBadge(ctx, alongEnd(g.points, true, 22, 0), g.edge.targetBadge, stroke, text);
  }
}

/** The domain model's shapes. */
export const domainShapes: ShapeSet = {
  layerOf(n) {
    const form = lookOf(n).form;
    if (form === "area") return LAYER_GROUP;
    if (form === "frame") return LAYER_CONTAINER;
    return LAYER_NODE;
  },
  isContainer(n) {
    const form = lookOf(n).form;
    return form === "area" || form === "frame";
  },
  isConnectable(n) {
    return lookOf(n).form !== "area";
  },
  isResizable(n) {
    return lookOf(n).form !== "area";
  },
  minSize(n) {
    switch (lookOf(n).form) {
      case "frame":
        return { w: 200, h: 120 };
      case "context":
        return { w: 160, h: 90 };
      case "card":
        return { w: 120, h: Math.min(n.h, cardHeight(n.rows?.length ?? 0)) };
      default:
        return { w: 80, h: 50 };
    }
  },
  visualBounds(n) {
    return expandRect(rectOf(n), SHAPE_MARGIN);
  },
  outerLabelRect() {
    return null;
  },
  drawNode(ctx, n, problem, lod, text) {
    drawBody(ctx, n, problem, lod);
    if (lod.labels) drawText(ctx, n, text);
  },
  drawNodes(ctx, nodes, problems, lod) {
    for (const n of nodes) drawBody(ctx, n, problems?.get(n.id), lod);
  },
  drawLabels(ctx, nodes, text) {
    for (const n of nodes) drawText(ctx, n, text);
  },
  traceOutline(ctx, n) {
    bodyPath(ctx, n, lookOf(n), true);
  },
  badgeCenter(n) {
    return { x: n.x + n.w, y: n.y };
  },
  drawEdges,
  drawEdgeLabels: drawLabels,
  traceEdge(ctx, _edge, points) {
    if (points.length >= 2) traceLine(ctx, points);
  },
};
