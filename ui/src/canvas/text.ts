// Text layout for names drawn on the canvas: greedy line wrapping that breaks at spaces, and
// between any two CJK characters (Chinese names have no spaces), with a line limit and an
// ellipsis; plus a cached layout so a name is measured once, not on every frame.

export type Measure = (text: string) => number;

/** Wide characters: CJK ideographs, kana, hangul, full-width forms and CJK punctuation. */
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;
/** Characters that must not start a line (closing punctuation); they stay on the line before. */
const NO_LINE_START = /^[，。、；：！？）」』》〉】〕…,.;:!?)\]}%]$/;

export const ELLIPSIS = "…";

/**
 * Splits a paragraph into wrap units: a run of spaces, a single wide character, or a run of
 * other characters (a word). A line may break before any unit.
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let word = "";
  let spaces = "";
  for (const ch of text) {
    if (ch === " " || ch === "\t") {
      if (word) tokens.push(word);
      word = "";
      spaces += " ";
    } else {
      if (spaces) tokens.push(spaces);
      spaces = "";
      if (WIDE.test(ch)) {
        if (word) tokens.push(word);
        word = "";
        tokens.push(ch);
      } else {
        word += ch;
      }
    }
  }
  if (word) tokens.push(word);
  if (spaces) tokens.push(spaces);
  return tokens;
}

/** Breaks a single unit that is wider than the line into pieces by characters. */
function breakByChars(token: string, maxWidth: number, measure: Measure): string[] {
  const pieces: string[] = [];
  let line = "";
  for (const ch of token) {
    if (line && measure(line + ch) > maxWidth) {
      pieces.push(line);
      line = ch;
    } else {
      line += ch;
    }
  }
  if (line) pieces.push(line);
  return pieces;
}

function wrapParagraph(text: string, maxWidth: number, measure: Measure, out: string[]): void {
  let line = "";
  for (const token of tokenize(text)) {
    const isSpace = token.startsWith(" ");
    if (!line && isSpace) continue;
    const candidate = line + token;
    if (measure(candidate) <= maxWidth) {
      line = candidate;
      continue;
    }
    if (isSpace) {
      // Spaces at the end of a line are dropped: the line breaks here.
      out.push(line);
      line = "";
      continue;
    }
    if (line && NO_LINE_START.test(token)) {
      // Closing punctuation stays with the text before it, slightly past the margin.
      line = candidate;
      continue;
    }
    if (line) out.push(line.trimEnd());
    if (measure(token) <= maxWidth) {
      line = token;
    } else {
      const pieces = breakByChars(token, maxWidth, measure);
      for (let i = 0; i < pieces.length - 1; i++) out.push(pieces[i]);
      line = pieces[pieces.length - 1] ?? "";
    }
  }
  line = line.trimEnd();
  if (line) out.push(line);
}

/**
 * Wraps `text` into lines no wider than `maxWidth` (except single characters that are wider
 * on their own, and closing punctuation). Explicit newlines start new lines. When more than
 * `maxLines` lines result, the last kept line ends with an ellipsis.
 */
export function wrapText(text: string, maxWidth: number, measure: Measure, maxLines = Infinity): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    const before = lines.length;
    wrapParagraph(paragraph, maxWidth, measure, lines);
    // Keep deliberate empty lines between paragraphs (annotations), not at the very start.
    if (lines.length === before && before > 0) lines.push("");
    if (lines.length > maxLines) break;
  }
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, Math.max(0, maxLines));
  if (kept.length === 0) return kept;
  let last = kept[kept.length - 1];
  while (last && measure(last + ELLIPSIS) > maxWidth) last = Array.from(last).slice(0, -1).join("");
  kept[kept.length - 1] = last.trimEnd() + ELLIPSIS;
  return kept;
}

/**
 * An approximate text width for when no canvas is available to measure with (SVG export in
 * tests, server-side rendering): wide characters take a full em, others about half.
 */
export function estimateWidth(text: string, fontSize: number): number {
  let w = 0;
  for (const ch of text) {
    if (WIDE.test(ch)) w += 1;
    else if (ch === " ") w += 0.28;
    else if (/[A-Z@%MW]/.test(ch)) w += 0.66;
    else if (/[ijl.,:;'|!]/.test(ch)) w += 0.28;
    else w += 0.55;
  }
  return w * fontSize;
}

/** A font: the CSS font shorthand parts the renderer uses. */
export type Font = { size: number; weight?: number; family: string };

export function fontString(f: Font): string {
  return `${f.weight && f.weight !== 400 ? `${f.weight} ` : ""}${f.size}px ${f.family}`;
}

/** Measures a string in a font. */
export type FontMeasure = (font: Font, text: string) => number;

/**
 * Cached wrapping. Names rarely change, so each (font, width, line limit, text) is wrapped
 * once; the cache is simply dropped when it grows past its limit.
 */
export class TextLayout {
  private readonly cache = new Map<string, TextBlock>();
  private readonly measureFont: FontMeasure;
  private readonly limit: number;

  constructor(measure: FontMeasure, limit = 50_000) {
    this.measureFont = measure;
    this.limit = limit;
  }

  /** An estimating layout (no canvas needed). */
  static estimating(): TextLayout {
    return new TextLayout((font, text) => estimateWidth(text, font.size));
  }

  measure(font: Font, text: string): number {
    return this.measureFont(font, text);
  }

  wrap(text: string, font: Font, maxWidth: number, maxLines = Infinity): string[] {
    return this.block(text, font, maxWidth, maxLines).lines;
  }

  /** The wrapped lines and the width of the widest one (for label backgrounds). */
  block(text: string, font: Font, maxWidth: number, maxLines = Infinity): TextBlock {
    const key = `${font.family}|${font.size}|${font.weight ?? 400}|${maxWidth}|${maxLines}|${text}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const measure = (s: string) => this.measureFont(font, s);
    const lines = wrapText(text, maxWidth, measure, maxLines);
    let width = 0;
    for (const line of lines) width = Math.max(width, measure(line));
    const block = { lines, width };
    if (this.cache.size >= this.limit) this.cache.clear();
    this.cache.set(key, block);
    return block;
  }
}

export type TextBlock = { readonly lines: string[]; readonly width: number };
