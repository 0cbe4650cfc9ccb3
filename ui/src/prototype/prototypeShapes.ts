// The sandbox prototype's shape set for the one canvas engine (ui/src/canvas/shapes.ts): screens
// as device frames with their name above, components drawn inside them as readable sketches of
// each UI component kind (a button's pill, an input's box, a table's grid, a list's rows, …),
// and navigation as arrows between screens. Zoomed out (below the engine's label level) every
// component is a plain block, so a board of thousands of components pans smoothly.
//
// Node kinds are "proto:screen" and "proto:<component kind>"; the editor maps the prototype
// onto them (prototypeModel.storyboardCanvas).

import type { DrawContext } from "../canvas/drawContext";
import { traceRoundRect } from "../canvas/draw";
import { drawEdgeLabels, traceArrowHead, type EdgeGeometry } from "../canvas/edges";
import { expandRect, rectOf } from "../canvas/geometry";
import type { Lod } from "../canvas/lod";
import { LAYER_CONTAINER, LAYER_NODE, SHAPE_MARGIN, type ShapeSet } from "../canvas/shapes";
import { fontString, type Font, type TextLayout } from "../canvas/text";
import { FONT_FAMILY, THEME } from "../canvas/theme";
import type { CanvasNode, Point, ProblemSeverity } from "../canvas/types";

const SCREEN_NAME_FONT: Font = { size: 15, weight: 600, family: FONT_FAMILY };
const CAPTION_FONT: Font = { size: 11, family: FONT_FAMILY };
const TEXT_FONT: Font = { size: 13, family: FONT_FAMILY };
const HEADING_FONT: Font = { size: 17, weight: 700, family: FONT_FAMILY };
const SMALL_FONT: Font = { size: 11, family: FONT_FAMILY };
/** Room above a screen for its name and device. */
const SCREEN_LABEL = 40;
const ACCENT = "#3370ff";
const LINE = "#c9cdd4";
const MUTED = "#8f959e";
const BLOCK: Record<string, string> = {
  "proto:button": "#bcd0ff",
  "proto:navBar": "#e4e8ef",
  "proto:tabBar": "#e4e8ef",
  "proto:image": "#dde2ea",
  "proto:chart": "#dde2ea",
};

const kindOf = (n: CanvasNode) => n.kind.slice(6);

function problemStroke(ctx: DrawContext, problem: ProblemSeverity | undefined, lod: Lod): void {
  if (!problem) return;
  ctx.strokeStyle = problem === "error" ? THEME.error : THEME.warning;
  ctx.lineWidth = Math.max(2, lod.minLineWidth);
  ctx.setLineDash([5, 3]);
  ctx.stroke();
  ctx.setLineDash([]);
}

function box(ctx: DrawContext, x: number, y: number, w: number, h: number, r: number, fill: string | null, stroke: string | null, lod: Lod): void {
  ctx.beginPath();
  if (lod.rounded && r > 0) traceRoundRect(ctx, x, y, w, h, Math.min(r, w / 2, h / 2));
  else ctx.rect(x, y, w, h);
  if (fill) {
    ctx.fillStyle = fill;
    ctx.fill();
  }
  if (stroke) {
    ctx.strokeStyle = stroke;
    ctx.lineWidth = Math.max(1, lod.minLineWidth);
    ctx.stroke();
  }
}

function line(ctx: DrawContext, x0: number, y0: number, x1: number, y1: number, stroke: string, lod: Lod): void {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.strokeStyle = stroke;
  ctx.lineWidth = Math.max(1, lod.minLineWidth);
  ctx.stroke();
}

