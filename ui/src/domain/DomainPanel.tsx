// The element panel of the domain canvases: docked right while one context, subdomain,
// relationship or element is selected. It edits what the canvas does not show as a gesture
// (the subdomain and vision of a context, a relationship's pattern and roles, an aggregate's
// root and invariants, the attributes of an entity or value object with their types, a
// command's handler and events, a policy's event and command…) and lists the element's typed
// links across documents, incoming too ("what uses this?").

import { useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { Backend } from "../backend";
import type { ApiError, DataType, DownstreamRole, RelationshipPattern, SubdomainKind, UpstreamRole } from "../bindings";
import { CloseIcon, PlusIcon, TrashIcon } from "../components/icons";
import { ElementId, LinksSection } from "../flow/ElementPanel";
import type { OtherEnd } from "../flow/links";
import { newId } from "../ids";
import {
  attributeRecord,
  contextRecord,
  elementRecord,
  freshName,
  newAttribute,
  orderAfter,
  relationshipRecord,
  subdomainRecord,
  type Attribute,
  type BoundedContext,
  type DomainElement,
  type DomainModel,
  type DomainOp,
  type ModelIndex,
  type Relationship,
  type Subdomain,
} from "./domainModel";

export type PanelTarget =
  | { type: "context"; record: BoundedContext }
  | { type: "subdomain"; record: Subdomain }
  | { type: "relationship"; record: Relationship }
  | { type: "element"; record: DomainElement };

export const PATTERNS: readonly RelationshipPattern[] = ["partnership", "sharedKernel", "customerSupplier", "upstreamDownstream", "separateWays"];
export const UPSTREAM_ROLES: readonly UpstreamRole[] = ["openHostService", "publishedLanguage"];
export const DOWNSTREAM_ROLES: readonly DownstreamRole[] = ["conformist", "anticorruptionLayer"];
export const SUBDOMAIN_KINDS: readonly SubdomainKind[] = ["core", "supporting", "generic"];
export const DATA_TYPES: readonly DataType[] = ["text", "integer", "decimal", "money", "date", "dateTime", "boolean", "enumeration", "reference"];

export function isSymmetric(p: RelationshipPattern): boolean {
  return p === "partnership" || p === "sharedKernel" || p === "separateWays";
}

type Props = {
  backend: Backend;
  workspaceId: string;
  documentId: string;
  model: DomainModel;
  ix: ModelIndex;
  target: PanelTarget;
  readOnly: boolean;
  onEdit(ops: DomainOp[]): void;
  onClose(): void;
  onOpenLink(end: OtherEnd): void;
  showError(error: ApiError): void;
};

/** A text field that commits when it loses focus or on Enter (Escape restores), not on every key. */
export function CommitField({
  value,
  onCommit,
  testId,
  label,
  multiline,
  disabled,
  placeholder,
}: {
  value: string;
  onCommit(v: string): void;
  testId: string;
  label: string;
  multiline?: boolean;
  disabled?: boolean;
  placeholder?: string;
}) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const commit = () => {
    if (draft !== value) onCommit(draft);
  };
  const common = {
    "data-testid": testId,
    "aria-label": label,
    value: draft,
    disabled,
    placeholder,
    onBlur: commit,
  };
  if (multiline) {
    return (
      <textarea
        className="domain-field domain-textarea"
        rows={3}
        {...common}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") setDraft(value);
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) commit();
        }}
      />
    );
  }
  return (
    <input
      className="domain-field"
      {...common}
      onChange={(e) => setDraft(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === "Enter") commit();
        if (e.key === "Escape") setDraft(value);
      }}
    />
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="domain-row">
      <span className="domain-row-label">{label}</span>
      {children}
    </label>
  );
}

const lines = (v: string) =>
  v
    .split("\n")
    .map((s) => s.trim())
    .filter(Boolean);

