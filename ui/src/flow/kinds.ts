// Node kinds of the flow canvas: their order in the palette, default sizes and groups.

import type { NodeKind } from "../bindings";

export const NODE_KINDS = [
  "startEvent",
  "intermediateThrowEvent",
  "intermediateCatchEvent",
  "boundaryEvent",
  "endEvent",
  "task",
  "userTask",
  "serviceTask",
  "manualTask",
  "businessRuleTask",
  "scriptTask",
  "sendTask",
  "receiveTask",
  "subProcess",
  "transaction",
  "adHocSubProcess",
  "callActivity",
  "exclusiveGateway",
  "parallelGateway",
  "inclusiveGateway",
  "eventBasedGateway",
  "complexGateway",
  "dataObjectReference",
  "dataStoreReference",
  "textAnnotation",
  "group",
  "pool",
] as const satisfies readonly NodeKind[];

// Compile-time check that NODE_KINDS lists every NodeKind (the translation test relies on it).
type MissingNodeKind = Exclude<NodeKind, (typeof NODE_KINDS)[number]>;
const allNodeKindsListed: [MissingNodeKind] extends [never] ? true : false = true;
void allNodeKindsListed;

export const EVENT_KINDS: readonly NodeKind[] = ["startEvent", "intermediateThrowEvent", "intermediateCatchEvent", "boundaryEvent", "endEvent"];
export const GATEWAY_KINDS: readonly NodeKind[] = ["exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"];
/** Tasks, sub-processes and call activities. */
export const ACTIVITY_KINDS: readonly NodeKind[] = [
  "task",
  "userTask",
  "serviceTask",
  "manualTask",
  "businessRuleTask",
  "scriptTask",
  "sendTask",
  "receiveTask",
  "subProcess",
  "transaction",
  "adHocSubProcess",
  "callActivity",
];

export function isEvent(kind: NodeKind): boolean {
  return EVENT_KINDS.includes(kind);
}

export function isGateway(kind: NodeKind): boolean {
  return GATEWAY_KINDS.includes(kind);
}

export function isActivity(kind: NodeKind): boolean {
  return ACTIVITY_KINDS.includes(kind);
}

/** The default size of a new element of each kind (the core's `NodeKind::default_size`). */
export const NODE_SIZE: Record<NodeKind, { w: number; h: number }> = Object.fromEntries(
  NODE_KINDS.map((k) => {
    if (isEvent(k)) return [k, { w: 36, h: 36 }];
    if (isGateway(k)) return [k, { w: 50, h: 50 }];
    switch (k) {
      case "dataObjectReference":
        return [k, { w: 36, h: 50 }];
      case "dataStoreReference":
        return [k, { w: 50, h: 50 }];
      case "textAnnotation":
        return [k, { w: 120, h: 40 }];
      case "group":
        return [k, { w: 300, h: 200 }];
      case "pool":
        return [k, { w: 900, h: 250 }];
      default:
        return [k, { w: 120, h: 72 }];
    }
  }),
) as Record<NodeKind, { w: number; h: number }>;

export type PaletteGroup = "events" | "activities" | "gateways" | "data";

export const PALETTE_GROUPS: { group: PaletteGroup; kinds: NodeKind[] }[] = [
  { group: "events", kinds: ["startEvent", "intermediateThrowEvent", "intermediateCatchEvent", "endEvent"] },
  {
    group: "activities",
    kinds: ["task", "userTask", "serviceTask", "manualTask", "businessRuleTask", "scriptTask", "sendTask", "receiveTask", "subProcess", "callActivity"],
  },
  { group: "gateways", kinds: ["exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway"] },
  { group: "data", kinds: ["dataObjectReference", "dataStoreReference", "textAnnotation", "group", "pool"] },
];

/** Shapes whose label is drawn below them (BPMN convention for events and gateways). */
export function hasOuterLabel(kind: NodeKind): boolean {
  return isEvent(kind) || isGateway(kind);
}

/** Drag-and-drop MIME type used by the palette. */
export const PALETTE_MIME = "application/x-triloop-node-kind";
