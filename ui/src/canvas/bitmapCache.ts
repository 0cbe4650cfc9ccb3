// The scene bitmap that makes panning cheap.
//
// The static scene (background, lanes, nodes, edges, problem styling) is rendered into an
// offscreen bitmap covering the viewport plus a margin on every side. The engine copies it,
// with the overlay drawn on top, into the one on-screen <canvas>, which is just as big (and
// clipped by its container), and the view moves that canvas with a CSS transform: a pan frame
// changes no pixels at all, the browser's compositor only moves a layer. Measured in WebKitGTK
// under Xvfb, moving one layer costs far less than redrawing or blitting a viewport-sized
// canvas every frame, and a second (overlay) layer would cost a quarter of the frame rate.
//
// - Panning within the margin: only the transform changes.
// - Panning past the margin: the bitmap is re-centred by copying its still-valid part to the
//   new offset (into the second offscreen bitmap, then the two swap) and rendering only the
//   newly exposed strips (clipped), so the cost is proportional to the exposed area.
// - Zooming with the wheel: while the wheel is turning, the transform also scales the canvas
//   (slightly soft) as long as it covers the view; it is rendered sharp once the wheel rests.
// - Anything else (another zoom, an edit, a resize, the start of a node drag): full render.
// - The overlay changing (hover, selection, a drag): the clean bitmap is copied again and the
//   overlay drawn on it; the scene is not re-rendered.
//
// All offsets are whole device pixels (the viewport translation is rounded to them), so shifted
// strips join without seams and the unscaled transform never resamples.

import type { Rect } from "./types";

/** The mapping of one bitmap: bitmap pixel = flow × zoom × dpr + (ox, oy). */
export type CacheMapping = { zoom: number; dpr: number; ox: number; oy: number };

/** Screen state for a frame: screen device pixel = flow × zoom × dpr + (tx, ty); wd × hd device pixels. */
export type ScreenView = { zoom: number; dpr: number; tx: number; ty: number; wd: number; hd: number };

export type CacheState = CacheMapping & { key: string; wd: number; hd: number };

export type CachePlan =
  | { type: "blit"; sx: number; sy: number; sw: number; sh: number }
  | { type: "shift"; ox: number; oy: number; dx: number; dy: number }
  | { type: "full"; ox: number; oy: number; wd: number; hd: number };

/** The device-pixel margin kept around the viewport. */
export function cacheMargin(dpr: number): number {
  // 256 device pixels at dpr 1: enough for ordinary drags to need no redraw at all, small
  // enough that the two bitmaps of a full-HD viewport stay around 30 MB. Fewer CSS pixels on
  // high-density screens, where every CSS pixel costs four times the memory.
  return Math.round(256 * Math.min(Math.max(dpr, 1), 1.5));
}

/**
 * Decides how to produce the frame from the cache. `bias` (−1, 0, 1 per axis) is the
 * direction the content is moving, so a re-centred bitmap keeps more margin ahead of the pan.
 */
export function planCache(
  state: CacheState | null,
  view: ScreenView,
  key: string,
  allowScaled: boolean,
  bias: { x: number; y: number } = { x: 0, y: 0 },
): CachePlan {
  const m = cacheMargin(view.dpr);
  const wd = view.wd + 2 * m;
  const hd = view.hd + 2 * m;
  const centred = {
    ox: view.tx + m - Math.round((bias.x * m) / 2),
    oy: view.ty + m - Math.round((bias.y * m) / 2),
  };
  const full: CachePlan = { type: "full", ...centred, wd, hd };
  if (!state || state.key !== key || state.dpr !== view.dpr || state.wd !== wd || state.hd !== hd) return full;
  if (state.zoom === view.zoom) {
    const sx = state.ox - view.tx;
    const sy = state.oy - view.ty;
    if (sx >= 0 && sy >= 0 && sx + view.wd <= state.wd && sy + view.hd <= state.hd) {
      return { type: "blit", sx, sy, sw: view.wd, sh: view.hd };
    }
    const dx = centred.ox - state.ox;
    const dy = centred.oy - state.oy;
    // Shifting pays off while a good part of the old bitmap is reused.
    if (Math.abs(dx) < state.wd / 2 && Math.abs(dy) < state.hd / 2) return { type: "shift", ...centred, dx, dy };
    return full;
  }
  if (allowScaled) {
    const k = state.zoom / view.zoom;
    if (k >= 0.5 && k <= 2) {
      const sx = state.ox - view.tx * k;
      const sy = state.oy - view.ty * k;
      const sw = view.wd * k;
      const sh = view.hd * k;
      if (sx >= 0 && sy >= 0 && sx + sw <= state.wd && sy + sh <= state.hd) return { type: "blit", sx, sy, sw, sh };
    }
  }
  return full;
}

