// Structural problems of a business flow, as the core's validateFlow reports them: their codes,
// severity, the per-element index the canvas reads, and the translated messages.
//
// The canvas looks problems up per element in a keyed external store, so a new validation
// result re-renders only the nodes and edges whose problems changed; node objects are never
// re-created for it.

import type { TFunction } from "i18next";
import type { Problem, ProblemCode } from "../bindings";
import type { FlowEdge, FlowNode } from "../model";

export type { Problem, ProblemCode };

/** Every problem code, in the core's order. */
export const PROBLEM_CODES = [
  "unreachable",
  "deadEnd",
  "noStart",
  "noEnd",
  "crossesPool",
  "missingConditions",
  "parallelJoinedByExclusive",
  "danglingFlow",
] as const satisfies readonly ProblemCode[];

// Compile-time check that PROBLEM_CODES lists every ProblemCode (the translation test relies on it).
type MissingProblemCode = Exclude<ProblemCode, (typeof PROBLEM_CODES)[number]>;
const allProblemCodesListed: [MissingProblemCode] extends [never] ? true : false = true;
void allProblemCodesListed;

export type Severity = "error" | "warning";

/** Errors break the flow's structure; warnings are flows that run, but probably not as meant. */
export function severityOf(code: ProblemCode): Severity {
  return code === "missingConditions" || code === "parallelJoinedByExclusive" ? "warning" : "error";
}

export function worstSeverity(codes: readonly ProblemCode[]): Severity {
  return codes.some((c) => severityOf(c) === "error") ? "error" : "warning";
}

/** What the problems list and the canvas need of the flow (names and positions). */
export type FlowLookup = {
  nodeById: ReadonlyMap<string, FlowNode>;
  edgeById: ReadonlyMap<string, FlowEdge>;
};

export type ElementKind = "node" | "edge" | "flow";

export function elementKind(flow: FlowLookup, element: string): ElementKind {
  if (flow.nodeById.has(element)) return "node";
  if (flow.edgeById.has(element)) return "edge";
  return "flow";
}

/** How a message names an element: its name, else (a sequence flow) its ends, else its id. */
export function elementName(flow: FlowLookup, element: string): string {
  const node = flow.nodeById.get(element);
  if (node) return node.name.trim() || element;
  const edge = flow.edgeById.get(element);
  if (edge) {
    if (edge.name.trim()) return edge.name.trim();
    const s = flow.nodeById.get(edge.source)?.name.trim();
    const t = flow.nodeById.get(edge.target)?.name.trim();
    return s && t ? `${s} → ${t}` : element;
  }
  return element;
}

/** The translated message of one problem on an element named `name`. */
export function problemText(t: TFunction, code: ProblemCode, name: string): string {
  return code === "noStart" || code === "noEnd"
    ? t(`problems.message.${code}`, { name: t("problems.theFlow") })
    : t(`problems.message.${code}`, { name });
}

export function problemMessage(t: TFunction, flow: FlowLookup, p: Problem): string {
  return problemText(t, p.code, elementName(flow, p.element));
}

/**
 * Problem codes per element id, built once per validation result. Besides the elements the core
 * names, the unconditioned outgoing sequence flows of a gateway with missingConditions are marked
 * too (they are what needs a condition); those marks appear on the canvas, not in the list.
 */
export function indexProblems(problems: readonly Problem[], flow: FlowLookup): Map<string, ProblemCode[]> {
  const index = new Map<string, ProblemCode[]>();
  const add = (id: string, code: ProblemCode) => {
    const codes = index.get(id);
    if (!codes) index.set(id, [code]);
    else if (!codes.includes(code)) codes.push(code);
  };
  const gateways = new Set<string>();
  for (const p of problems) {
    add(p.element, p.code);
    if (p.code === "missingConditions") gateways.add(p.element);
  }
  if (gateways.size > 0) {
    for (const e of flow.edgeById.values()) {
      if (gateways.has(e.source) && !e.name.trim()) add(e.id, "missingConditions");
    }
  }
  return index;
}

/**
 * The problems list in reading order: the whole flow's first, then by code (the core's order),
 * then by position on the canvas (top to bottom, left to right).
 */
export function sortForDisplay(problems: readonly Problem[], flow: FlowLookup): Problem[] {
  const rank = (p: Problem) => (elementKind(flow, p.element) === "flow" ? 0 : 1);
  const where = (p: Problem): [number, number] => {
    const n = flow.nodeById.get(p.element);
    if (n) return [n.y, n.x];
    const e = flow.edgeById.get(p.element);
    const s = e && flow.nodeById.get(e.source);
    return s ? [s.y, s.x] : [Infinity, Infinity];
  };
  return problems
    .map((p) => ({ p, r: rank(p), c: PROBLEM_CODES.indexOf(p.code), w: where(p) }))
    .sort((a, b) => a.r - b.r || a.c - b.c || a.w[0] - b.w[0] || a.w[1] - b.w[1])
    .map((x) => x.p);
}
