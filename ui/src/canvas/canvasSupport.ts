// Access to real 2D canvases: creating one, and a TextLayout that measures with it. Where there
// is no canvas implementation (jsdom in unit tests, which logs an error for every getContext
// call) these return null and callers fall back to estimated text widths.

import { fontString, TextLayout, type Font } from "./text";

export type Canvas2D = {
  canvas: HTMLCanvasElement | OffscreenCanvas;
  ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
};

/** jsdom has canvas elements without a 2D context; asking for one only prints "not implemented". */
export function hasCanvasSupport(): boolean {
  if (typeof navigator !== "undefined" && /jsdom/i.test(navigator.userAgent)) return false;
  return typeof OffscreenCanvas !== "undefined" || typeof document !== "undefined";
}

/** A new 2D canvas of the given device-pixel size (an OffscreenCanvas where available), or null. */
export function createCanvas2D(width: number, height: number, preferOffscreen = true): Canvas2D | null {
  if (!hasCanvasSupport()) return null;
  const w = Math.max(1, Math.ceil(width));
  const h = Math.max(1, Math.ceil(height));
  if (preferOffscreen && typeof OffscreenCanvas !== "undefined") {
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext("2d");
    if (ctx) return { canvas, ctx };
  }
  if (typeof document === "undefined") return null;
  const canvas = document.createElement("canvas");
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext("2d");
  return ctx ? { canvas, ctx } : null;
}

/** A TextLayout measuring with a real canvas (exact widths), or an estimating one when there is none. */
export function createTextLayout(): TextLayout {
  const c = createCanvas2D(1, 1);
  if (!c) return TextLayout.estimating();
  const ctx = c.ctx;
  let current = "";
  return new TextLayout((font: Font, text: string) => {
    const f = fontString(font);
    // Setting ctx.font parses the string every time: only do it when the font changes.
    if (f !== current) {
      ctx.font = f;
      current = f;
    }
    return ctx.measureText(text).width;
  });
}