export function DomainPanel({ backend, workspaceId, documentId, model, ix, target, readOnly, onEdit, onClose, onOpenLink, showError }: Props) {
  const { t } = useTranslation();
  const id = target.record.id;
  const kindLabel =
    target.type === "element"
      ? t(`domain.kindCaption.${target.record.kind}`)
      : target.type === "context"
        ? t("domain.canvas.contextCaption")
        : target.type === "subdomain"
          ? t("domain.canvas.subdomainCaption")
          : t("domain.canvas.relationshipCaption");
  const name = target.type === "relationship" ? (target.record.name ?? "") : target.record.name;
  const rename = (v: string) => {
    const r = target.record;
    if (target.type === "relationship") onEdit([{ op: "update", record: relationshipRecord({ ...target.record, name: v.trim() || null }) }]);
    else if (target.type === "context") onEdit([{ op: "update", record: contextRecord({ ...(r as BoundedContext), name: v.trim() || (r as BoundedContext).name }) }]);
    else if (target.type === "subdomain") onEdit([{ op: "update", record: subdomainRecord({ ...(r as Subdomain), name: v.trim() || (r as Subdomain).name }) }]);
    else onEdit([{ op: "update", record: elementRecord({ ...(r as DomainElement), name: v.trim() || (r as DomainElement).name }) }]);
  };

  return (
    <aside className="element-panel domain-panel" data-testid="element-panel" data-element-id={id} aria-label={t("element.panelLabel")}>
      <header className="element-panel-header">
        <span className="element-kind" data-testid="element-kind">
          {kindLabel}
        </span>
        <span className="toolbar-spacer" />
        <button type="button" className="icon-button" data-testid="element-panel-close" title={t("element.close")} aria-label={t("element.close")} onClick={onClose}>
          <CloseIcon size={14} />
        </button>
      </header>
      <div className="element-panel-body">
        <Row label={t("domain.panel.name")}>
          <CommitField value={name} onCommit={rename} testId="domain-name" label={t("domain.panel.name")} disabled={readOnly} />
        </Row>
        <ElementId id={id} />
        {target.type === "context" && <ContextFields model={model} context={target.record} readOnly={readOnly} onEdit={onEdit} />}
        {target.type === "subdomain" && <SubdomainFields subdomain={target.record} readOnly={readOnly} onEdit={onEdit} />}
        {target.type === "relationship" && <RelationshipFields ix={ix} rel={target.record} readOnly={readOnly} onEdit={onEdit} />}
        {target.type === "element" && <ElementFields model={model} ix={ix} element={target.record} readOnly={readOnly} onEdit={onEdit} />}
        {target.type !== "relationship" && target.type !== "subdomain" && (
          <LinksSection backend={backend} workspaceId={workspaceId} documentId={documentId} elementId={id} onOpenLink={onOpenLink} showError={showError} />
        )}
      </div>
    </aside>
  );
}

function ContextFields({ model, context, readOnly, onEdit }: { model: DomainModel; context: BoundedContext; readOnly: boolean; onEdit(ops: DomainOp[]): void }) {
  const { t } = useTranslation();
  const setSubdomain = (v: string) => {
    if (v.startsWith("new:")) {
      const kind = v.slice(4) as SubdomainKind;
      const sub: Subdomain = {
        id: newId(),
        name: freshName(t(`domain.subdomainKind.${kind}`), model.subdomains.map((s) => s.name)),
        kind,
        domain: null,
        description: null,
        kept: null,
      };
      onEdit([{ op: "add", record: subdomainRecord(sub) }, { op: "update", record: contextRecord({ ...context, subdomain: sub.id }) }]);
      return;
    }
    onEdit([{ op: "update", record: contextRecord({ ...context, subdomain: v || null }) }]);
  };
  return (
    <section className="domain-section">
      <Row label={t("domain.panel.subdomain")}>
        <select className="domain-field" data-testid="domain-subdomain" value={context.subdomain ?? ""} disabled={readOnly} onChange={(e) => setSubdomain(e.target.value)}>
          <option value="">{t("domain.panel.none")}</option>
          {model.subdomains.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} ({t(`domain.subdomainKind.${s.kind}`)})
            </option>
          ))}
          {SUBDOMAIN_KINDS.map((k) => (
            <option key={k} value={`new:${k}`}>
              {t("domain.panel.newSubdomain", { kind: t(`domain.subdomainKind.${k}`) })}
            </option>
          ))}
        </select>
      </Row>
      <Row label={t("domain.panel.vision")}>
        <CommitField
          multiline
          value={context.vision ?? ""}
          testId="domain-vision"
          label={t("domain.panel.vision")}
          disabled={readOnly}
          onCommit={(v) => onEdit([{ op: "update", record: contextRecord({ ...context, vision: v.trim() || null }) }])}
        />
      </Row>
    </section>
  );
}

