// Classification of node kinds: which notation family a kind belongs to, where its name goes,
// which drawing layer it is on and whether it can be connected or contain other nodes.

import type { CanvasNode } from "./types";

export function isEvent(kind: CanvasNode["kind"]): boolean {
  return (
    kind === "startEvent" ||
    kind === "endEvent" ||
    kind === "intermediateCatchEvent" ||
    kind === "intermediateThrowEvent" ||
    kind === "boundaryEvent"
  );
}

/** Events whose markers are drawn filled (BPMN: throwing events). */
export function isThrowing(kind: CanvasNode["kind"]): boolean {
  return kind === "endEvent" || kind === "intermediateThrowEvent";
}

export function isGateway(kind: CanvasNode["kind"]): boolean {
  return (
    kind === "exclusiveGateway" ||
    kind === "parallelGateway" ||
    kind === "inclusiveGateway" ||
    kind === "eventBasedGateway" ||
    kind === "complexGateway"
  );
}

export function isTask(kind: CanvasNode["kind"]): boolean {
  return (
    kind === "task" ||
    kind === "userTask" ||
    kind === "serviceTask" ||
    kind === "manualTask" ||
    kind === "businessRuleTask" ||
    kind === "scriptTask" ||
    kind === "sendTask" ||
    kind === "receiveTask"
  );
}

export function isSubProcess(kind: CanvasNode["kind"]): boolean {
  return kind === "subProcess" || kind === "transaction" || kind === "adHocSubProcess";
}

export function isActivity(kind: CanvasNode["kind"]): boolean {
  return isTask(kind) || isSubProcess(kind) || kind === "callActivity";
}

export function isData(kind: CanvasNode["kind"]): boolean {
  return kind === "dataObjectReference" || kind === "dataStoreReference";
}

/** Sub-processes are drawn expanded unless told otherwise (BPMN DI's isExpanded defaults the same way in practice). */
export function isExpandedSubProcess(n: CanvasNode): boolean {
  return isSubProcess(n.kind) && n.expanded !== false;
}

/** Names drawn below the shape (BPMN convention for events, gateways and data). */
export function hasOuterLabel(kind: CanvasNode["kind"]): boolean {
  return isEvent(kind) || isGateway(kind) || isData(kind);
}

/**
 * Nodes that other nodes sit inside: moving one moves what is inside, and they are drawn behind
 * the edges so that flows inside them stay visible.
 */
export function isContainer(n: CanvasNode): boolean {
  return n.kind === "pool" || n.kind === "group" || isExpandedSubProcess(n);
}

/** Nodes that get connection handles (everything but the "areas"). */
export function isConnectable(n: CanvasNode): boolean {
  return n.kind !== "pool" && n.kind !== "group";
}

/**
 * Drawing layers, back to front. Edges are drawn between LAYER_CONTAINER and LAYER_NODE.
 * Boundary events come after activities because they sit on an activity's border.
 */
export const LAYER_POOL = 0;
export const LAYER_GROUP = 1;
export const LAYER_CONTAINER = 2;
export const LAYER_NODE = 4;
export const LAYER_BOUNDARY = 5;

export function layerOf(n: CanvasNode): number {
  if (n.kind === "pool") return LAYER_POOL;
  if (n.kind === "group") return LAYER_GROUP;
  if (isExpandedSubProcess(n)) return LAYER_CONTAINER;
  if (n.kind === "boundaryEvent") return LAYER_BOUNDARY;
  return LAYER_NODE;
}