/** The parts of a w × h bitmap not covered after its old content was copied in shifted by (dx, dy). */
export function exposedRects(w: number, h: number, dx: number, dy: number): Rect[] {
  const out: Rect[] = [];
  if (Math.abs(dx) >= w || Math.abs(dy) >= h) return [{ x: 0, y: 0, w, h }];
  if (dy > 0) out.push({ x: 0, y: 0, w, h: dy });
  if (dy < 0) out.push({ x: 0, y: h + dy, w, h: -dy });
  const y0 = Math.max(0, dy);
  const y1 = Math.min(h, h + dy);
  if (dx > 0) out.push({ x: 0, y: y0, w: dx, h: y1 - y0 });
  if (dx < 0) out.push({ x: w + dx, y: y0, w: -dx, h: y1 - y0 });
  return out;
}

/** The flow rectangle a bitmap rectangle (device pixels) shows under a mapping. */
export function bitmapRectToFlow(r: Rect, m: CacheMapping): Rect {
  const k = m.zoom * m.dpr;
  return { x: (r.x - m.ox) / k, y: (r.y - m.oy) / k, w: r.w / k, h: r.h / k };
}

export type Bitmap = {
  canvas: HTMLCanvasElement | OffscreenCanvas;
  ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
};

/** Renders the scene part `area` (flow coordinates) with the context's transform already set to the mapping. */
export type SceneRenderer = (ctx: Bitmap["ctx"], area: Rect, mapping: CacheMapping) => void;

/**
 * How the bitmap is placed on screen: CSS pixels of translation, then a scale, both about the
 * container's top-left corner (transform-origin 0 0).
 */
export type Placement = { x: number; y: number; scale: number };

/** The placement that shows the bitmap described by `plan` (a blit plan) in `view`. */
export function placementFor(plan: Extract<CachePlan, { type: "blit" }>, view: ScreenView): Placement {
  const scale = view.wd / plan.sw;
  return { x: (-plan.sx * scale) / view.dpr, y: (-plan.sy * scale) / view.dpr, scale };
}

export type CacheUpdate = {
  /** How the bitmap was brought up to date. */
  plan: CachePlan["type"];
  /** The mapping of the bitmap now (changed if the plan was "shift" or "full"). */
  mapping: CacheMapping;
  /** Bitmap size in device pixels. */
  wd: number;
  hd: number;
  placement: Placement;
};

export class SceneCache {
  private front: Bitmap | null = null;
  private back: Bitmap | null = null;
  private state: CacheState | null = null;
  private readonly createBitmap: (w: number, h: number) => Bitmap | null;
  /** Counters for diagnostics and tests: full renders, shifted renders, frames with no render. */
  readonly stats = { full: 0, shift: 0, blit: 0 };

  constructor(createBitmap: (w: number, h: number) => Bitmap | null) {
    this.createBitmap = createBitmap;
  }

  invalidate(): void {
    this.state = null;
  }

  /** The clean scene bitmap (no overlay), once rendered. */
  bitmap(): Bitmap | null {
    return this.state ? this.front : null;
  }

