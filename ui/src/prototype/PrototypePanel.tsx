// The prototype's element panel: a screen's name, device and start flag; a component's name,
// text, size, stack layout and binding to the workspace's domain models (a form to an entity or a
// command, a field to an attribute, a table or list to an entity's collection, a text to an
// attribute); a trigger's action (navigate, call a command, use a shelf capability, then on
// success go to a screen, on failure show a message). Each change is one edit.

import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Backend } from "../backend";
import type { ActionStep_Serialize as ActionStep, Binding_Serialize as Binding, Device, DomainModel_Serialize as DomainModel, ShelfPart_Serialize as ShelfPart } from "../bindings";
import { DEVICE_SIZE, FIELD_KINDS, actionRecord, componentRecord, screenRecord, type Component, type Prototype, type PrototypeIndex, type PrototypeOp } from "./prototypeModel";
import { newId } from "../ids";

export type DomainDocs = Map<string, { title: string; model: DomainModel }>;

type Props = {
  id: string;
  model: Prototype;
  ix: PrototypeIndex;
  domains: DomainDocs;
  readOnly: boolean;
  backend: Backend;
  onEdit(ops: PrototypeOp[]): void;
  onClose(): void;
};

/** Text field that commits on blur or Enter. */
function Field({ label, value, testId, onCommit, disabled, type }: { label: string; value: string; testId: string; onCommit(v: string): void; disabled: boolean; type?: string }) {
  const [v, setV] = useState(value);
  useEffect(() => setV(value), [value]);
  return (
    <label className="panel-field">
      <span>{label}</span>
      <input
        data-testid={testId}
        type={type ?? "text"}
        value={v}
        disabled={disabled}
        onChange={(e) => setV(e.target.value)}
        onBlur={() => v !== value && onCommit(v)}
        onKeyDown={(e) => {
          if (e.key === "Enter") (e.target as HTMLInputElement).blur();
        }}
      />
    </label>
  );
}