function drawScreen(ctx: DrawContext, n: CanvasNode, problem: ProblemSeverity | undefined, lod: Lod): void {
  box(ctx, n.x - 6, n.y - 6, n.w + 12, n.h + 12, 22, "#2b2f36", null, lod);
  box(ctx, n.x, n.y, n.w, n.h, 16, "#ffffff", null, lod);
  // Zoomed out, where names are left out, a screen's name still shows (few, and they tell the
  // screens apart), drawn large enough to read, as wide as the frame allows.
  if (!lod.labels && n.name) {
    const size = Math.min(lod.minLineWidth * 16, n.w / Math.max(4, n.name.length) * 1.6);
    if (size / lod.minLineWidth >= 7) {
      ctx.font = `600 ${size}px ${FONT_FAMILY}`;
      ctx.fillStyle = THEME.text;
      ctx.textAlign = "left";
      ctx.textBaseline = "bottom";
      ctx.fillText(n.name, n.x, n.y - 10);
    }
  }
  if (problem) {
    ctx.beginPath();
    ctx.rect(n.x - 8, n.y - 8, n.w + 16, n.h + 16);
    problemStroke(ctx, problem, lod);
  }
}

function screenLabel(ctx: DrawContext, n: CanvasNode, text: TextLayout): void {
  ctx.textBaseline = "middle";
  ctx.textAlign = "left";
  ctx.font = fontString(SCREEN_NAME_FONT);
  ctx.fillStyle = THEME.text;
  const name = text.wrap(n.name, SCREEN_NAME_FONT, n.w, 1);
  if (name.length) ctx.fillText(name[0], n.x, n.y - SCREEN_LABEL + 12);
  if (n.caption) {
    ctx.font = fontString(CAPTION_FONT);
    ctx.fillStyle = MUTED;
    const c = text.wrap(n.caption, CAPTION_FONT, n.w, 1);
    if (c.length) ctx.fillText(c[0], n.x, n.y - 14);
  }
}

/** The component's body: a sketch at readable zoom, a block below. */
function drawComponent(ctx: DrawContext, n: CanvasNode, problem: ProblemSeverity | undefined, lod: Lod): void {
  const k = kindOf(n);
  const { x, y, w, h } = n;
  if (!lod.markers) {
    box(ctx, x, y, w, h, 0, BLOCK[n.kind] ?? "#f2f3f5", CONTAINER.has(k) ? LINE : null, lod);
    if (problem) {
      ctx.beginPath();
      ctx.rect(x, y, w, h);
      problemStroke(ctx, problem, lod);
    }
    return;
  }
  switch (k) {
    case "button":
      box(ctx, x, y, w, h, 6, ACCENT, null, lod);
      break;
    case "input":
    case "select":
    case "date":
      box(ctx, x, y, w, h, 4, "#ffffff", LINE, lod);
      if (k === "select") {
        ctx.beginPath();
        ctx.moveTo(x + w - 20, y + h / 2 - 3);
        ctx.lineTo(x + w - 14, y + h / 2 + 3);
        ctx.lineTo(x + w - 8, y + h / 2 - 3);
        ctx.strokeStyle = MUTED;
        ctx.stroke();
      }
      if (k === "date") box(ctx, x + w - 22, y + h / 2 - 7, 14, 14, 2, null, MUTED, lod);
      break;
    case "checkbox":
      box(ctx, x + 2, y + h / 2 - 8, 16, 16, 3, "#ffffff", MUTED, lod);
      break;
    case "image":
    case "chart":
      box(ctx, x, y, w, h, 6, "#eef0f3", LINE, lod);
      if (k === "image") {
        line(ctx, x, y, x + w, y + h, LINE, lod);
        line(ctx, x + w, y, x, y + h, LINE, lod);
      } else {
        const bars = 5;
        for (let i = 0; i < bars; i++) {
          const bh = (h - 30) * (0.3 + ((i * 37) % 60) / 100);
          box(ctx, x + 16 + (i * (w - 32)) / bars, y + h - 10 - bh, (w - 32) / bars - 8, bh, 0, "#a9c1ff", null, lod);
        }
      }
      break;
    case "navBar":
      box(ctx, x, y, w, h, 0, "#f7f8fa", null, lod);
      line(ctx, x, y + h, x + w, y + h, LINE, lod);
      break;
    case "tabBar":
      box(ctx, x, y, w, h, 0, "#f7f8fa", null, lod);
      line(ctx, x, y, x + w, y, LINE, lod);
      for (let i = 0; i < 4; i++) box(ctx, x + ((i + 0.5) * w) / 4 - 8, y + 8, 16, 16, 4, "#c9d6f5", null, lod);
      break;
    case "table": {
      box(ctx, x, y, w, h, 4, "#ffffff", LINE, lod);
      box(ctx, x, y, w, 28, 0, "#f2f3f5", null, lod);
      for (let ry = y + 28; ry < y + h - 4; ry += 28) line(ctx, x, ry, x + w, ry, "#e5e6eb", lod);
      for (let i = 1; i < 3; i++) line(ctx, x + (i * w) / 3, y, x + (i * w) / 3, y + h, "#e5e6eb", lod);
      break;
    }
    case "list":
      box(ctx, x, y, w, h, 4, "#fbfbfc", "#e5e6eb", lod);
      break;
    case "card":
    case "form":
    case "dialog":
      box(ctx, x, y, w, h, 8, "#ffffff", k === "dialog" ? "#5b6b7e" : LINE, lod);
      break;
    case "tabs":
      box(ctx, x, y, w, h, 4, "#ffffff", LINE, lod);
      for (let i = 0; i < 3; i++) box(ctx, x + 8 + i * 72, y + 6, 64, 22, 4, i === 0 ? "#dfe8ff" : "#f2f3f5", null, lod);
      break;
    case "stack":
    case "group":
      ctx.beginPath();
      ctx.rect(x, y, w, h);
      ctx.strokeStyle = "#d0d7e2";
      ctx.lineWidth = Math.max(1, lod.minLineWidth);
      ctx.setLineDash([4, 3]);
      ctx.stroke();
      ctx.setLineDash([]);
      break;
    default:
      break;
  }
  if (problem) {
    ctx.beginPath();
    ctx.rect(x - 2, y - 2, w + 4, h + 4);
    problemStroke(ctx, problem, lod);
  }
}

