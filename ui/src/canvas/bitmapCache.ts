// The scene bitmap cache that makes panning cheap.
//
// The static scene (background, lanes, nodes, edges, problem styling) is rendered into an
// offscreen bitmap that covers the viewport plus a margin on every side. A frame then costs
// one drawImage of the visible part plus the overlay, however many elements the flow has.
//
// - Panning within the margin: blit with an offset, nothing is redrawn.
// - Panning past the margin: the bitmap is re-centred by copying the still-valid part into a
//   second bitmap at the new offset and rendering only the newly exposed strips (clipped), so
//   the cost is proportional to the exposed area, not to the whole viewport.
// - Zooming with the wheel: while the wheel is turning, the bitmap is blitted scaled (slightly
//   soft) when it still covers the view; it is rendered sharp once the wheel rests.
// - Anything else (another zoom, an edit, a resize, the start of a node drag): full render.
//
// All offsets are whole device pixels (the viewport translation is rounded to them), so shifted
// strips join without seams and blits never resample.

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

type Bitmap = { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D };

/** Renders the scene part `area` (flow coordinates) with the context's transform already set to the mapping. */
export type SceneRenderer = (ctx: CanvasRenderingContext2D, area: Rect, mapping: CacheMapping) => void;

export class SceneCache {
  private front: Bitmap | null = null;
  private back: Bitmap | null = null;
  private state: CacheState | null = null;
  private readonly createBitmap: (w: number, h: number) => Bitmap | null;
  /** Counters for diagnostics and tests: full renders, shifted renders, plain blits. */
  readonly stats = { full: 0, shift: 0, blit: 0 };

  constructor(createBitmap: (w: number, h: number) => Bitmap | null) {
    this.createBitmap = createBitmap;
  }

  invalidate(): void {
    this.state = null;
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

  /**
   * Brings the cache up to date for `view` and draws the visible part onto `target` (whose
   * transform must be the identity). Returns how the frame was produced.
   */
  paint(
    target: CanvasRenderingContext2D,
    view: ScreenView,
    key: string,
    allowScaled: boolean,
    bias: { x: number; y: number },
    render: SceneRenderer,
    background: string,
  ): CachePlan["type"] {
    let plan = planCache(this.state, view, key, allowScaled, bias);
    if (plan.type === "shift" && !this.shift(plan, render, background)) {
      plan = planCache(null, view, key, allowScaled, bias);
    }
    if (plan.type === "full" && !this.full(plan, view, key, render, background)) return "full";
    const final = plan.type === "blit" ? plan : planCache(this.state, view, key, allowScaled, bias);
    if (final.type !== "blit" || !this.front) return plan.type;
    target.imageSmoothingEnabled = final.sw !== view.wd || final.sh !== view.hd;
    target.drawImage(this.front.canvas, final.sx, final.sy, final.sw, final.sh, 0, 0, view.wd, view.hd);
    this.stats[plan.type]++;
    return plan.type;
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
    if (!state || !this.front) return false;
    const b = this.ensure("back", state.wd, state.hd);
    if (!b) return false;
    const ctx = b.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.clearRect(0, 0, state.wd, state.hd);
    ctx.drawImage(this.front.canvas, plan.dx, plan.dy);
    const mapping: CacheMapping = { zoom: state.zoom, dpr: state.dpr, ox: plan.ox, oy: plan.oy };
    for (const r of exposedRects(state.wd, state.hd, plan.dx, plan.dy)) renderRect(ctx, r, mapping, render, background);
    this.back = this.front;
    this.front = b;
    this.state = { ...state, ox: plan.ox, oy: plan.oy };
    return true;
  }
}

/** Renders the bitmap rectangle `r` (device pixels) from scratch, clipped to it. */
function renderRect(ctx: CanvasRenderingContext2D, r: Rect, m: CacheMapping, render: SceneRenderer, background: string): void {
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
