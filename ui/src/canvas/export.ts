// Exports of the whole flow: a standalone SVG document and a PNG, drawn by the same routines
// as the canvas (through SvgContext and an offscreen canvas respectively), at full detail.

import { createCanvas2D, createTextLayout, hasCanvasSupport } from "./canvasSupport";
import { expandRect } from "./geometry";
import { FULL_LOD } from "./lod";
import { buildScene, drawScene, type Scene } from "./scene";
import type { ShapeSet } from "./shapes";
import { escapeXml, SvgContext } from "./svgContext";
import { TextLayout } from "./text";
import { FONT_FAMILY, THEME } from "./theme";
import type { CanvasEdge, CanvasLane, CanvasNode, ProblemSeverity, Rect } from "./types";

export type ExportOptions = {
  /** Free space around the flow, in flow units (default 20). */
  margin?: number;
  /** Paint the canvas background colour (default true); false leaves it transparent. */
  background?: boolean;
  /** Problems to show as dashed outlines (default none: an export shows the flow, not the editor). */
  problems?: ReadonlyMap<string, ProblemSeverity>;
  /** Text measurement; by default a real canvas where there is one, else estimated widths. */
  text?: TextLayout;
  /** The kind's shapes (default: BPMN's). */
  shapes?: ShapeSet;
};

function exportArea(scene: Scene, margin: number): Rect {
  return expandRect(scene.bounds ?? { x: 0, y: 0, w: 0, h: 0 }, margin);
}

function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/**
 * The whole flow as a standalone SVG document (UTF-8 text, no external references). Each
 * element is a <g> with data-element-id and data-element-kind, in draw order.
 */
export function renderSvg(
  nodes: readonly CanvasNode[],
  edges: readonly CanvasEdge[],
  lanes: readonly CanvasLane[],
  options: ExportOptions = {},
): string {
  const scene = buildScene(nodes, edges, lanes, undefined, options.shapes);
  const area = exportArea(scene, options.margin ?? 20);
  const ctx = new SvgContext({ defaultFamily: FONT_FAMILY });
  if (options.background !== false) {
    ctx.beginPath();
    ctx.rect(area.x, area.y, area.w, area.h);
    ctx.fillStyle = THEME.background;
    ctx.fill();
  }
  drawScene(ctx, scene, {
    area,
    lod: FULL_LOD,
    text: options.text ?? (hasCanvasSupport() ? createTextLayout() : TextLayout.estimating()),
    problems: options.problems,
    wrap: {
      begin(kind, id, element) {
        const k = "kind" in element ? ` data-kind="${escapeXml(element.kind)}"` : "";
        ctx.raw(`<g data-element-id="${escapeXml(id)}" data-element-kind="${kind}"${k}>`);
      },
      end() {
        ctx.raw("</g>");
      },
    },
  });
  const w = Math.max(1, area.w);
  const h = Math.max(1, area.h);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(w)}" height="${num(h)}" viewBox="${num(area.x)} ${num(area.y)} ${num(w)} ${num(h)}" font-family="${escapeXml(FONT_FAMILY)}">`,
    ctx.content(),
    "</svg>",
    "",
  ].join("\n");
}

/** Browsers refuse (or silently blank) canvases beyond about this many pixels per side and in total. */
const MAX_SIDE = 16384;
const MAX_AREA = 128 * 1024 * 1024;

/** The export scale actually used: `scale`, reduced if the bitmap would exceed the browser's canvas limits. */
export function pngScale(area: Rect, scale: number): number {
  let s = scale > 0 && Number.isFinite(scale) ? scale : 1;
  s = Math.min(s, MAX_SIDE / Math.max(1, area.w), MAX_SIDE / Math.max(1, area.h));
  const pixels = area.w * area.h * s * s;
  if (pixels > MAX_AREA) s *= Math.sqrt(MAX_AREA / pixels);
  return s;
}

/** The whole flow as a PNG, `scale` device pixels per flow unit (reduced for very large flows). */
export async function renderPng(
  nodes: readonly CanvasNode[],
  edges: readonly CanvasEdge[],
  lanes: readonly CanvasLane[],
  scale: number,
  options: ExportOptions = {},
): Promise<Blob> {
  const scene = buildScene(nodes, edges, lanes, undefined, options.shapes);
  const area = exportArea(scene, options.margin ?? 20);
  const s = pngScale(area, scale);
  const c = createCanvas2D(Math.max(1, area.w * s), Math.max(1, area.h * s));
  if (!c) throw new Error("renderPng: no 2D canvas available");
  const { canvas, ctx } = c;
  ctx.scale(s, s);
  ctx.translate(-area.x, -area.y);
  if (options.background !== false) {
    ctx.fillStyle = THEME.background;
    ctx.fillRect(area.x, area.y, area.w, area.h);
  }
  drawScene(ctx, scene, { area, lod: FULL_LOD, text: options.text ?? createTextLayout(), problems: options.problems });
  if ("convertToBlob" in canvas) return canvas.convertToBlob({ type: "image/png" });
  return new Promise<Blob>((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("renderPng: encoding failed"))), "image/png");
  });
}