function SubdomainFields({ subdomain, readOnly, onEdit }: { subdomain: Subdomain; readOnly: boolean; onEdit(ops: DomainOp[]): void }) {
  const { t } = useTranslation();
  return (
    <section className="domain-section">
      <Row label={t("domain.panel.subdomainKind")}>
        <select
          className="domain-field"
          data-testid="domain-subdomain-kind"
          value={subdomain.kind}
          disabled={readOnly}
          onChange={(e) => onEdit([{ op: "update", record: subdomainRecord({ ...subdomain, kind: e.target.value as SubdomainKind }) }])}
        >
          {SUBDOMAIN_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`domain.subdomainKind.${k}`)}
            </option>
          ))}
        </select>
      </Row>
    </section>
  );
}

function RelationshipFields({ ix, rel, readOnly, onEdit }: { ix: ModelIndex; rel: Relationship; readOnly: boolean; onEdit(ops: DomainOp[]): void }) {
  const { t } = useTranslation();
  const update = (r: Relationship) => onEdit([{ op: "update", record: relationshipRecord(r) }]);
  const symmetric = isSymmetric(rel.pattern);
  const up = ix.context.get(rel.upstream)?.name ?? rel.upstream;
  const down = ix.context.get(rel.downstream)?.name ?? rel.downstream;
  const toggle = <T,>(list: readonly T[], v: T) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  return (
    <section className="domain-section">
      <Row label={t("domain.panel.pattern")}>
        <select
          className="domain-field"
          data-testid="domain-pattern"
          value={rel.pattern}
          disabled={readOnly}
          onChange={(e) => {
            const pattern = e.target.value as RelationshipPattern;
            update(isSymmetric(pattern) ? { ...rel, pattern, upstreamRoles: [], downstreamRoles: [] } : { ...rel, pattern });
          }}
        >
          {PATTERNS.map((p) => (
            <option key={p} value={p}>
              {t(`domain.pattern.${p}`)}
            </option>
          ))}
        </select>
      </Row>
      <div className="domain-ends">
        <span data-testid="domain-upstream">{symmetric ? up : t("domain.panel.upstreamIs", { name: up })}</span>
        <span data-testid="domain-downstream">{symmetric ? down : t("domain.panel.downstreamIs", { name: down })}</span>
        <button
          type="button"
          className="text-button"
          data-testid="domain-swap"
          disabled={readOnly}
          onClick={() => update({ ...rel, upstream: rel.downstream, downstream: rel.upstream, upstreamRoles: [], downstreamRoles: [] })}
        >
          {t("domain.panel.swap")}
        </button>
      </div>
      {!symmetric && (
        <div className="domain-roles">
          {UPSTREAM_ROLES.map((r) => (
            <label key={r} className="domain-check">
              <input
                type="checkbox"
                data-testid={`domain-role-${r}`}
                checked={rel.upstreamRoles.includes(r)}
                disabled={readOnly}
                onChange={() => update({ ...rel, upstreamRoles: toggle(rel.upstreamRoles, r) })}
              />
              {t(`domain.upstreamRole.${r}`)}
            </label>
          ))}
          {DOWNSTREAM_ROLES.map((r) => (
            <label key={r} className="domain-check">
              <input
                type="checkbox"
                data-testid={`domain-role-${r}`}
                checked={rel.downstreamRoles.includes(r)}
                disabled={readOnly}
                onChange={() => update({ ...rel, downstreamRoles: toggle(rel.downstreamRoles, r) })}
              />
              {t(`domain.downstreamRole.${r}`)}
            </label>
          ))}
        </div>
      )}
    </section>
  );
}

