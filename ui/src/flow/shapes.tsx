// BPMN shapes as SVG, shared by the canvas nodes and the palette icons.

import type { NodeKind } from "../bindings";

type ShapeProps = { kind: NodeKind; w: number; h: number; className?: string };

function UserMarker() {
  return (
    <g className="bpmn-marker" transform="translate(7 6)">
      <circle cx="7" cy="4.5" r="3.2" />
      <path d="M1.5 15 C1.5 10.5 4 8.8 7 8.8 C10 8.8 12.5 10.5 12.5 15 Z" />
    </g>
  );
}

function GearMarker() {
  const teeth = Array.from({ length: 8 }, (_, i) => i * 45);
  return (
    <g className="bpmn-marker" transform="translate(14 13)">
      {teeth.map((a) => (
        <rect key={a} x="-1.6" y="-7.5" width="3.2" height="4" rx="0.6" transform={`rotate(${a})`} />
      ))}
      <circle r="5" />
      <circle r="2" className="bpmn-marker-hole" />
    </g>
  );
}

export function BpmnShape({ kind, w, h, className }: ShapeProps) {
  const cx = w / 2;
  const cy = h / 2;
  const r = Math.min(w, h) / 2;
  let body: React.ReactNode;
  switch (kind) {
    case "startEvent":
      body = <circle className="bpmn-shape bpmn-event-start" cx={cx} cy={cy} r={r - 1.5} strokeWidth={1.5} />;
      break;
    case "endEvent":
      body = <circle className="bpmn-shape bpmn-event-end" cx={cx} cy={cy} r={r - 2.5} strokeWidth={4} />;
      break;
    case "intermediateThrowEvent":
    case "intermediateCatchEvent":
    case "boundaryEvent":
      body = (
        <>
          <circle className="bpmn-shape bpmn-event-intermediate" cx={cx} cy={cy} r={r - 1.5} strokeWidth={1.5} />
          <circle className="bpmn-shape-line" cx={cx} cy={cy} r={Math.max(r - 5, 1)} strokeWidth={1.5} fill="none" />
        </>
      );
      break;
    case "exclusiveGateway":
    case "parallelGateway":
    case "inclusiveGateway":
    case "eventBasedGateway":
    case "complexGateway": {
      const d = Math.min(w, h) * 0.17;
      const mark =
        kind === "exclusiveGateway" ? (
          <path className="bpmn-gateway-mark" d={`M${cx - d} ${cy - d} L${cx + d} ${cy + d} M${cx + d} ${cy - d} L${cx - d} ${cy + d}`} />
        ) : kind === "parallelGateway" ? (
          <path className="bpmn-gateway-mark" d={`M${cx} ${cy - d * 1.3} L${cx} ${cy + d * 1.3} M${cx - d * 1.3} ${cy} L${cx + d * 1.3} ${cy}`} />
        ) : kind === "inclusiveGateway" ? (
          <circle className="bpmn-shape-line" cx={cx} cy={cy} r={d * 1.2} strokeWidth={2.5} fill="none" />
        ) : kind === "eventBasedGateway" ? (
          <>
            <circle className="bpmn-shape-line" cx={cx} cy={cy} r={d * 1.4} strokeWidth={1} fill="none" />
            <circle className="bpmn-shape-line" cx={cx} cy={cy} r={d * 1.1} strokeWidth={1} fill="none" />
          </>
        ) : (
          <path
            className="bpmn-gateway-mark"
            d={`M${cx} ${cy - d * 1.3} L${cx} ${cy + d * 1.3} M${cx - d * 1.3} ${cy} L${cx + d * 1.3} ${cy} M${cx - d} ${cy - d} L${cx + d} ${cy + d} M${cx + d} ${cy - d} L${cx - d} ${cy + d}`}
          />
        );
      body = (
        <>
          <polygon className="bpmn-shape bpmn-gateway" points={`${cx},1.5 ${w - 1.5},${cy} ${cx},${h - 1.5} 1.5,${cy}`} strokeWidth={1.5} />
          {mark}
        </>
      );
      break;
    }
    case "dataObjectReference": {
      const f = Math.min(10, w / 3);
      body = <path className="bpmn-shape bpmn-data" d={`M1 1 H${w - f} L${w - 1} ${f} V${h - 1} H1 Z M${w - f} 1 V${f} H${w - 1}`} strokeWidth={1.5} />;
      break;
    }
    case "dataStoreReference": {
      const e = Math.min(8, h / 5);
      body = (
        <path
          className="bpmn-shape bpmn-data"
          d={`M1 ${e} A${w / 2 - 1} ${e} 0 0 1 ${w - 1} ${e} V${h - e} A${w / 2 - 1} ${e} 0 0 1 1 ${h - e} Z M1 ${e} A${w / 2 - 1} ${e} 0 0 0 ${w - 1} ${e}`}
          strokeWidth={1.5}
        />
      );
      break;
    }
    case "textAnnotation":
      body = <path className="bpmn-shape-line" d={`M12 1 H1 V${h - 1} H12`} strokeWidth={1.5} fill="none" />;
      break;
    case "group":
      body = <rect className="bpmn-shape-line" x={1} y={1} width={w - 2} height={h - 2} rx={8} strokeWidth={1.5} strokeDasharray="8 4 2 4" fill="none" />;
      break;
    case "pool":
      body = (
        <>
          <rect className="bpmn-shape bpmn-pool" x={1} y={1} width={w - 2} height={h - 2} strokeWidth={1.5} fill="none" />
          <path className="bpmn-shape-line" d={`M30 1 V${h - 1}`} strokeWidth={1.5} />
        </>
      );
      break;
    default: {
      // Activities: tasks, sub-processes, call activities.
      const thick = kind === "callActivity" ? 4 : 1.5;
      const collapsed = kind === "subProcess" || kind === "transaction" || kind === "adHocSubProcess";
      body = (
        <>
          <rect className="bpmn-shape bpmn-task" x={1} y={1} width={w - 2} height={h - 2} rx={9} strokeWidth={thick} />
          {kind === "transaction" && <rect className="bpmn-shape-line" x={5} y={5} width={w - 10} height={h - 10} rx={6} strokeWidth={1} fill="none" />}
          {kind === "userTask" && <UserMarker />}
          {kind === "serviceTask" && <GearMarker />}
          {collapsed && (
            <g className="bpmn-marker-box" transform={`translate(${cx - 7} ${h - 17})`}>
              <rect width="14" height="14" fill="none" strokeWidth={1.2} className="bpmn-shape-line" />
              <path d="M7 3 V11 M3 7 H11" className="bpmn-gateway-mark" />
            </g>
          )}
          {kind !== "task" && kind !== "userTask" && kind !== "serviceTask" && !collapsed && kind !== "callActivity" && (
            <text x={8} y={16} className="bpmn-kind-tag">
              {KIND_TAG[kind] ?? ""}
            </text>
          )}
        </>
      );
    }
  }
  return (
    <svg className={className ?? "bpmn-svg"} width={w} height={h} viewBox={`0 0 ${w} ${h}`} aria-hidden="true">
      {body}
    </svg>
  );
}

/** A one-glyph tag for task types without a drawn marker yet. */
const KIND_TAG: Partial<Record<NodeKind, string>> = {
  manualTask: "✋",
  businessRuleTask: "▦",
  scriptTask: "✎",
  sendTask: "✉",
  receiveTask: "✉",
};
