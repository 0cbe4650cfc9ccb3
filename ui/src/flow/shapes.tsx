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
    case "intermediateEvent":
      body = (
        <>
          <circle className="bpmn-shape bpmn-event-intermediate" cx={cx} cy={cy} r={r - 1.5} strokeWidth={1.5} />
          <circle className="bpmn-shape-line" cx={cx} cy={cy} r={Math.max(r - 5, 1)} strokeWidth={1.5} fill="none" />
        </>
      );
      break;
    case "task":
    case "userTask":
    case "serviceTask":
      body = (
        <>
          <rect className="bpmn-shape bpmn-task" x={1} y={1} width={w - 2} height={h - 2} rx={9} strokeWidth={1.5} />
          {kind === "userTask" && <UserMarker />}
          {kind === "serviceTask" && <GearMarker />}
        </>
      );
      break;
    case "exclusiveGateway":
    case "parallelGateway": {
      const d = Math.min(w, h) * 0.17;
      body = (
        <>
          <polygon
            className="bpmn-shape bpmn-gateway"
            points={`${cx},1.5 ${w - 1.5},${cy} ${cx},${h - 1.5} 1.5,${cy}`}
            strokeWidth={1.5}
          />
          {kind === "exclusiveGateway" ? (
            <path className="bpmn-gateway-mark" d={`M${cx - d} ${cy - d} L${cx + d} ${cy + d} M${cx + d} ${cy - d} L${cx - d} ${cy + d}`} />
          ) : (
            <path className="bpmn-gateway-mark" d={`M${cx} ${cy - d * 1.3} L${cx} ${cy + d * 1.3} M${cx - d * 1.3} ${cy} L${cx + d * 1.3} ${cy}`} />
          )}
        </>
      );
      break;
    }
  }
  return (
    <svg className={className ?? "bpmn-svg"} width={w} height={h} viewBox={`0 0 ${w} ${h}`} aria-hidden="true">
      {body}
    </svg>
  );
}
