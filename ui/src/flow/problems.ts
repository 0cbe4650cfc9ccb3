// Structural problems of a business flow, as the core's validation reports them (validateFlow):
// their codes, the per-element index the canvas reads, and the translated messages. Each
// problem carries its severity from the core.
//
// The canvas looks problems up per element in a keyed external store, so a new validation
// result re-renders only the nodes and edges whose problems changed; node objects are never
// re-created for it.

import type { TFunction } from "i18next";
import type { Problem, ProblemCode, Severity } from "../bindings";
import type { FlowEdge, FlowNode } from "../model";

export type { Problem, ProblemCode, Severity };

/** Every problem code, in the core's order (the order of `ProblemCode` in validate.rs). */
export const PROBLEM_CODES = [
  "unreachable",
  "deadEnd",
  "noStart",
  "noEnd",
  "crossesPool",
  "missingConditions",
  "parallelJoinedByExclusive",
  "danglingFlow",
  "brokenReference",
  "eventInAdHocSubProcess",
  "adHocCatchWithoutOutgoing",
  "eventGatewayTooFewFlows",
  "eventGatewayConditionalFlow",
  "untypedEventSubProcessStart",
  "fakeJoin",
  "globalUnnamed",
  "globalUnused",
  "globalDuplicateName",
  "labelMissing",
  "linkNameMissing",
  "linkUnmatched",
  "notDrawn",
  "complexGateway",
  "disconnected",
  "duplicateFlow",
  "gatewayJoinFork",
  "implicitSplit",
  "inclusiveGateway",
  "overlapping",
  "outsideParent",
  "severalBlankStarts",
  "severalEventDefinitions",
  "typedSubProcessStart",
  "superfluousGateway",
  "superfluousTermination",
] as const satisfies readonly ProblemCode[];

// Compile-time check that PROBLEM_CODES lists every ProblemCode (the translation test relies on it).
type MissingProblemCode = Exclude<ProblemCode, (typeof PROBLEM_CODES)[number]>;
const allProblemCodesListed: [MissingProblemCode] extends [never] ? true : false = true;
void allProblemCodesListed;

// Severity: errors break the flow's structure or the BPMN standard; warnings are flows that run,
// but probably not as meant. The core sends each problem's severity (the rule's default), so the
// UI keeps no table of its own.

/** One problem as the canvas shows it on an element: what it is and how serious. */
export type ProblemMark = { code: ProblemCode; severity: Severity };

/** The most serious of an element's problems: an error wins over a warning. */
export function worstSeverity(marks: readonly { severity: Severity }[]): Severity {
  return marks.some((m) => m.severity === "error") ? "error" : "warning";
}

/** What the problems list and the canvas need of the flow (names and positions). */
export type FlowLookup = {
  nodeById: ReadonlyMap<string, FlowNode>;
  edgeById: ReadonlyMap<string, FlowEdge>;
};

/**
 * Where a problem's element is:
 * - `node`, `edge`: on the canvas;
 * - `flow`: a process (the flow's own, or the one a pool holds), for the codes that concern a
 *   process or sub-process as a whole;
 * - `offCanvas`: an element the canvas does not draw: a global element of an imported BPMN file
 *   (a message, error, signal or escalation), an element no diagram draws, a lane, a diagram
 *   shape. The list names it by its id and says that it is not on the canvas.
 */
export type ElementKind = "node" | "edge" | "flow" | "offCanvas";

/** The codes whose element is a process or sub-process, not a flow element. */
const SCOPE_CODES: ReadonlySet<ProblemCode> = new Set<ProblemCode>(["noStart", "noEnd"]);

export function elementKind(flow: FlowLookup, p: Pick<Problem, "code" | "element">): ElementKind {
  if (flow.nodeById.has(p.element)) return "node";
  if (flow.edgeById.has(p.element)) return "edge";
  return SCOPE_CODES.has(p.code) ? "flow" : "offCanvas";
}

/** The pool that holds process `id` (a new pool's process is `Process_<pool id>`), if any. */
function poolOf(flow: FlowLookup, id: string): FlowNode | undefined {
  for (const n of flow.nodeById.values()) {
    if (n.kind === "pool" && (n.processRef ?? `Process_${n.id}`) === id) return n;
  }
  return undefined;
}

