// BPMN properties of the selected element, in the element panel: its kind (within its
// family: an event stays an event), what triggers an event, whether a boundary event
// interrupts, whether a sub-process is drawn expanded, and for a gateway or activity its
// outgoing sequence flows with their conditions and which one is the default.

import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { EventDefinition } from "../bindings";
import type { FlowEdge, FlowNode, FlowOp, NodeKind } from "../model";
import { ACTIVITY_KINDS, EVENT_KINDS, GATEWAY_KINDS, isActivity, isEvent, isGateway } from "./kinds";

/** The event kinds a free-standing event may switch between (a boundary event stays one). */
const FREE_EVENT_KINDS = EVENT_KINDS.filter((k) => k !== "boundaryEvent");

/** The event definitions BPMN allows on each kind of event (top-level processes). */
export const EVENT_DEFINITIONS: Partial<Record<NodeKind, EventDefinition[]>> = {
  startEvent: ["message", "timer", "signal", "conditional"],
  intermediateCatchEvent: ["message", "timer", "signal", "conditional", "link"],
  intermediateThrowEvent: ["message", "signal", "escalation", "compensate", "link"],
  boundaryEvent: ["message", "timer", "error", "signal", "escalation", "conditional", "compensate", "cancel"],
  endEvent: ["message", "error", "signal", "escalation", "compensate", "terminate", "cancel"],
};

/** Kinds a node may change into: its own family (a boundary event stays one). */
export function kindChoices(kind: NodeKind): NodeKind[] {
  if (kind === "boundaryEvent") return [kind];
  if (isEvent(kind)) return [...FREE_EVENT_KINDS];
  if (isGateway(kind)) return [...GATEWAY_KINDS];
  if (isActivity(kind)) return [...ACTIVITY_KINDS];
  return [kind];
}

/** Catching events need a trigger: the none event exists only where BPMN allows it. */
function allowsNone(kind: NodeKind): boolean {
  return kind === "startEvent" || kind === "intermediateThrowEvent" || kind === "endEvent";
}

type Props = {
  node: FlowNode;
  /** The node's outgoing sequence flows, with their targets' names. */
  outgoing: { edge: FlowEdge; targetName: string }[];
  onEdit(ops: FlowOp[]): void;
};

export function PropertiesSection({ node, outgoing, onEdit }: Props) {
  const { t } = useTranslation();
  const update = (patch: Partial<FlowNode>) => onEdit([{ op: "updateNode", node: { ...node, ...patch } }]);
  const kinds = kindChoices(node.kind);
  const definitions = EVENT_DEFINITIONS[node.kind];
  const subProcess = node.kind === "subProcess" || node.kind === "transaction" || node.kind === "adHocSubProcess";
  const branching = (isGateway(node.kind) && node.kind !== "parallelGateway") || (isActivity(node.kind) && outgoing.length > 1);

  const changeKind = (kind: NodeKind) => {
    // A trigger the new kind cannot have goes; a catching event without one gets a message.
    const allowed = EVENT_DEFINITIONS[kind] ?? [];
    let eventDefinition = node.eventDefinition && allowed.includes(node.eventDefinition) ? node.eventDefinition : null;
    if (isEvent(kind) && !allowsNone(kind) && eventDefinition === null) eventDefinition = allowed[0] ?? null;
    update({ kind, eventDefinition: isEvent(kind) ? eventDefinition : null });
  };

  return (
    <section className="properties-section" aria-labelledby="properties-title" data-testid="properties">
      <h3 id="properties-title" className="links-title">
        {t("properties.title")}
      </h3>
      <label className="property-row">
        <span>{t("properties.kind")}</span>
        <select
          data-testid="property-kind"
          value={node.kind}
          disabled={kinds.length < 2}
          onChange={(e) => changeKind(e.target.value as NodeKind)}
        >
          {kinds.map((k) => (
            <option key={k} value={k}>
              {t(`nodeKind.${k}`)}
            </option>
          ))}
        </select>
      </label>
      {definitions && (
        <label className="property-row">
          <span>{t("properties.eventDefinition")}</span>
          <select
            data-testid="property-event-definition"
            value={node.eventDefinition ?? ""}
            onChange={(e) => update({ eventDefinition: (e.target.value || null) as EventDefinition | null })}
          >
            {(allowsNone(node.kind) || node.eventDefinition === null) && <option value="">{t("properties.none")}</option>}
            {definitions.map((d) => (
              <option key={d} value={d}>
                {t(`eventDefinition.${d}`)}
              </option>
            ))}
          </select>
        </label>
      )}
      {node.kind === "boundaryEvent" && (
        <label className="property-check">
          <input
            type="checkbox"
            data-testid="property-interrupting"
            checked={node.interrupting !== false}
            onChange={(e) => update({ interrupting: e.target.checked })}
          />
          {t("properties.interrupting")}
        </label>
      )}
      {subProcess && (
        <label className="property-check">
          <input
            type="checkbox"
            data-testid="property-expanded"
            checked={node.expanded === true}
            onChange={(e) => update({ expanded: e.target.checked })}
          />
          {t("properties.expanded")}
        </label>
      )}
      {branching && outgoing.length > 0 && (
        <div className="property-flows">
          <div className="property-flows-title">{t("properties.outgoing")}</div>
          {outgoing.map(({ edge, targetName }) => (
            <div className="property-flow" key={edge.id} data-testid="property-flow" data-edge-id={edge.id}>
              <label className="property-check" title={t("properties.defaultHint")}>
                <input
                  type="radio"
                  name={`default-${node.id}`}
                  data-testid="property-default"
                  checked={node.defaultFlow === edge.id}
                  onChange={() => update({ defaultFlow: edge.id })}
                />
                → {targetName || t("element.unnamed")}
                {edge.name ? ` (${edge.name})` : ""}
              </label>
              <ConditionInput
                value={edge.condition ?? ""}
                disabled={node.defaultFlow === edge.id}
                placeholder={node.defaultFlow === edge.id ? t("properties.default") : t("properties.conditionPlaceholder")}
                onCommit={(value) => onEdit([{ op: "updateEdge", edge: { ...edge, condition: value.trim() ? value.trim() : null } }])}
              />
            </div>
          ))}
          {node.defaultFlow !== null && (
            <button type="button" className="text-button" data-testid="property-no-default" onClick={() => update({ defaultFlow: null })}>
              {t("properties.noDefault")}
            </button>
          )}
        </div>
      )}
    </section>
  );
}

/** A condition expression, committed on Enter or when focus leaves. */
function ConditionInput({
  value,
  disabled,
  placeholder,
  onCommit,
}: {
  value: string;
  disabled: boolean;
  placeholder: string;
  onCommit(value: string): void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const commit = () => {
    if (draft !== value) onCommit(draft);
  };
  return (
    <input
      className="property-condition"
      data-testid="property-condition"
      aria-label={t("properties.condition")}
      value={draft}
      disabled={disabled}
      placeholder={placeholder}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === "Enter") commit();
        if (e.key === "Escape") setDraft(value);
      }}
    />
  );
}
