import { describe, expect, it } from "vitest";
import { ELLIPSIS, TextLayout, estimateWidth, tokenize, wrapText } from "./text";

/** Monospace-ish measure: wide (CJK) characters 12, everything else 6. */
const measure = (s: string) => Array.from(s).reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 12 : 6), 0);

describe("wrapText", () => {
  it("breaks English at spaces and keeps every line within the width", () => {
    const lines = wrapText("Send the offer to the customer by mail", 60, measure);
    expect(lines).toEqual(["Send the", "offer to", "the", "customer", "by mail"]);
    for (const l of lines) expect(measure(l)).toBeLessThanOrEqual(60);
  });

  it("breaks Chinese between any two characters", () => {
    const lines = wrapText("客户经理提交贷款申请材料", 48, measure);
    expect(lines).toEqual(["客户经理", "提交贷款", "申请材料"]);
  });

  it("mixes scripts: words stay whole, CJK characters break anywhere", () => {
    expect(wrapText("提交 loan 申请", 42, measure)).toEqual(["提交", "loan 申", "请"]);
  });

  it("breaks a word longer than the line by characters", () => {
    const lines = wrapText("intermediateCatchEvent", 60, measure);
    expect(lines).toEqual(["intermedia", "teCatchEve", "nt"]);
  });

  it("keeps closing punctuation on the line before", () => {
    const lines = wrapText("审核通过。", 48, measure);
    expect(lines).toEqual(["审核通过。"]);
  });

  it("limits lines and ends the last kept one with an ellipsis that fits", () => {
    const lines = wrapText("one two three four five six", 30, measure, 2);
    expect(lines).toHaveLength(2);
    expect(lines[1].endsWith(ELLIPSIS)).toBe(true);
    expect(measure(lines[1])).toBeLessThanOrEqual(30);
  });

  it("honours explicit newlines and drops surrounding blank lines", () => {
    expect(wrapText("a\nb\n\nc\n", 100, measure)).toEqual(["a", "b", "", "c"]);
    expect(wrapText("", 100, measure)).toEqual([]);
    expect(wrapText("   ", 100, measure)).toEqual([]);
  });

  it("tokenizes into words, spaces and single wide characters", () => {
    expect(tokenize("ab 客户 cd")).toEqual(["ab", " ", "客", "户", " ", "cd"]);
  });
});

describe("TextLayout", () => {
  it("measures a name once and then answers from its cache", () => {
    let calls = 0;
    const layout = new TextLayout((_font, s) => {
      calls++;
      return measure(s);
    });
    const font = { size: 12, family: "x" };
    const first = layout.block("Check credit history", font, 60);
    const after = calls;
    const again = layout.block("Check credit history", font, 60);
    expect(again).toBe(first);
    expect(calls).toBe(after);
    expect(first.width).toBe(Math.max(...first.lines.map(measure)));
    // A different width is a different layout.
    layout.block("Check credit history", font, 200);
    expect(calls).toBeGreaterThan(after);
  });

  it("estimates wide characters as twice as wide as Latin ones", () => {
    expect(estimateWidth("客户", 10)).toBeCloseTo(20);
    expect(estimateWidth("ab", 10)).toBeCloseTo(11);
  });
});
