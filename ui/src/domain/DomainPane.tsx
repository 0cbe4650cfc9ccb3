// A domain model's pane, until its canvases land: the context map as a picture (drawn by the
// core), what the model holds per bounded context, its problems (the core's rules), and its
// files: Context Mapper CML and the derived data model's SQL DDL.

import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Backend } from "../backend";
import type { ApiError, DocumentSummary, DomainModel_Serialize as DomainModel, DomainProblem, SqlDialect } from "../bindings";

type Loaded = { model: DomainModel; svg: string | null; problems: DomainProblem[] };

const DIALECTS: readonly SqlDialect[] = ["postgres", "mysql", "sqlite", "oracle"];

/** A file name from a document title: characters file systems refuse become "_". */
function fileName(title: string, ext: string): string {
  return `${title.replace(/[\\/:*?"<>|\u0000-\u001f]/g, "_").trim() || "domain"}.${ext}`;
}

/** The name a problem's element goes by (a context, element or attribute), else its id. */
function nameOf(model: DomainModel, id: string): string {
  const attr = model.attributes.find((a) => a.id === id);
  if (attr) {
    const owner = model.elements.find((e) => e.id === attr.owner);
    return owner ? `${owner.name}.${attr.name}` : attr.name;
  }
  return model.elements.find((e) => e.id === id)?.name ?? model.contexts.find((c) => c.id === id)?.name ?? id;
}

export function DomainPane({ backend, doc, showError }: { backend: Backend; doc: DocumentSummary; showError(e: ApiError): void }) {
  const { t } = useTranslation();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [dialect, setDialect] = useState<SqlDialect>("postgres");
  const [saved, setSaved] = useState<string | null>(null);

  useEffect(() => {
    let gone = false;
    setLoaded(null);
    setError(null);
    void (async () => {
      const [view, svg, problems] = await Promise.all([
        backend.openDocument(doc.id),
        backend.contextMapSvg(doc.id),
        backend.validateDocument(doc.id),
      ]);
      if (gone) return;
      if (view.status !== "ok") return setError(view.error);
      if (view.data.content.kind !== "domainModel") return setError({ code: "invalidInput", detail: doc.id });
      setLoaded({
        model: view.data.content.content as DomainModel,
        // In a plain browser the core is absent and so is its picture.
        svg: svg.status === "ok" ? svg.data : null,
        problems: problems.status === "ok" && problems.data.kind === "domainModel" ? problems.data.problems : [],
      });
    })();
    return () => {
      gone = true;
    };
  }, [backend, doc.id]);

  const save = async (ext: string, write: (path: string) => ReturnType<Backend["exportCmlFile"]>) => {
    setSaved(null);
    const chosen = await backend.chooseSavePath(fileName(doc.title, ext));
    if (chosen.status !== "ok") return showError(chosen.error);
    if (!chosen.data) return;
    const res = await write(chosen.data);
    if (res.status !== "ok") return showError(res.error);
    setSaved(chosen.data);
  };

  if (error) {
    return (
      <div className="pane-center">
        <div className="doc-error" data-testid="doc-error" data-code={error.code} role="alert">
          <div className="doc-error-title">{t("docError.title")}</div>
          <p className="doc-error-message">{t(`error.${error.code}`)}</p>
        </div>
      </div>
    );
  }
  if (!loaded) return <div className="pane-center">{t("canvas.loading")}</div>;
  const { model, svg, problems } = loaded;
  const count = (kind: string) => model.elements.filter((e) => e.kind === kind).length;
  return (
    <div className="domain-pane" data-testid="domain-pane" data-document-id={doc.id}>
      <div className="domain-toolbar">
        <span className="domain-counts" data-testid="domain-counts">
          {t("domain.counts", {
            contexts: model.contexts.length,
            aggregates: count("aggregate"),
            entities: count("entity"),
            valueObjects: count("valueObject"),
            commands: count("command"),
            events: count("domainEvent"),
          })}
        </span>
        <span className="toolbar-sep" />
        <button type="button" className="tool-button" data-testid="export-cml" title={t("domain.exportCmlHint")} onClick={() => void save("cml", (p) => backend.exportCmlFile(doc.id, p))}>
          {t("domain.exportCml")}
        </button>
        <select
          className="domain-dialect"
          data-testid="ddl-dialect"
          aria-label={t("domain.dialect")}
          value={dialect}
          onChange={(e) => setDialect(e.target.value as SqlDialect)}
        >
          {DIALECTS.map((d) => (
            <option key={d} value={d}>
              {t(`domain.dialects.${d}`)}
            </option>
          ))}
        </select>
        <button type="button" className="tool-button" data-testid="export-ddl" title={t("domain.exportDdlHint")} onClick={() => void save(`${dialect}.sql`, (p) => backend.exportDdlFile(doc.id, dialect, p))}>
          {t("domain.exportDdl")}
        </button>
        {saved && (
          <span className="domain-saved" data-testid="domain-saved">
            {t("bpmnFile.saved", { path: saved })}
          </span>
        )}
      </div>
      <p className="domain-preview-note">{t("domain.previewNote")}</p>
      <div className="domain-body">
        <section className="domain-map">
          <h3>{t("domain.contextMap")}</h3>
          {svg ? (
            <img data-testid="context-map" alt={t("domain.contextMap")} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`} />
          ) : (
            <p className="sidebar-empty">{t("domain.noPicture")}</p>
          )}
        </section>
        <section className="domain-contexts">
          <h3>{t("domain.contexts")}</h3>
          <ul>
            {model.contexts.map((c) => (
              <li key={c.id} data-testid="domain-context" data-context-id={c.id}>
                <strong>{c.name}</strong>
                {c.vision && <span className="domain-vision">{c.vision}</span>}
                <span className="domain-context-elements">
                  {model.elements
                    .filter((e) => e.context === c.id && e.kind !== "aggregate")
                    .map((e) => `${e.name} (${t(`domain.kind.${e.kind}`)})`)
                    .join(" · ")}
                </span>
              </li>
            ))}
          </ul>
        </section>
        <section className="domain-problems" data-testid="domain-problems" data-count={problems.length}>
          <h3>{t("domain.problems", { count: problems.length })}</h3>
          {problems.length === 0 ? (
            <p className="sidebar-empty">{t("domain.noProblems")}</p>
          ) : (
            <ul>
              {problems.map((p) => (
                <li key={`${p.code}-${p.element}`} data-testid="domain-problem" data-code={p.code} data-element={p.element}>
                  {t(`domain.problem.${p.code}`, { name: nameOf(model, p.element) })}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}