/**
 * The canvas element that shows a problem: its element when the canvas draws it, the pool for a
 * problem of the process a pool holds, else null (the problem is the flow's, or off the canvas).
 */
export function canvasElement(flow: FlowLookup, p: Pick<Problem, "code" | "element">): string | null {
  if (flow.nodeById.has(p.element) || flow.edgeById.has(p.element)) return p.element;
  return SCOPE_CODES.has(p.code) ? (poolOf(flow, p.element)?.id ?? null) : null;
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

/**
 * The translated message of a problem with `code` on `element` (a canvas element, a process, or
 * an element off the canvas, named by its id).
 */
export function problemText(t: TFunction, flow: FlowLookup, code: ProblemCode, element: string): string {
  let name: string;
  if (SCOPE_CODES.has(code)) {
    // The messages of a process's problems name it without quotes ("The flow has no end
    // event"), so a pool or sub-process is named with its kind.
    const shown = canvasElement(flow, { code, element });
    const node = shown === null ? undefined : flow.nodeById.get(shown);
    if (!node) name = t("problems.theFlow");
    else name = t(node.kind === "pool" ? "problems.pool" : "problems.subProcess", { name: elementName(flow, node.id) });
  } else {
    name = elementName(flow, element);
  }
  return t(`problems.message.${code}`, { name });
}

export function problemMessage(t: TFunction, flow: FlowLookup, p: Problem): string {
  return problemText(t, flow, p.code, p.element);
}

/**
 * Problems per canvas element id (nodes and sequence flows), with their severity, built once per
 * validation result. Besides the elements the core names, the outgoing sequence flows without a
 * condition (other than the default flow) of an element with missingConditions are marked too
 * (they are what needs a condition); those marks appear on the canvas, not in the list. A
 * problem of a pool's process marks the pool; elements the canvas does not draw are left out
 * (the problems list shows them).
 */
export function indexProblems(problems: readonly Problem[], flow: FlowLookup): Map<string, ProblemMark[]> {
  const index = new Map<string, ProblemMark[]>();
  const add = (id: string, code: ProblemCode, severity: Severity) => {
    const marks = index.get(id);
    if (!marks) index.set(id, [{ code, severity }]);
    else if (!marks.some((m) => m.code === code)) marks.push({ code, severity });
  };
  const splits = new Map<string, Severity>();
  for (const p of problems) {
    const shown = canvasElement(flow, p);
    if (shown !== null) add(shown, p.code, p.severity);
    if (p.code === "missingConditions") splits.set(p.element, p.severity);
  }
  if (splits.size > 0) {
    for (const e of flow.edgeById.values()) {
      const severity = splits.get(e.source);
      if (severity === undefined || e.condition != null) continue;
      if (flow.nodeById.get(e.source)?.defaultFlow === e.id) continue;
      add(e.id, "missingConditions", severity);
    }
  }
  return index;
}

/**
 * The problems list in reading order: the whole flow's first, then those of elements not on the
 * canvas, then those on the canvas; within each, by code (the core's order), then by position on
 * the canvas (top to bottom, left to right), else by id.
 */
export function sortForDisplay(problems: readonly Problem[], flow: FlowLookup): Problem[] {
  const RANK: Record<ElementKind, number> = { flow: 0, offCanvas: 1, node: 2, edge: 2 };
  const where = (p: Problem): [number, number] => {
    const n = flow.nodeById.get(p.element);
    if (n) return [n.y, n.x];
    const e = flow.edgeById.get(p.element);
    const s = e && flow.nodeById.get(e.source);
    return s ? [s.y, s.x] : [Infinity, Infinity];
  };
  const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return problems
    .map((p) => ({ p, r: RANK[elementKind(flow, p)], c: PROBLEM_CODES.indexOf(p.code), w: where(p) }))
    .sort((a, b) => a.r - b.r || a.c - b.c || a.w[0] - b.w[0] || a.w[1] - b.w[1] || byId(a.p.element, b.p.element))
    .map((x) => x.p);
}
