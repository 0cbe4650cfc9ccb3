// The capability shelf (能力货架) as the prototype editor's palette: parts grouped by category,
// searched by name in either language (the core's list_shelf), placed on a screen by a click
// (on the selected screen or container) or by dragging onto the board; "Add to shelf" saves the
// selected components as a new part of the organisation's shelf.

import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Backend } from "../backend";
import type { ApiError, PartCategory, ShelfPart_Serialize as ShelfPart } from "../bindings";
import { DROP_MIME } from "../canvas/engine";

const CATEGORIES: PartCategory[] = ["uiComponent", "businessComponent", "capability", "template"];

type Props = {
  backend: Backend;
  disabled: boolean;
  canAdd: boolean;
  showError(e: ApiError): void;
  onPlace(part: ShelfPart): void;
  onAddToShelf(nameZh: string, nameEn: string): Promise<boolean>;
};

export function ShelfPanel({ backend, disabled, canAdd, showError, onPlace, onAddToShelf }: Props) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith("zh");
  const [query, setQuery] = useState("");
  const [parts, setParts] = useState<ShelfPart[] | null>(null);
  const [adding, setAdding] = useState(false);
  const [nameZh, setNameZh] = useState("");
  const [nameEn, setNameEn] = useState("");

  useEffect(() => {
    let alive = true;
    const timer = window.setTimeout(async () => {
      const res = await backend.listShelf(query.trim());
      if (!alive) return;
      if (res.status !== "ok") return showError(res.error);
      setParts(res.data);
    }, 120);
    return () => {
      alive = false;
      window.clearTimeout(timer);
    };
  }, [backend, query, showError]);

  const groups = useMemo(() => CATEGORIES.map((c) => ({ category: c, parts: (parts ?? []).filter((p) => p.part.category === c) })).filter((g) => g.parts.length > 0), [parts]);

  return (
    <aside className="palette proto-shelf" data-testid="shelf-panel" aria-label={t("prototype.shelf.title")}>
      <div className="palette-title">{t("prototype.shelf.title")}</div>
      <input className="proto-shelf-search" type="search" data-testid="shelf-search" placeholder={t("prototype.shelf.search")} aria-label={t("prototype.shelf.search")} value={query} onChange={(e) => setQuery(e.target.value)} />
      <div className="proto-shelf-list">
        {parts && groups.length === 0 && <p className="palette-hint">{t("prototype.shelf.none")}</p>}
        {groups.map((g) => (
          <section key={g.category} className="proto-shelf-group" data-category={g.category}>
            <h3>{t(`prototype.shelf.category.${g.category}`)}</h3>
            {g.parts.map((p) => (
              <button
                key={p.part.id}
                type="button"
                className="palette-item proto-part"
                data-testid="shelf-part"
                data-part={p.part.id}
                disabled={disabled || p.part.components.length === 0}
                title={`${zh ? p.part.nameZh : p.part.nameEn}${p.part.description ? ` — ${p.part.description}` : ""}${p.part.contract ? ` (${p.part.contract.operation})` : ""}`}
                draggable={!disabled}
                onDragStart={(e) => {
                  e.dataTransfer.setData(DROP_MIME, `part:${p.part.id}`);
                  e.dataTransfer.effectAllowed = "copy";
                }}
                onClick={() => onPlace(p)}
              >
                <span className="proto-part-name">{zh ? p.part.nameZh : p.part.nameEn}</span>
                <span className="proto-part-other">{zh ? p.part.nameEn : p.part.nameZh}</span>
                {!p.builtin && <span className="proto-part-own">{t("prototype.shelf.own")}</span>}
              </button>
            ))}
          </section>
        ))}
      </div>
      {adding ? (
        <form
          className="proto-shelf-add"
          onSubmit={(e) => {
            e.preventDefault();
            if (!nameZh.trim() && !nameEn.trim()) return;
            void onAddToShelf(nameZh.trim() || nameEn.trim(), nameEn.trim() || nameZh.trim()).then((ok) => {
              if (!ok) return;
              setAdding(false);
              setNameZh("");
              setNameEn("");
            });
          }}
        >
          <input data-testid="shelf-name-zh" placeholder={t("prototype.shelf.nameZh")} aria-label={t("prototype.shelf.nameZh")} value={nameZh} onChange={(e) => setNameZh(e.target.value)} />
          <input data-testid="shelf-name-en" placeholder={t("prototype.shelf.nameEn")} aria-label={t("prototype.shelf.nameEn")} value={nameEn} onChange={(e) => setNameEn(e.target.value)} />
          <div className="proto-shelf-add-buttons">
            <button type="submit" className="text-button" data-testid="shelf-add-save">
              {t("prototype.shelf.save")}
            </button>
            <button type="button" className="text-button" onClick={() => setAdding(false)}>
              {t("prototype.cancel")}
            </button>
          </div>
        </form>
      ) : (
        <button type="button" className="text-button proto-shelf-add-open" data-testid="shelf-add" disabled={disabled || !canAdd} title={t("prototype.shelf.addHint")} onClick={() => setAdding(true)}>
          {t("prototype.shelf.add")}
        </button>
      )}
    </aside>
  );
}