const CONTAINER = new Set(["stack", "form", "card", "list", "tabs", "dialog", "group"]);

function componentText(ctx: DrawContext, n: CanvasNode, text: TextLayout): void {
  const k = kindOf(n);
  const { x, y, w, h } = n;
  ctx.textBaseline = "middle";
  const put = (s: string, font: Font, color: string, tx: number, ty: number, width: number, align: "left" | "center" = "left") => {
    ctx.font = fontString(font);
    ctx.fillStyle = color;
    ctx.textAlign = align;
    const l = text.wrap(s, font, Math.max(8, width), 1);
    if (l.length) ctx.fillText(l[0], tx, ty);
  };
  const rows = n.rows ?? [];
  switch (k) {
    case "button":
      put(n.name, TEXT_FONT, "#ffffff", x + w / 2, y + h / 2, w - 12, "center");
      return;
    case "heading":
      put(n.name, HEADING_FONT, THEME.text, x, y + h / 2, w);
      break;
    case "text":
      put(n.name, TEXT_FONT, THEME.text, x, y + h / 2, w);
      break;
    case "input":
    case "select":
    case "date":
      put(n.name, TEXT_FONT, MUTED, x + 8, y + h / 2, w - 36);
      break;
    case "checkbox":
      put(n.name, TEXT_FONT, THEME.text, x + 24, y + h / 2, w - 26);
      break;
    case "navBar":
      put(n.name, { ...TEXT_FONT, weight: 600 }, THEME.text, x + w / 2, y + h / 2, w - 24, "center");
      return;
    case "image":
    case "chart":
      put(n.caption ?? n.name, SMALL_FONT, MUTED, x + w / 2, y + 12, w - 12, "center");
      break;
    default:
      // Containers: their name in a small tag at the top left.
      put(n.caption ?? n.name, SMALL_FONT, MUTED, x + 4, y - 7, w);
      break;
  }
  // The binding, as a small tag inside the top right corner.
  if (rows.length) {
    ctx.font = fontString(SMALL_FONT);
    const label = text.wrap(rows[0].text, SMALL_FONT, Math.max(20, w * 0.6), 1)[0];
    if (label) {
      const tw = text.measure(SMALL_FONT, label) + 8;
      const tx = x + w - tw - 2;
      const ty = y + 2;
      ctx.beginPath();
      ctx.rect(tx, ty, tw, 15);
      ctx.fillStyle = "rgba(232, 240, 255, 0.95)";
      ctx.fill();
      put(label, SMALL_FONT, ACCENT, tx + 4, ty + 8, tw, "left");
    }
  }
}