function ElementFields({
  model,
  ix,
  element,
  readOnly,
  onEdit,
}: {
  model: DomainModel;
  ix: ModelIndex;
  element: DomainElement;
  readOnly: boolean;
  onEdit(ops: DomainOp[]): void;
}) {
  const { t } = useTranslation();
  const update = (e: DomainElement) => onEdit([{ op: "update", record: elementRecord(e) }]);
  const siblings = ix.elements.get(element.context) ?? [];
  const ofKind = (k: DomainElement["kind"]) => siblings.filter((e) => e.kind === k);
  const select = (testId: string, label: string, value: string | null, options: DomainElement[], set: (v: string | null) => void) => (
    <Row label={label}>
      <select className="domain-field" data-testid={testId} value={value ?? ""} disabled={readOnly} onChange={(e) => set(e.target.value || null)}>
        <option value="">{t("domain.panel.none")}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </Row>
  );
  const checks = (testId: string, label: string, values: readonly string[], options: DomainElement[], set: (v: string[]) => void) => (
    <fieldset className="domain-checks" data-testid={testId}>
      <legend>{label}</legend>
      {options.length === 0 && <span className="domain-empty">{t("domain.panel.noneYet")}</span>}
      {options.map((o) => (
        <label key={o.id} className="domain-check">
          <input
            type="checkbox"
            checked={values.includes(o.id)}
            disabled={readOnly}
            onChange={() => set(values.includes(o.id) ? values.filter((v) => v !== o.id) : [...values, o.id])}
          />
          {o.name}
        </label>
      ))}
    </fieldset>
  );
  const k = element.kind;
  const member = k === "entity" || k === "valueObject" || k === "enumeration" || k === "command" || k === "domainEvent";
  const emitter = k === "command" || k === "aggregate" || k === "domainService" || k === "externalSystem" || k === "policy";
  const attributed = k === "entity" || k === "valueObject" || k === "command" || k === "domainEvent" || k === "readModel";
  return (
    <section className="domain-section">
      <Row label={t("domain.panel.description")}>
        <CommitField
          multiline
          value={element.description ?? ""}
          testId="domain-description"
          label={t("domain.panel.description")}
          disabled={readOnly}
          onCommit={(v) => update({ ...element, description: v.trim() || null })}
        />
      </Row>
      {member && select("domain-aggregate", t("domain.panel.aggregate"), element.aggregate, ofKind("aggregate"), (v) => update({ ...element, aggregate: v }))}
      {k === "aggregate" &&
        select(
          "domain-root",
          t("domain.panel.root"),
          element.root,
          ofKind("entity").filter((e) => !e.aggregate || e.aggregate === element.id),
          (v) => {
            const ops: DomainOp[] = [{ op: "update", record: elementRecord({ ...element, root: v }) }];
            const root = v ? ix.element.get(v) : undefined;
            if (root && root.aggregate !== element.id) ops.push({ op: "update", record: elementRecord({ ...root, aggregate: element.id }) });
            onEdit(ops);
          },
        )}
      {k === "aggregate" && (
        <Row label={t("domain.panel.invariants")}>
          <CommitField
            multiline
            value={element.invariants.join("\n")}
            testId="domain-invariants"
            label={t("domain.panel.invariants")}
            placeholder={t("domain.panel.onePerLine")}
            disabled={readOnly}
            onCommit={(v) => update({ ...element, invariants: lines(v) })}
          />
        </Row>
      )}
      {k === "enumeration" && (
        <Row label={t("domain.panel.values")}>
          <CommitField
            multiline
            value={element.values.join("\n")}
            testId="domain-values"
            label={t("domain.panel.values")}
            placeholder={t("domain.panel.onePerLine")}
            disabled={readOnly}
            onCommit={(v) => update({ ...element, values: lines(v) })}
          />
        </Row>
      )}
      {k === "command" && select("domain-handled-by", t("domain.panel.handledBy"), element.handledBy, ofKind("aggregate"), (v) => update({ ...element, handledBy: v }))}
      {emitter && checks("domain-emits", t("domain.panel.emits"), element.emits, ofKind("domainEvent"), (v) => update({ ...element, emits: v }))}
      {k === "policy" && select("domain-trigger", t("domain.panel.trigger"), element.trigger, ofKind("domainEvent"), (v) => update({ ...element, trigger: v }))}
      {k === "policy" && select("domain-issues", t("domain.panel.issues"), element.issues, ofKind("command"), (v) => update({ ...element, issues: v }))}
      {k === "readModel" && checks("domain-sources", t("domain.panel.sources"), element.sources, ofKind("domainEvent"), (v) => update({ ...element, sources: v }))}
      {attributed && <AttributesEditor model={model} ix={ix} owner={element} readOnly={readOnly} onEdit={onEdit} />}
    </section>
  );
}

