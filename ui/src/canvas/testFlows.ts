// Small hand-made flows shared by the canvas tests: every node kind, every edge kind, a pool with
// lanes, a group and an expanded sub-process with children.

import type { CanvasEdge, CanvasLane, CanvasNode, EventDefinition, NodeKind } from "./types";

export const ALL_KINDS: readonly NodeKind[] = [
  "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
  "task", "userTask", "serviceTask", "manualTask", "businessRuleTask", "scriptTask", "sendTask", "receiveTask",
  "subProcess", "transaction", "adHocSubProcess", "callActivity",
  "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway",
  "dataObjectReference", "dataStoreReference", "textAnnotation", "group", "pool",
];

export const ALL_DEFINITIONS: readonly EventDefinition[] = [
  "message", "timer", "error", "signal", "escalation", "compensate", "conditional", "link", "terminate", "cancel",
];

export function node(id: string, kind: NodeKind, x: number, y: number, extra: Partial<CanvasNode> = {}): CanvasNode {
  const size = kind.endsWith("Event")
    ? { w: 36, h: 36 }
    : kind.endsWith("Gateway")
      ? { w: 50, h: 50 }
      : kind === "dataObjectReference"
        ? { w: 36, h: 50 }
        : kind === "dataStoreReference"
          ? { w: 50, h: 50 }
          : (kind === "subProcess" || kind === "transaction" || kind === "adHocSubProcess") && extra.expanded !== false
            ? { w: 300, h: 180 }
            : { w: 120, h: 72 };
  return { id, kind, name: id, x, y, ...size, ...extra };
}

export function edge(id: string, source: string, target: string, extra: Partial<CanvasEdge> = {}): CanvasEdge {
  return { id, kind: "sequenceFlow", source, target, name: "", waypoints: [], ...extra };
}

/** One node of every kind in a row (plus every event definition), names with XML specials and Chinese. */
export function kitchenSink(): { nodes: CanvasNode[]; edges: CanvasEdge[]; lanes: CanvasLane[] } {
  const nodes: CanvasNode[] = [];
  ALL_KINDS.forEach((kind, i) => {
    if (kind === "pool" || kind === "group") return;
    nodes.push(node(`k_${kind}`, kind, 100 + i * 320, 100, { name: `${kind} 名称 <&> "q" 'a'`, expanded: kind === "subProcess" ? false : undefined }));
  });
  ALL_DEFINITIONS.forEach((def, i) => {
    nodes.push(node(`ev_${def}_catch`, "intermediateCatchEvent", 100 + i * 100, 300, { eventDefinition: def, name: `捕获 ${def}` }));
    nodes.push(node(`ev_${def}_throw`, "intermediateThrowEvent", 100 + i * 100, 400, { eventDefinition: def, name: `抛出 ${def}` }));
  });
  nodes.push(node("nonint", "boundaryEvent", 300, 600, { interrupting: false, eventDefinition: "timer", name: "非中断" }));
  nodes.push(node("evsub", "subProcess", 600, 560, { w: 300, h: 200, triggeredByEvent: true, name: "事件子流程" }));
  nodes.push(node("grp", "group", 1000, 540, { w: 300, h: 240, name: "分组" }));
  nodes.push(node("pool", "pool", 0, 900, { w: 1400, h: 400, name: "银行 Bank" }));
  nodes.push(node("inpool", "userTask", 200, 950, { name: "客户经理审核" }));
  nodes.push(node("inpool2", "task", 500, 1150, { name: "Check the documents" }));
  const lanes: CanvasLane[] = [
    { id: "laneA", name: "客户经理", x: 30, y: 900, w: 1370, h: 200 },
    { id: "laneB", name: "风控部", x: 30, y: 1100, w: 1370, h: 200 },
  ];
  const edges: CanvasEdge[] = [
    edge("f1", "k_startEvent", "k_endEvent", { name: "seq & <flow>" }),
    edge("f2", "k_task", "k_userTask", { hasCondition: true, name: "条件" }),
    edge("f3", "k_exclusiveGateway", "k_parallelGateway", { isDefault: true, name: "默认" }),
    edge("f4", "inpool", "k_task", { kind: "messageFlow", name: "消息" }),
    edge("f5", "k_textAnnotation", "k_task", { kind: "association", name: "" }),
    edge("f6", "k_dataObjectReference", "k_task", { kind: "dataAssociation", name: "" }),
    edge("f7", "inpool", "inpool2", { waypoints: [{ x: 320, y: 986 }, { x: 410, y: 986 }, { x: 410, y: 1186 }, { x: 500, y: 1186 }] }),
  ];
  return { nodes, edges, lanes };
}
