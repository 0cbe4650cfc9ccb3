// The data model (数据模型) derived from the domain model, as tables: one section per bounded
// context, one table per derived table, its columns as rows. The core derives it (with the
// person's column overrides applied); this view asks again whenever `refreshKey` changes. Name,
// type, length and index are edited in place: a commit sends one op that adds, updates or
// removes the column's override record, so the change survives re-derivation (overrides are
// keyed by the column's stable key, made of attribute ids, not by its name).

import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Backend } from "../backend";
import type { ApiError, ColumnView_Serialize as ColumnView, DataModelView_Serialize as DataModel, TableView_Serialize as TableView } from "../bindings";
import { CloseIcon } from "../components/icons";
import { newId } from "../ids";
import { overrideRecord, type ColumnOverride, type DomainModel, type DomainOp } from "./domainModel";

type Props = {
  backend: Backend;
  documentId: string;
  /** The open model: its override records are what a commit updates. */
  model: DomainModel;
  readOnly: boolean;
  onEdit(ops: DomainOp[]): void;
  onClose(): void;
  /** The data model is asked for again whenever this changes (pass the model object). */
  refreshKey?: unknown;
};

/** What a commit changes in a column's override record. */
export type OverrideChange = Partial<Pick<ColumnOverride, "name" | "sqlType" | "length" | "index">>;

/**
 * The one op that sets `change` on the column's override: an update of its record (other fields
 * kept), an add of a new one, or a remove when nothing would be left overridden. A field set back
 * to its derived value (or emptied) stops being overridden. No op when nothing changes.
 */
export function overrideOps(model: DomainModel, tableKey: string, col: ColumnView, change: OverrideChange): DomainOp[] {
  const existing =
    (col.overrideId ? model.overrides.find((o) => o.id === col.overrideId) : undefined) ??
    // One added since the view was derived (the model is ahead of it): the last wins, as in the core.
    [...model.overrides].reverse().find((o) => o.table === tableKey && o.column === col.key) ??
    (col.overrideId
      ? {
          id: col.overrideId,
          table: tableKey,
          column: col.key,
          name: col.overridden.name ? col.name : null,
          sqlType: col.overridden.sqlType ? col.typeName : null,
          length: col.overridden.length ? col.length : null,
          index: col.overridden.index ? col.indexed : null,
        }
      : undefined);
  const next: ColumnOverride = {
    ...(existing ?? { id: newId(), table: tableKey, column: col.key, name: null, sqlType: null, length: null, index: null }),
  };
  const d = col.derived;
  if ("name" in change) {
    const v = change.name?.trim() ?? "";
    next.name = v === "" || v === d.name ? null : v;
  }
  if ("sqlType" in change) {
    const v = change.sqlType?.trim() ?? "";
    next.sqlType = v === "" || v.toLowerCase() === d.typeName.toLowerCase() ? null : v;
  }
  if ("length" in change) next.length = change.length == null || change.length === d.length ? null : change.length;
  if ("index" in change) next.index = change.index == null || change.index === d.indexed ? null : change.index;
  const empty = next.name === null && next.sqlType === null && next.length === null && next.index === null;
  if (!existing) return empty ? [] : [{ op: "add", record: overrideRecord(next) }];
  if (empty) return [{ op: "remove", id: existing.id }];
  const same = (["name", "sqlType", "length", "index"] as const).every((k) => next[k] === existing[k]);
  return same ? [] : [{ op: "update", record: overrideRecord(next) }];
}

/** A typed type: `varchar(120)` is the type `varchar` with the length 120. */
export function typeChange(text: string): OverrideChange {
  const m = /^\s*(varchar|string|char varying)\s*\(\s*(\d+)\s*\)\s*$/i.exec(text);
  return m ? { sqlType: m[1].toLowerCase(), length: Number(m[2]) } : { sqlType: text };
}

/** A typed length: a whole number above 0, empty for the derived one, anything else refused (null). */
export function lengthChange(text: string): OverrideChange | null {
  const v = text.trim();
  if (v === "") return { length: null };
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 4_294_967_295) return null;
  return { length: Number(v) };
}