  /** Frees the bitmaps (the component is unmounted). */
  release(): void {
    for (const b of [this.front, this.back]) {
      if (b) {
        b.canvas.width = 0;
        b.canvas.height = 0;
      }
    }
    this.front = null;
    this.back = null;
    this.state = null;
  }

  /** Brings the scene bitmap up to date for `view` and tells where to place it; null when no bitmap can be made. */
  update(
    view: ScreenView,
    key: string,
    allowScaled: boolean,
    bias: { x: number; y: number },
    render: SceneRenderer,
    background: string,
  ): CacheUpdate | null {
    let plan = planCache(this.state, view, key, allowScaled, bias);
    if (plan.type === "shift" && !this.shift(plan, render, background)) plan = planCache(null, view, key, allowScaled, bias);
    if (plan.type === "full" && !this.full(plan, view, key, render, background)) return null;
    this.stats[plan.type]++;
    const state = this.state;
    if (!state) return null;
    const blit = planCache(state, view, key, allowScaled, bias);
    // After a render the bitmap covers the view by construction, so this is always a blit.
    const placement = blit.type === "blit" ? placementFor(blit, view) : { x: 0, y: 0, scale: 1 };
    const { zoom, dpr, ox, oy, wd, hd } = state;
    return { plan: plan.type, mapping: { zoom, dpr, ox, oy }, wd, hd, placement };
  }

  private ensure(slot: "front" | "back", w: number, h: number): Bitmap | null {
    let b = this[slot];
    if (!b) {
      b = this.createBitmap(w, h);
      this[slot] = b;
    }
    if (b && (b.canvas.width !== w || b.canvas.height !== h)) {
      b.canvas.width = w;
      b.canvas.height = h;
    }
    return b;
  }

  private full(plan: Extract<CachePlan, { type: "full" }>, view: ScreenView, key: string, render: SceneRenderer, background: string): boolean {
    const b = this.ensure("front", plan.wd, plan.hd);
    if (!b) return false;
    const mapping: CacheMapping = { zoom: view.zoom, dpr: view.dpr, ox: plan.ox, oy: plan.oy };
    renderRect(b.ctx, { x: 0, y: 0, w: plan.wd, h: plan.hd }, mapping, render, background);
    this.state = { ...mapping, key, wd: plan.wd, hd: plan.hd };
    return true;
  }

  private shift(plan: Extract<CachePlan, { type: "shift" }>, render: SceneRenderer, background: string): boolean {
    const state = this.state;
    const front = this.front;
    if (!state || !front) return false;
    const back = this.ensure("back", state.wd, state.hd);
    if (!back) return false;
    // The still-valid part moves to its new place in the other bitmap (a canvas drawn onto
    // itself is not reliably supported), then only the exposed strips are rendered.
    const ctx = back.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(front.canvas, plan.dx, plan.dy);
    const mapping: CacheMapping = { zoom: state.zoom, dpr: state.dpr, ox: plan.ox, oy: plan.oy };
    for (const r of exposedRects(state.wd, state.hd, plan.dx, plan.dy)) renderRect(ctx, r, mapping, render, background);
    this.back = front;
    this.front = back;
    this.state = { ...state, ox: plan.ox, oy: plan.oy };
    return true;
  }
}

/** Renders the bitmap rectangle `r` (device pixels) from scratch, clipped to it. */
function renderRect(ctx: Bitmap["ctx"], r: Rect, m: CacheMapping, render: SceneRenderer, background: string): void {
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.beginPath();
  ctx.rect(r.x, r.y, r.w, r.h);
  ctx.clip();
  ctx.fillStyle = background;
  ctx.fillRect(r.x, r.y, r.w, r.h);
  const k = m.zoom * m.dpr;
  ctx.setTransform(k, 0, 0, k, m.ox, m.oy);
  // One device pixel of slack so shapes ending exactly on the strip's border are included.
  const area = bitmapRectToFlow({ x: r.x - 1, y: r.y - 1, w: r.w + 2, h: r.h + 2 }, m);
  render(ctx, area, m);
  ctx.restore();
}
