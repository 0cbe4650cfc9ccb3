// The canvas renderer's input model. Kept independent of the bindings so that the renderer can be
// fed from the current flow schema, a BPMN import or a generated benchmark flow alike; the
// integrator maps the view data onto these types.

export type NodeKind =
  | "startEvent" | "endEvent" | "intermediateCatchEvent" | "intermediateThrowEvent" | "boundaryEvent"
  | "task" | "userTask" | "serviceTask" | "manualTask" | "businessRuleTask" | "scriptTask" | "sendTask" | "receiveTask"
  | "subProcess" | "transaction" | "adHocSubProcess" | "callActivity"
  | "exclusiveGateway" | "parallelGateway" | "inclusiveGateway" | "eventBasedGateway" | "complexGateway"
  | "dataObjectReference" | "dataStoreReference" | "textAnnotation" | "group" | "pool";
/**
 * A kind of another shape set than BPMN's: "<set>:<kind>" (for example "domain:entity"); the
 * scene's shape set gives it meaning, and BPMN's classifications never match it.
 */
export type ShapeKind = `${string}:${string}`;
/** One line inside a card (an entity's attribute, an enumeration's value). */
export type CanvasRow = { text: string; strong?: boolean; muted?: boolean };
export type EventDefinition = "message" | "timer" | "error" | "signal" | "escalation" | "compensate" | "conditional" | "link" | "terminate" | "cancel";
export type CanvasNode = {
  id: string; kind: NodeKind | ShapeKind; name: string;   // for textAnnotation, name is the text
  x: number; y: number; w: number; h: number; // flow coordinates, top-left + size
  eventDefinition?: EventDefinition | null;   // events only; null = none event
  interrupting?: boolean;                     // boundary / start events of event sub-processes: false → dashed double ring
  expanded?: boolean;                         // sub-process kinds: false → draw "+" marker at bottom centre
  triggeredByEvent?: boolean;                 // event sub-process → dotted border
  caption?: string;                           // other shape sets: a line above the name (a stereotype, a type)
  rows?: readonly CanvasRow[];                // other shape sets: lines below the name (attributes, values)
};
export type EdgeKind = "sequenceFlow" | "messageFlow" | "association" | "dataAssociation";
export type CanvasEdge = {
  id: string; kind: EdgeKind | ShapeKind; source: string; target: string; name: string;
  waypoints: { x: number; y: number }[];       // may be empty: then route it yourself (orthogonal elbow between the two shapes' borders)
  isDefault?: boolean;                         // sequence flow: slash marker near the source
  hasCondition?: boolean;                      // sequence flow leaving an activity: small diamond at the source
  sourceBadge?: string;                        // other shape sets: a short tag drawn at the source end (e.g. "U", "OHS")
  targetBadge?: string;                        // … and at the target end
};
export type CanvasLane = { id: string; name: string; x: number; y: number; w: number; h: number };

/** A point in flow (or screen, where stated) coordinates. */
export type Point = { x: number; y: number };

/** An axis-aligned rectangle: top-left corner and size. */
export type Rect = { x: number; y: number; w: number; h: number };

/**
 * The view transform, the same convention as xyflow's: screen = flow × zoom + (x, y), where
 * screen is relative to the canvas element's top-left corner, in CSS pixels.
 */
export type Viewport = { x: number; y: number; zoom: number };

export type ProblemSeverity = "error" | "warning";