function drawLabel(ctx: DrawContext, n: CanvasNode, text: TextLayout): void {
  if (n.kind === "proto:screen") screenLabel(ctx, n, text);
  else componentText(ctx, n, text);
}

function traceLine(ctx: DrawContext, points: readonly Point[]): void {
  ctx.moveTo(points[0].x, points[0].y);
  for (let i = 1; i < points.length; i++) ctx.lineTo(points[i].x, points[i].y);
}

function drawEdges(ctx: DrawContext, edges: readonly EdgeGeometry[], problems: ReadonlyMap<string, ProblemSeverity> | undefined, lod: Lod): void {
  for (const g of edges) {
    if (g.points.length < 2) continue;
    const problem = problems?.get(g.edge.id);
    const stroke = problem ? (problem === "error" ? THEME.error : THEME.warning) : ACCENT;
    ctx.beginPath();
    traceLine(ctx, g.points);
    ctx.strokeStyle = stroke;
    ctx.lineWidth = Math.max(2, lod.minLineWidth);
    ctx.stroke();
    if (lod.arrows) {
      ctx.beginPath();
      traceArrowHead(ctx, g.points, 12, 6);
      ctx.fillStyle = stroke;
      ctx.fill();
    }
  }
}

/** The sandbox prototype's shapes. */
export const prototypeShapes: ShapeSet = {
  layerOf(n) {
    return n.kind === "proto:screen" ? LAYER_CONTAINER : LAYER_NODE;
  },
  // Moving a screen, stack, form, card… moves what lies inside it (children are relative).
  isContainer(n) {
    return n.kind === "proto:screen" || CONTAINER.has(kindOf(n));
  },
  isConnectable(n) {
    return n.kind === "proto:screen" || n.kind === "proto:button";
  },
  isResizable() {
    return true;
  },
  minSize(n) {
    return n.kind === "proto:screen" ? { w: 200, h: 200 } : { w: 20, h: 16 };
  },
  visualBounds(n) {
    const r = expandRect(rectOf(n), SHAPE_MARGIN);
    if (n.kind === "proto:screen") return { x: r.x, y: r.y - SCREEN_LABEL * 3, w: r.w, h: r.h + SCREEN_LABEL * 3 };
    // bindings are written past the right edge
    return n.rows?.length ? { x: r.x, y: r.y, w: r.w + 200, h: r.h } : r;
  },
  outerLabelRect(n) {
    return n.kind === "proto:screen" ? { x: n.x, y: n.y - SCREEN_LABEL, w: n.w, h: SCREEN_LABEL - 4 } : null;
  },
  drawNode(ctx, n, problem, lod, text) {
    if (n.kind === "proto:screen") drawScreen(ctx, n, problem, lod);
    else drawComponent(ctx, n, problem, lod);
    if (lod.labels) drawLabel(ctx, n, text);
  },
  drawNodes(ctx, nodes, problems, lod) {
    for (const n of nodes) {
      if (n.kind === "proto:screen") drawScreen(ctx, n, problems?.get(n.id), lod);
      else drawComponent(ctx, n, problems?.get(n.id), lod);
    }
  },
  drawLabels(ctx, nodes, text) {
    for (const n of nodes) drawLabel(ctx, n, text);
  },
  traceOutline(ctx, n) {
    ctx.rect(n.x, n.y, n.w, n.h);
  },
  badgeCenter(n) {
    return { x: n.x + n.w, y: n.y };
  },
  drawEdges,
  drawEdgeLabels,
  traceEdge(ctx, _edge, points) {
    if (points.length >= 2) traceLine(ctx, points);
  },
  // Components align with each other (and screens with screens) while dragged.
  alignGroup(n) {
    return n.kind === "proto:screen" ? "screen" : "component";
  },
};
