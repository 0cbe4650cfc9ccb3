// Node kinds of the flow canvas: their order in the palette, default sizes and groups.

import type { NodeKind } from "../bindings";

export const NODE_KINDS = [
  "startEvent",
  "intermediateEvent",
  "endEvent",
  "task",
  "userTask",
  "serviceTask",
  "exclusiveGateway",
  "parallelGateway",
] as const satisfies readonly NodeKind[];

// Compile-time check that NODE_KINDS lists every NodeKind (the translation test relies on it).
type MissingNodeKind = Exclude<NodeKind, (typeof NODE_KINDS)[number]>;
const allNodeKindsListed: [MissingNodeKind] extends [never] ? true : false = true;
void allNodeKindsListed;

export const NODE_SIZE: Record<NodeKind, { w: number; h: number }> = {
  startEvent: { w: 36, h: 36 },
  intermediateEvent: { w: 36, h: 36 },
  endEvent: { w: 36, h: 36 },
  task: { w: 120, h: 72 },
  userTask: { w: 120, h: 72 },
  serviceTask: { w: 120, h: 72 },
  exclusiveGateway: { w: 50, h: 50 },
  parallelGateway: { w: 50, h: 50 },
};

export type PaletteGroup = "events" | "activities" | "gateways";

export const PALETTE_GROUPS: { group: PaletteGroup; kinds: NodeKind[] }[] = [
  { group: "events", kinds: ["startEvent", "intermediateEvent", "endEvent"] },
  { group: "activities", kinds: ["task", "userTask", "serviceTask"] },
  { group: "gateways", kinds: ["exclusiveGateway", "parallelGateway"] },
];

export function isEvent(kind: NodeKind): boolean {
  return kind === "startEvent" || kind === "endEvent" || kind === "intermediateEvent";
}

export function isGateway(kind: NodeKind): boolean {
  return kind === "exclusiveGateway" || kind === "parallelGateway";
}

/** Shapes whose label is drawn below them (BPMN convention for events and gateways). */
export function hasOuterLabel(kind: NodeKind): boolean {
  return isEvent(kind) || isGateway(kind);
}

/** Drag-and-drop MIME type used by the palette. */
export const PALETTE_MIME = "application/x-triloop-node-kind";
