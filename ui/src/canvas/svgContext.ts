// A DrawContext that writes SVG: every fill()/stroke() becomes a <path>, every fillText() a
// <text>. Points are transformed when they are added, as a canvas does, so a path may be
// built across translate()/rotate() calls. Transforms are limited to translation, rotation
// and uniform scale (what the drawing routines use), which keeps arcs circular.

import type { DrawContext } from "./drawContext";

type Matrix = [number, number, number, number, number, number];

type State = {
  m: Matrix;
  fillStyle: string | CanvasGradient | CanvasPattern;
  strokeStyle: string | CanvasGradient | CanvasPattern;
  lineWidth: number;
  lineCap: CanvasLineCap;
  lineJoin: CanvasLineJoin;
  globalAlpha: number;
  font: string;
  textAlign: CanvasTextAlign;
  textBaseline: CanvasTextBaseline;
  dash: number[];
};

/** Characters XML 1.0 does not allow at all (control characters, lone surrogates, U+FFFE/F). */
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function escapeXml(s: string): string {
  return s
    .replace(INVALID_XML, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** Short numbers for path data: two decimals are plenty for flow coordinates. */
function num(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? "0" : String(r);
}

/** "rgba(r, g, b, a)" → colour and opacity as separate attributes (older SVG tools ignore rgba). */
function paint(style: string | CanvasGradient | CanvasPattern, alpha: number): { color: string; opacity: number } {
  if (typeof style !== "string") return { color: "none", opacity: 1 };
  const m = /^rgba\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*\)$/.exec(style);
  if (m) return { color: `rgb(${m[1]},${m[2]},${m[3]})`, opacity: Number(m[4]) * alpha };
  return { color: style, opacity: alpha };
}

const TWO_PI = Math.PI * 2;

export class SvgContext implements DrawContext {
  private state: State = {
    m: [1, 0, 0, 1, 0, 0],
    fillStyle: "#000",
    strokeStyle: "#000",
    lineWidth: 1,
    lineCap: "butt",
    lineJoin: "miter",
    globalAlpha: 1,
    font: "10px sans-serif",
    textAlign: "start",
    textBaseline: "alphabetic",
    dash: [],
  };
  private readonly stack: State[] = [];
  private readonly out: string[] = [];
  private d: string[] = [];
  private hasPoint = false;
  /** The last emitted fill of the current path: a following stroke() merges into it. */
  private pendingFill: { index: number; attrs: string } | null = null;
  /** The font family set on the document's root: <text> elements with it leave it out. */
  private readonly defaultFamily: string | null;

  constructor(options: { defaultFamily?: string } = {}) {
    this.defaultFamily = options.defaultFamily ?? null;
  }

  get fillStyle() { return this.state.fillStyle; }
  set fillStyle(v) { this.state.fillStyle = v; }
  get strokeStyle() { return this.state.strokeStyle; }
  set strokeStyle(v) { this.state.strokeStyle = v; }
  get lineWidth() { return this.state.lineWidth; }
  set lineWidth(v) { this.state.lineWidth = v; }
  get lineCap() { return this.state.lineCap; }
  set lineCap(v) { this.state.lineCap = v; }
  get lineJoin() { return this.state.lineJoin; }
  set lineJoin(v) { this.state.lineJoin = v; }
  get globalAlpha() { return this.state.globalAlpha; }
  set globalAlpha(v) { this.state.globalAlpha = v; }
  get font() { return this.state.font; }
  set font(v) { this.state.font = v; }
  get textAlign() { return this.state.textAlign; }
  set textAlign(v) { this.state.textAlign = v; }
  get textBaseline() { return this.state.textBaseline; }
  set textBaseline(v) { this.state.textBaseline = v; }

  /** The SVG elements written so far. */
  content(): string {
    return this.out.join("\n");
  }

  /** Appends raw SVG markup (for wrappers such as <g> with data attributes). The caller escapes. */
  raw(markup: string): void {
    this.pendingFill = null;
    this.out.push(markup);
  }

  private unitScale(): number {
    const [a, b] = this.state.m;
    return Math.hypot(a, b);
  }

  private tx(x: number, y: number): [number, number] {
    const [a, b, c, d, e, f] = this.state.m;
    return [a * x + c * y + e, b * x + d * y + f];
  }

  beginPath(): void {
    this.d = [];
    this.hasPoint = false;
    this.pendingFill = null;
  }

  moveTo(x: number, y: number): void {
    const [px, py] = this.tx(x, y);
    this.d.push(`M${num(px)} ${num(py)}`);
    this.hasPoint = true;
    this.pendingFill = null;
  }

  lineTo(x: number, y: number): void {
    if (!this.hasPoint) return this.moveTo(x, y);
    const [px, py] = this.tx(x, y);
    this.d.push(`L${num(px)} ${num(py)}`);
    this.pendingFill = null;
  }

  bezierCurveTo(cp1x: number, cp1y: number, cp2x: number, cp2y: number, x: number, y: number): void {
    if (!this.hasPoint) this.moveTo(cp1x, cp1y);
    const [ax, ay] = this.tx(cp1x, cp1y);
    const [bx, by] = this.tx(cp2x, cp2y);
    const [px, py] = this.tx(x, y);
    this.d.push(`C${num(ax)} ${num(ay)} ${num(bx)} ${num(by)} ${num(px)} ${num(py)}`);
    this.pendingFill = null;
  }

  arc(x: number, y: number, radius: number, startAngle: number, endAngle: number, counterclockwise = false): void {
    let sweep = counterclockwise ? startAngle - endAngle : endAngle - startAngle;
    const full = sweep >= TWO_PI;
    if (!full) sweep = ((sweep % TWO_PI) + TWO_PI) % TWO_PI;
    const dir = counterclockwise ? -1 : 1;
    const sx = x + radius * Math.cos(startAngle);
    const sy = y + radius * Math.sin(startAngle);
    if (this.hasPoint) this.lineTo(sx, sy);
    else this.moveTo(sx, sy);
    const r = num(radius * this.unitScale());
    const flag = counterclockwise ? 0 : 1;
    const arcTo = (angle: number, large: number) => {
      const [px, py] = this.tx(x + radius * Math.cos(angle), y + radius * Math.sin(angle));
      this.d.push(`A${r} ${r} 0 ${large} ${flag} ${num(px)} ${num(py)}`);
    };
    if (full) {
      // SVG cannot draw a full circle as one arc: two halves.
      arcTo(startAngle + dir * Math.PI, 0);
      arcTo(startAngle, 0);
    } else if (sweep > 0) {
      arcTo(startAngle + dir * sweep, sweep > Math.PI ? 1 : 0);
    }
    this.pendingFill = null;
  }

  rect(x: number, y: number, w: number, h: number): void {
    this.moveTo(x, y);
    this.lineTo(x + w, y);
    this.lineTo(x + w, y + h);
    this.lineTo(x, y + h);
    this.closePath();
  }

  closePath(): void {
    if (!this.hasPoint) return;
    // After Z the current point is the sub-path's start, in SVG as on a canvas.
    this.d.push("Z");
    this.pendingFill = null;
  }

  fill(): void {
    if (this.d.length === 0) return;
    const { color, opacity } = paint(this.state.fillStyle, this.state.globalAlpha);
    if (color === "none") return;
    const attrs = `fill="${escapeXml(color)}"${opacity < 1 ? ` fill-opacity="${num(opacity)}"` : ""}`;
    this.out.push(`<path d="${this.d.join("")}" ${attrs}/>`);
    this.pendingFill = { index: this.out.length - 1, attrs };
  }

  stroke(): void {
    if (this.d.length === 0) return;
    const { color, opacity } = paint(this.state.strokeStyle, this.state.globalAlpha);
    if (color === "none") return;
    const s = this.unitScale();
    let attrs = `stroke="${escapeXml(color)}" stroke-width="${num(this.state.lineWidth * s)}"`;
    if (opacity < 1) attrs += ` stroke-opacity="${num(opacity)}"`;
    if (this.state.dash.length > 0) attrs += ` stroke-dasharray="${this.state.dash.map((v) => num(v * s)).join(" ")}"`;
    if (this.state.lineCap !== "butt") attrs += ` stroke-linecap="${this.state.lineCap}"`;
    if (this.state.lineJoin !== "miter") attrs += ` stroke-linejoin="${this.state.lineJoin}"`;
    const d = this.d.join("");
    if (this.pendingFill) {
      this.out[this.pendingFill.index] = `<path d="${d}" ${this.pendingFill.attrs} ${attrs}/>`;
      this.pendingFill = null;
    } else {
      this.out.push(`<path d="${d}" fill="none" ${attrs}/>`);
    }
  }

  fillText(text: string, x: number, y: number): void {
    const { color, opacity } = paint(this.state.fillStyle, this.state.globalAlpha);
    if (color === "none" || text === "") return;
    this.pendingFill = null;
    const font = parseFont(this.state.font);
    const [a, b, c, d] = this.state.m;
    const anchor =
      this.state.textAlign === "center" ? "middle" : this.state.textAlign === "right" || this.state.textAlign === "end" ? "end" : "start";
    const baseline =
      this.state.textBaseline === "middle"
        ? ' dominant-baseline="central"'
        : this.state.textBaseline === "top" || this.state.textBaseline === "hanging"
          ? ' dominant-baseline="hanging"'
          : "";
    let place: string;
    let size = font.size;
    if (b === 0 && c === 0 && a === d && a > 0) {
      const [px, py] = this.tx(x, y);
      place = `x="${num(px)}" y="${num(py)}"`;
      size *= a;
    } else {
      const [, , , , e, f] = this.state.m;
      place = `x="${num(x)}" y="${num(y)}" transform="matrix(${[a, b, c, d, e, f].map((v) => num(v)).join(" ")})"`;
    }
    const weight = font.weight !== 400 ? ` font-weight="${font.weight}"` : "";
    const op = opacity < 1 ? ` fill-opacity="${num(opacity)}"` : "";
    const family = font.family === this.defaultFamily ? "" : ` font-family="${escapeXml(font.family)}"`;
    this.out.push(
      `<text ${place} font-size="${num(size)}"${weight}${family} fill="${escapeXml(color)}"${op} text-anchor="${anchor}"${baseline} xml:space="preserve">${escapeXml(text)}</text>`,
    );
  }

  setLineDash(segments: number[]): void {
    this.state.dash = [...segments];
  }

  save(): void {
    this.stack.push({ ...this.state, m: [...this.state.m] as Matrix, dash: [...this.state.dash] });
  }

  restore(): void {
    const s = this.stack.pop();
    if (s) this.state = s;
  }

  translate(x: number, y: number): void {
    const [a, b, c, d, e, f] = this.state.m;
    this.state.m = [a, b, c, d, a * x + c * y + e, b * x + d * y + f];
  }

  rotate(angle: number): void {
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    const [a, b, c, d, e, f] = this.state.m;
    this.state.m = [a * cos + c * sin, b * cos + d * sin, c * cos - a * sin, d * cos - b * sin, e, f];
  }

  scale(x: number, y: number): void {
    this.scaleBy(x, y);
  }

  private scaleBy(x: number, y: number): void {
    const [a, b, c, d, e, f] = this.state.m;
    this.state.m = [a * x, b * x, c * y, d * y, e, f];
  }
}

/** Parses the fonts the renderer writes: "[weight ]<size>px <family>". */
export function parseFont(font: string): { size: number; weight: number; family: string } {
  const m = /^(?:(\d{3})\s+)?([\d.]+)px\s+(.+)$/.exec(font.trim());
  if (!m) return { size: 10, weight: 400, family: "sans-serif" };
  return { size: Number(m[2]), weight: m[1] ? Number(m[1]) : 400, family: m[3] };
}