/** The attributes of one element: add, rename, type, flags, reorder, delete. Each is its own record, so two people editing one entity merge. */
export function AttributesEditor({
  model,
  ix,
  owner,
  readOnly,
  onEdit,
}: {
  model: DomainModel;
  ix: ModelIndex;
  owner: DomainElement;
  readOnly: boolean;
  onEdit(ops: DomainOp[]): void;
}) {
  const { t } = useTranslation();
  const attrs = ix.attributes.get(owner.id) ?? [];
  const update = (a: Attribute) => onEdit([{ op: "update", record: attributeRecord(a) }]);
  const enums = model.elements.filter((e) => e.kind === "enumeration");
  const refTargets = model.elements.filter((e) => e.kind === "entity" || e.kind === "valueObject");
  const contextName = (id: string) => ix.context.get(id)?.name ?? "";
  const add = () => {
    const a = newAttribute(newId(), owner.id, freshName(t("domain.panel.newAttribute"), attrs.map((x) => x.name)), orderAfter(attrs));
    onEdit([{ op: "add", record: attributeRecord(a) }]);
  };
  const move = (i: number, d: -1 | 1) => {
    const j = i + d;
    if (j < 0 || j >= attrs.length) return;
    // Swapping the two orders is one change of two records (one undo step).
    onEdit([
      { op: "update", record: attributeRecord({ ...attrs[i], order: attrs[j].order }) },
      { op: "update", record: attributeRecord({ ...attrs[j], order: attrs[i].order }) },
    ]);
  };
  const setType = (a: Attribute, v: string) => {
    const dataType = v as DataType;
    if (dataType === "enumeration") update({ ...a, dataType, target: a.dataType === "enumeration" ? a.target : (enums[0]?.id ?? null), typeName: null });
    else if (dataType === "reference") update({ ...a, dataType, target: a.dataType === "reference" ? a.target : (refTargets.find((e) => e.id !== owner.id)?.id ?? null), typeName: null });
    else update({ ...a, dataType, target: null, typeName: null });
  };
  return (
    <fieldset className="domain-attributes" data-testid="domain-attributes">
      <legend>{t("domain.panel.attributes")}</legend>
      {attrs.length === 0 && <p className="domain-empty">{t("domain.panel.noAttributes")}</p>}
      <ol className="domain-attribute-list">
        {attrs.map((a, i) => (
          <li key={a.id} className="domain-attribute" data-testid="domain-attribute" data-attribute-id={a.id}>
            <div className="domain-attribute-line">
              <CommitField value={a.name} testId="attribute-name" label={t("domain.panel.attributeName")} disabled={readOnly} onCommit={(v) => v.trim() && update({ ...a, name: v.trim() })} />
              <select className="domain-field" data-testid="attribute-type" aria-label={t("domain.panel.attributeType")} value={a.dataType} disabled={readOnly} onChange={(e) => setType(a, e.target.value)}>
                {DATA_TYPES.map((d) => (
                  <option key={d} value={d}>
                    {t(`domain.dataType.${d}`)}
                  </option>
                ))}
              </select>
            </div>
            {(a.dataType === "enumeration" || a.dataType === "reference") && (
              <select
                className="domain-field"
                data-testid="attribute-target"
                aria-label={t("domain.panel.attributeTarget")}
                value={a.target ?? ""}
                disabled={readOnly}
                onChange={(e) => update({ ...a, target: e.target.value || null, typeName: null })}
              >
                <option value="">{a.typeName ? t("domain.panel.unresolved", { name: a.typeName }) : t("domain.panel.none")}</option>
                {(a.dataType === "enumeration" ? enums : refTargets).map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.context === owner.context ? e.name : `${contextName(e.context)} · ${e.name}`}
                  </option>
                ))}
              </select>
            )}
            <div className="domain-attribute-flags">
              {(["identifier", "required", "unique", "list"] as const).map((f) => (
                <label key={f} className="domain-check" title={t(`domain.panel.flag.${f}`)}>
                  <input type="checkbox" data-testid={`attribute-${f}`} checked={a[f]} disabled={readOnly} onChange={() => update({ ...a, [f]: !a[f] })} />
                  {t(`domain.panel.flagShort.${f}`)}
                </label>
              ))}
              <span className="toolbar-spacer" />
              <button type="button" className="icon-button" data-testid="attribute-up" title={t("domain.panel.moveUp")} aria-label={t("domain.panel.moveUp")} disabled={readOnly || i === 0} onClick={() => move(i, -1)}>
                ↑
              </button>
              <button
                type="button"
                className="icon-button"
                data-testid="attribute-down"
                title={t("domain.panel.moveDown")}
                aria-label={t("domain.panel.moveDown")}
                disabled={readOnly || i === attrs.length - 1}
                onClick={() => move(i, 1)}
              >
                ↓
              </button>
              <button
                type="button"
                className="icon-button"
                data-testid="attribute-delete"
                title={t("domain.panel.deleteAttribute")}
                aria-label={t("domain.panel.deleteAttribute")}
                disabled={readOnly}
                onClick={() => onEdit([{ op: "remove", id: a.id }])}
              >
                <TrashIcon size={13} />
              </button>
            </div>
          </li>
        ))}
      </ol>
      <button type="button" className="text-button" data-testid="attribute-add" disabled={readOnly} onClick={add}>
        <PlusIcon size={13} />
        {t("domain.panel.addAttribute")}
      </button>
    </fieldset>
  );
}