/** Types whose length the SQL writer ignores (the core's own names, and any written with its own parentheses). */
const FIXED_TYPES = /^(text|integer|bigint|date|timestamp|boolean)$|\(/i;

/** Whether a column's length means anything for its type. */
export function hasLength(typeName: string): boolean {
  return !FIXED_TYPES.test(typeName.trim());
}

/** A cell input that commits on blur or Enter; Escape restores. `onCommit` says whether it sent anything. */
function CellInput({
  value,
  onCommit,
  testId,
  label,
  readOnly,
  numeric,
  title,
}: {
  value: string;
  onCommit(v: string): boolean;
  testId: string;
  label: string;
  readOnly: boolean;
  numeric?: boolean;
  title?: string;
}) {
  const [draft, setDraft] = useState(value);
  // What was sent last, so that the blur after an Enter does not send it again.
  const sent = useRef<string | null>(null);
  useEffect(() => {
    setDraft(value);
    sent.current = null;
  }, [value]);
  const commit = () => {
    if (draft === value || draft === sent.current) return;
    if (onCommit(draft)) sent.current = draft;
    else setDraft(value);
  };
  return (
    <input
      className="dm-input"
      data-testid={testId}
      aria-label={label}
      value={draft}
      readOnly={readOnly}
      title={title}
      inputMode={numeric ? "numeric" : undefined}
      size={numeric ? 5 : Math.max(6, Math.min(draft.length + 1, 28))}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === "Enter") commit();
        if (e.key === "Escape") {
          e.stopPropagation();
          setDraft(value);
        }
      }}
    />
  );
}

export function DataModelView({ backend, documentId, model, readOnly, onEdit, onClose, refreshKey }: Props) {
  const { t } = useTranslation();
  const [view, setView] = useState<DataModel | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const asked = useRef(0);

  useEffect(() => {
    const n = ++asked.current;
    void backend.domainDataModel(documentId).then((res) => {
      if (n !== asked.current) return;
      if (res.status === "ok") {
        setView(res.data);
        setError(null);
      } else setError(res.error);
    });
  }, [backend, documentId, refreshKey]);
  useEffect(
    () => () => {
      asked.current++;
    },
    [],
  );

  const names = new Map(model.elements.map((e) => [e.id, e.name]));
  const tables = view?.schemas.reduce((n, s) => n + s.tables.length, 0) ?? 0;

  return (
    <section className="dm" data-testid="data-model" aria-label={t("domain.dataModel.title")}>
      <header className="dm-header">
        <h2 className="dm-title">{t("domain.dataModel.title")}</h2>
        <span className="dm-hint">{t("domain.dataModel.hint")}</span>
        <button type="button" className="icon-button dm-close" onClick={onClose} aria-label={t("domain.dataModel.close")} title={t("domain.dataModel.close")}>
          <CloseIcon />
        </button>
      </header>
      {error && (
        <p className="dm-error" role="alert">
          {t("domain.dataModel.loadError")} {error.detail}
        </p>
      )}
      {!view && !error && <p className="dm-empty">{t("domain.dataModel.loading")}</p>}
      {view && tables === 0 && <p className="dm-empty">{t("domain.dataModel.empty")}</p>}
      <div className="dm-scroll">
        {view?.schemas
          .filter((s) => s.tables.length > 0)
          .map((s) => (
            <section key={s.key} className="dm-schema" data-testid="data-schema" data-schema-key={s.key}>
              <h3 className="dm-schema-name">
                {t("domain.dataModel.schema")} <code>{s.name}</code>
              </h3>
              {s.tables.map((table) => (
                <TableBlock key={table.key} table={table} entity={names.get(table.element)} model={model} readOnly={readOnly} onEdit={onEdit} />
              ))}
            </section>
          ))}
      </div>
    </section>
  );
}

