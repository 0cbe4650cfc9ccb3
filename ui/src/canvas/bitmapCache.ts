// The scene bitmap that makes panning cheap.
//
// The static scene (background, lanes, nodes, edges, problem styling) is rendered into a
// bitmap that covers the viewport plus a margin on every side. That bitmap is itself the
// on-screen <canvas> (bigger than the view, clipped by the container) and the view moves it
// with a CSS transform: a pan frame changes no pixels at all, the browser's compositor only
// moves a layer. Measured in WebKitGTK under Xvfb, moving a layer costs less than redrawing
// or blitting a canvas of the viewport's size every frame (about 50 vs 43 frames/s).
//
// - Panning within the margin: only the transform changes.
// - Panning past the margin: the bitmap is re-centred by copying its still-valid part to the
//   new offset (through a second, offscreen bitmap) and rendering only the newly exposed
//   strips (clipped), so the cost is proportional to the exposed area.
// - Zooming with the wheel: while the wheel is turning, the transform also scales the bitmap
//   (slightly soft) as long as it covers the view; it is rendered sharp once the wheel rests.
// - Anything else (another zoom, an edit, a resize, the start of a node drag): full render.
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
  private front: Bitmap;
  private back: Bitmap | null = null;
  private state: CacheState | null = null;
  private readonly createBitmap: (w: number, h: number) => Bitmap | null;
  /** Counters for diagnostics and tests: full renders, shifted renders, transform-only frames. */
  readonly stats = { full: 0, shift: 0, blit: 0 };

  /** `front` is the displayed bitmap; `createBitmap` makes the offscreen one used for shifting. */
  constructor(front: Bitmap, createBitmap: (w: number, h: number) => Bitmap | null) {
    this.front = front;
    this.createBitmap = createBitmap;
  }

  invalidate(): void {
    this.state = null;
  }

  /** Frees the offscreen bitmap and forgets the displayed one's content (the component is unmounted). */
  release(): void {
    if (this.back) {
      this.back.canvas.width = 0;
      this.back.canvas.height = 0;
    }
    this.back = null;
    this.state = null;
  }

  /** Brings the displayed bitmap up to date for `view` and tells where to place it. */
  update(
    view: ScreenView,
    key: string,
    allowScaled: boolean,
    bias: { x: number; y: number },
    render: SceneRenderer,
    background: string,
  ): CacheUpdate {
    let plan = planCache(this.state, view, key, allowScaled, bias);
    if (plan.type === "shift" && !this.shift(plan, render, background)) plan = planCache(null, view, key, allowScaled, bias);
    if (plan.type === "full") this.full(plan, view, key, render, background);
    this.stats[plan.type]++;
    const state = this.state as CacheState;
    const blit = planCache(state, view, key, allowScaled, bias);
    // After a render the bitmap covers the view by construction, so this is always a blit.
    const placement = blit.type === "blit" ? placementFor(blit, view) : { x: 0, y: 0, scale: 1 };
    const { zoom, dpr, ox, oy, wd, hd } = state;
    return { plan: plan.type, mapping: { zoom, dpr, ox, oy }, wd, hd, placement };
  }

  private full(plan: Extract<CachePlan, { type: "full" }>, view: ScreenView, key: string, render: SceneRenderer, background: string): void {
    const b = this.front;
    if (b.canvas.width !== plan.wd || b.canvas.height !== plan.hd) {
      b.canvas.width = plan.wd;
      b.canvas.height = plan.hd;
    }
    const mapping: CacheMapping = { zoom: view.zoom, dpr: view.dpr, ox: plan.ox, oy: plan.oy };
    renderRect(b.ctx, { x: 0, y: 0, w: plan.wd, h: plan.hd }, mapping, render, background);
    this.state = { ...mapping, key, wd: plan.wd, hd: plan.hd };
  }

  private shift(plan: Extract<CachePlan, { type: "shift" }>, render: SceneRenderer, background: string): boolean {
    const state = this.state;
    if (!state) return false;
    if (!this.back) this.back = this.createBitmap(state.wd, state.hd);
    const back = this.back;
    if (!back) return false;
    if (back.canvas.width !== state.wd || back.canvas.height !== state.hd) {
      back.canvas.width = state.wd;
      back.canvas.height = state.hd;
    }
    // The still-valid part moves to its new place via the offscreen bitmap (a canvas drawn
    // onto itself is not reliably supported), then only the exposed strips are rendered.
    const ctx = back.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.front.canvas, plan.dx, plan.dy);
    const mapping: CacheMapping = { zoom: state.zoom, dpr: state.dpr, ox: plan.ox, oy: plan.oy };
    for (const r of exposedRects(state.wd, state.hd, plan.dx, plan.dy)) renderRect(ctx, r, mapping, render, background);
    const front = this.front.ctx;
    front.setTransform(1, 0, 0, 1, 0, 0);
    front.imageSmoothingEnabled = false;
    front.drawImage(back.canvas, 0, 0);
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