export function ElementPanel({ id, model, ix, domains, readOnly, backend, onEdit, onClose }: Props) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith("zh");
  const screen = ix.screen.get(id);
  const comp = ix.component.get(id);
  const [capabilities, setCapabilities] = useState<ShelfPart[]>([]);
  useEffect(() => {
    let alive = true;
    void backend.listShelf("").then((r) => {
      if (alive && r.status === "ok") setCapabilities(r.data.filter((p) => p.part.contract));
    });
    return () => {
      alive = false;
    };
  }, [backend]);

  const title = screen ? t("prototype.panel.screen") : comp ? t(`prototype.kind.${comp.kind}`) : "";
  const update = (c: Component) => onEdit([{ op: "update", record: componentRecord(c) }]);

  let body: React.ReactNode = null;
  if (screen) {
    body = (
      <>
        <Field label={t("prototype.panel.name")} testId="proto-name" value={screen.name} disabled={readOnly} onCommit={(name) => name.trim() && onEdit([{ op: "update", record: screenRecord({ ...screen, name: name.trim() }) }])} />
        <label className="panel-field">
          <span>{t("prototype.device.label")}</span>
          <select
            data-testid="proto-screen-device"
            value={screen.device}
            disabled={readOnly}
            onChange={(e) => {
              const device = e.target.value as Device;
              const size = device === "custom" ? { w: screen.w, h: screen.h } : DEVICE_SIZE[device];
              onEdit([{ op: "update", record: screenRecord({ ...screen, device, ...size }) }]);
            }}
          >
            {(["phone", "tablet", "desktop", "custom"] as Device[]).map((d) => (
              <option key={d} value={d}>
                {t(`prototype.device.${d}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="panel-check">
          <input type="checkbox" data-testid="proto-screen-start" checked={screen.start} disabled={readOnly} onChange={(e) => onEdit([{ op: "update", record: screenRecord({ ...screen, start: e.target.checked }) }])} />
          {t("prototype.startScreen")}
        </label>
      </>
    );
  } else if (comp) {
    body = (
      <>
        <Field label={t("prototype.panel.name")} testId="proto-name" value={comp.name} disabled={readOnly} onCommit={(name) => name.trim() && update({ ...comp, name: name.trim() })} />
        {comp.kind !== "stack" && comp.kind !== "group" && comp.kind !== "list" && comp.kind !== "table" && (
          <Field label={t("prototype.panel.text")} testId="proto-text" value={comp.text ?? ""} disabled={readOnly} onCommit={(text) => update({ ...comp, text: text === "" ? null : text })} />
        )}
        <div className="panel-row">
          <Field label="W" type="number" testId="proto-w" value={String(comp.w)} disabled={readOnly} onCommit={(v) => Number(v) > 0 && update({ ...comp, w: Number(v) })} />
          <Field label="H" type="number" testId="proto-h" value={String(comp.h)} disabled={readOnly} onCommit={(v) => Number(v) > 0 && update({ ...comp, h: Number(v) })} />
        </div>
        {comp.kind === "stack" && comp.layout && (
          <label className="panel-field">
            <span>{t("prototype.panel.direction")}</span>
            <select data-testid="proto-direction" value={comp.layout.direction} disabled={readOnly} onChange={(e) => update({ ...comp, layout: { ...comp.layout!, direction: e.target.value as "row" | "column" } })}>
              <option value="row">{t("prototype.panel.row")}</option>
              <option value="column">{t("prototype.panel.column")}</option>
            </select>
          </label>
        )}
        <BindingEditor comp={comp} ix={ix} domains={domains} readOnly={readOnly} onChange={(binding) => update({ ...comp, binding })} />
        {(comp.kind === "button" || comp.kind === "list" || comp.kind === "table" || comp.kind === "text" || comp.kind === "image" || comp.kind === "card") && (
          <ActionEditor comp={comp} model={model} ix={ix} domains={domains} capabilities={capabilities} zh={zh} readOnly={readOnly} onEdit={onEdit} />
        )}
      </>
    );
  }

  return (
    <aside className="element-panel proto-panel" data-testid="element-panel" data-element={id}>
      <header className="element-panel-header">
        <span className="element-kind">{title}</span>
        <span style={{ flex: 1 }} />
        <button type="button" className="icon-button" aria-label={t("prototype.close")} onClick={onClose}>
          ×
        </button>
      </header>
      <div className="element-panel-body">{body}</div>
    </aside>
  );
}

/** What a component can bind: its entity (and attribute, and whether it shows a collection). */
function BindingEditor({ comp, ix, domains, readOnly, onChange }: { comp: Component; ix: PrototypeIndex; domains: DomainDocs; readOnly: boolean; onChange(b: Binding | null): void }) {
  const { t } = useTranslation();
  const [chosenDoc, setChosenDoc] = useState<string | null>(null);
  const field = FIELD_KINDS.has(comp.kind) || comp.kind === "text" || comp.kind === "heading";
  const collection = comp.kind === "table" || comp.kind === "list";
  const form = comp.kind === "form" || comp.kind === "card";
  if (!field && !collection && !form) return null;
  // A field in a bound form binds one of the form's entity's attributes.
  let formBinding: Binding | null = null;
  for (let p = comp.parent ? ix.component.get(comp.parent) : undefined; p; p = p.parent ? ix.component.get(p.parent) : undefined) {
    if (p.binding && !p.binding.collection) {
      formBinding = p.binding;
      break;
    }
    if (p.binding?.collection) {
      formBinding = { ...p.binding, collection: false };
      break;
    }
  }
  const b = comp.binding;
  const docId = b?.document ?? formBinding?.document ?? chosenDoc ?? [...domains.keys()][0] ?? "";
  const dm = domains.get(docId)?.model;
  const entityId = b?.entity ?? formBinding?.entity ?? "";
  const targets = (dm?.elements ?? []).filter((e) => e.kind === "entity" || e.kind === "valueObject" || e.kind === "readModel" || (form && e.kind === "command"));
  const attrs = (dm?.attributes ?? []).filter((a) => a.owner === entityId);
  const brokenEntity = b && dm && !dm.elements.some((e) => e.id === b.entity);
  const brokenAttr = b?.attribute && dm && !dm.attributes.some((a) => a.id === b.attribute);
  if (domains.size === 0) return <p className="panel-hint">{t("prototype.binding.noDomain")}</p>;
  return (
    <fieldset className="panel-group" data-testid="proto-binding">
      <legend>{t("prototype.binding.title")}</legend>
      {domains.size > 1 && (
        <select aria-label={t("prototype.binding.document")} value={docId} disabled={readOnly} onChange={(e) => {
            setChosenDoc(e.target.value);
            if (b) onChange(null);
          }}>
          {[...domains].map(([id, d]) => (
            <option key={id} value={id}>
              {d.title}
            </option>
          ))}
        </select>
      )}
      {!(field && formBinding) && (
        <label className="panel-field">
          <span>{form ? t("prototype.binding.entityOrCommand") : t("prototype.binding.entity")}</span>
          <select
            data-testid="proto-bind-entity"
            value={b?.entity ?? ""}
            disabled={readOnly}
            onChange={(e) => onChange(e.target.value ? { document: docId, entity: e.target.value, attribute: null, collection } : null)}
          >
            <option value="">{t("prototype.binding.none")}</option>
            {brokenEntity && <option value={b!.entity}>{t("prototype.binding.missing")}</option>}
            {targets.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name} ({t(`prototype.binding.kind.${e.kind === "command" ? "command" : "entity"}`)})
              </option>
            ))}
          </select>
        </label>
      )}
      {field && (entityId || b) && (
        <label className="panel-field">
          <span>{t("prototype.binding.attribute")}</span>
          <select
            data-testid="proto-bind-attribute"
            value={b?.attribute ?? ""}
            disabled={readOnly}
            onChange={(e) => onChange(e.target.value ? { document: docId, entity: entityId, attribute: e.target.value, collection: false } : null)}
          >
            <option value="">{t("prototype.binding.none")}</option>
            {brokenAttr && <option value={b!.attribute!}>{t("prototype.binding.missing")}</option>}
            {attrs.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
                {a.required ? " *" : ""} · {t(`domain.dataType.${a.dataType}`)}
              </option>
            ))}
          </select>
        </label>
      )}
      {(brokenEntity || brokenAttr) && <p className="panel-error" data-testid="proto-binding-broken">{t("prototype.binding.broken")}</p>}
    </fieldset>
  );
}

/** A trigger's action: its steps, where it goes on success, what it says on failure. */
function ActionEditor({
  comp,
  model,
  ix,
  domains,
  capabilities,
  zh,
  readOnly,
  onEdit,
}: {
  comp: Component;
  model: Prototype;
  ix: PrototypeIndex;
  domains: DomainDocs;
  capabilities: ShelfPart[];
  zh: boolean;
  readOnly: boolean;
  onEdit(ops: PrototypeOp[]): void;
}) {
  const { t } = useTranslation();
  const action = ix.actionOf.get(comp.id);
  const steps = action?.steps ?? [];
  const save = (next: { steps?: ActionStep[]; success?: string | null; failure?: string | null }) => {
    const a = action ?? { id: newId(), component: comp.id, name: comp.text ?? comp.name, steps: [], success: null, failure: null };
    const merged = { ...a, ...next };
    if (merged.steps.length === 0 && !merged.success && !merged.failure) {
      if (action) onEdit([{ op: "remove", id: action.id }]);
      return;
    }
    onEdit([{ op: action ? "update" : "add", record: actionRecord(merged) }]);
  };
  const commands = [...domains].flatMap(([doc, d]) => d.model.elements.filter((e) => e.kind === "command").map((e) => ({ doc, e })));
  const otherScreens = model.screens.filter((s) => s.id !== comp.screen);
  const stepLabel = (s: ActionStep): string => {
    switch (s.step) {
      case "navigate":
        return t("prototype.action.navigateTo", { name: ix.screen.get(s.screen)?.name ?? t("prototype.binding.missing") });
      case "back":
        return t("prototype.action.back");
      case "command":
        return t("prototype.action.callCommand", { name: domains.get(s.document)?.model.elements.find((e) => e.id === s.command)?.name ?? t("prototype.binding.missing") });
      case "capability": {
        const p = capabilities.find((c) => c.part.id === s.part);
        return t("prototype.action.useCapability", { name: p ? (zh ? p.part.nameZh : p.part.nameEn) : s.contract.operation });
      }
      case "message":
        return t("prototype.action.message", { text: s.text });
    }
  };
  const addStep = (value: string) => {
    const [kind, a, b] = value.split("\u001f");
    let step: ActionStep | null = null;
    if (kind === "navigate") step = { step: "navigate", screen: a };
    else if (kind === "back") step = { step: "back" };
    else if (kind === "command") step = { step: "command", document: a, command: b };
    else if (kind === "capability") {
      const p = capabilities.find((c) => c.part.id === a);
      if (p?.part.contract) step = { step: "capability", part: p.part.id, contract: p.part.contract };
    }
    if (step) save({ steps: [...steps, step] });
  };
  return (
    <fieldset className="panel-group" data-testid="proto-action">
      <legend>{t("prototype.action.title")}</legend>
      <ol className="proto-steps">
        {steps.map((s, i) => (
          <li key={i} data-step={s.step}>
            {stepLabel(s)}
            <button type="button" className="icon-button" aria-label={t("prototype.delete")} disabled={readOnly} onClick={() => save({ steps: steps.filter((_, j) => j !== i) })}>
              ×
            </button>
          </li>
        ))}
      </ol>
      <select data-testid="proto-add-step" value="" disabled={readOnly} aria-label={t("prototype.action.addStep")} onChange={(e) => e.target.value && addStep(e.target.value)}>
        <option value="">{t("prototype.action.addStep")}</option>
        <optgroup label={t("prototype.action.navigate")}>
          {otherScreens.map((s) => (
            <option key={s.id} value={`navigate\u001f${s.id}`}>
              {t("prototype.action.navigateTo", { name: s.name })}
            </option>
          ))}
          <option value="back">{t("prototype.action.back")}</option>
        </optgroup>
        <optgroup label={t("prototype.action.command")}>
          {commands.map(({ doc, e }) => (
            <option key={`${doc}/${e.id}`} value={`command\u001f${doc}\u001f${e.id}`}>
              {t("prototype.action.callCommand", { name: e.name })}
            </option>
          ))}
        </optgroup>
        <optgroup label={t("prototype.action.capability")}>
          {capabilities.map((p) => (
            <option key={p.part.id} value={`capability\u001f${p.part.id}`}>
              {t("prototype.action.useCapability", { name: zh ? p.part.nameZh : p.part.nameEn })}
            </option>
          ))}
        </optgroup>
      </select>
      <label className="panel-field">
        <span>{t("prototype.action.onSuccess")}</span>
        <select data-testid="proto-action-success" value={action?.success ?? ""} disabled={readOnly} onChange={(e) => save({ success: e.target.value || null })}>
          <option value="">{t("prototype.action.stay")}</option>
          {otherScreens.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <FieldInline label={t("prototype.action.onFailure")} value={action?.failure ?? ""} disabled={readOnly} onCommit={(v) => save({ failure: v.trim() || null })} />
    </fieldset>
  );
}

function FieldInline({ label, value, disabled, onCommit }: { label: string; value: string; disabled: boolean; onCommit(v: string): void }) {
  return <Field label={label} value={value} testId="proto-action-failure" disabled={disabled} onCommit={onCommit} />;
}