function TableBlock({
  table,
  entity,
  model,
  readOnly,
  onEdit,
}: {
  table: TableView;
  entity: string | undefined;
  model: DomainModel;
  readOnly: boolean;
  onEdit(ops: DomainOp[]): void;
}) {
  const { t } = useTranslation();
  const overriddenTitle = (derived: string) => t("domain.dataModel.overriddenTitle", { derived });
  const pkLead = table.constraints.find((c) => c.kind === "primaryKey")?.columns[0];
  const send = (col: ColumnView, change: OverrideChange | null): boolean => {
    if (!change) return false;
    const ops = overrideOps(model, table.key, col, change);
    if (ops.length === 0) return false;
    onEdit(ops);
    return true;
  };
  const cell = (overridden: boolean, derived: string) =>
    overridden ? { className: "is-overridden", title: overriddenTitle(derived) } : {};
  return (
    <div className="dm-table" data-testid="data-table" data-table-key={table.key}>
      <div className="dm-table-head">
        <span className={`dm-table-name${table.overrideId ? " is-overridden" : ""}`} title={table.overrideId ? overriddenTitle(table.derivedName) : undefined}>
          {t("domain.dataModel.table")} <code>{table.name}</code>
        </span>
        {entity && <span className="dm-table-from">{t("domain.dataModel.from", { name: entity })}</span>}
      </div>
      <table className="dm-grid">
        <thead>
          <tr>
            <th>{t("domain.dataModel.column")}</th>
            <th>{t("domain.dataModel.type")}</th>
            <th>{t("domain.dataModel.length")}</th>
            <th>{t("domain.dataModel.nullable")}</th>
            <th>{t("domain.dataModel.primaryKey")}</th>
            <th>{t("domain.dataModel.foreignKey")}</th>
            <th>{t("domain.dataModel.index")}</th>
            <th>
              <span className="dm-sr">{t("domain.dataModel.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {table.columns.map((col) => {
            const implicitIndex = col.name === pkLead || col.unique;
            // A length the type ignores is not offered, unless an override set one (to clear it).
            const noLength = !hasLength(col.typeName) && !col.overridden.length;
            return (
              <tr key={col.key} data-testid="data-column" data-column-key={col.key}>
                <td {...cell(col.overridden.name, col.derived.name)}>
                  <CellInput
                    value={col.name}
                    testId="column-name"
                    label={t("domain.dataModel.columnNameOf", { table: table.name })}
                    readOnly={readOnly}
                    onCommit={(v) => send(col, { name: v })}
                  />
                </td>
                <td {...cell(col.overridden.sqlType, col.derived.typeName)}>
                  <CellInput
                    value={col.typeName}
                    testId="column-type"
                    label={t("domain.dataModel.typeOf", { column: col.name })}
                    readOnly={readOnly}
                    onCommit={(v) => send(col, typeChange(v))}
                  />
                </td>
                <td {...cell(col.overridden.length, col.derived.length?.toString() ?? "—")}>
                  <CellInput
                    value={col.length?.toString() ?? ""}
                    testId="column-length"
                    label={t("domain.dataModel.lengthOf", { column: col.name })}
                    readOnly={readOnly || noLength}
                    title={noLength ? t("domain.dataModel.noLength") : undefined}
                    numeric
                    onCommit={(v) => send(col, lengthChange(v))}
                  />
                </td>
                <td className="dm-flag">{col.nullable ? "✓" : ""}</td>
                <td className="dm-flag">
                  {col.primaryKey ? "✓" : ""}
                  {col.generated && <span className="dm-badge">{t("domain.dataModel.generated")}</span>}
                </td>
                <td className="dm-fk" title={col.foreignKey ? `${col.foreignKey.schema}.${col.foreignKey.table}(${col.foreignKey.column})` : undefined}>
                  {col.foreignKey ? `→ ${col.foreignKey.table}.${col.foreignKey.column}` : ""}
                </td>
                <td
                  {...cell(col.overridden.index, col.derived.indexed ? t("domain.dataModel.yes") : t("domain.dataModel.no"))}
                  {...(!col.overridden.index && implicitIndex ? { title: t("domain.dataModel.indexImplicit") } : {})}
                >
                  <input
                    type="checkbox"
                    className="dm-check"
                    data-testid="column-index"
                    aria-label={t("domain.dataModel.indexOf", { column: col.name })}
                    checked={col.indexed}
                    disabled={readOnly || (implicitIndex && !col.overridden.index)}
                    onChange={(e) => send(col, { index: e.target.checked })}
                  />
                </td>
                <td className="dm-actions">
                  {col.overrideId && !readOnly && model.overrides.some((o) => o.id === col.overrideId) && (
                    <button
                      type="button"
                      className="dm-reset"
                      data-testid="column-reset"
                      title={t("domain.dataModel.resetHint")}
                      onClick={() => onEdit([{ op: "remove", id: col.overrideId! }])}
                    >
                      {t("domain.dataModel.reset")}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {table.constraints.length > 0 && (
        <ul className="dm-constraints">
          {table.constraints.map((c) => (
            <li key={`${c.kind}:${c.name}`}>
              <span className="dm-constraint-kind">{t(`domain.dataModel.constraint.${c.kind}`)}</span> <code>{c.name}</code> ({c.columns.join(", ")})
              {c.references && <> → {c.references}</>}
              {c.values.length > 0 && <> ∈ {c.values.join(" | ")}</>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
