// The element palette: click adds at the centre of the view, drag drops where released.
// Folded (a narrow window, or the person's choice) it is a column of icons with the names
// in their tooltips.

import { memo } from "react";
import { useTranslation } from "react-i18next";
import type { NodeKind } from "../bindings";
import { PALETTE_GROUPS, PALETTE_MIME, isEvent, isGateway } from "./kinds";
import { PaneToggle } from "../components/PaneToggle";
import { BpmnShape } from "./shapes";

function iconSize(kind: NodeKind): { w: number; h: number } {
  if (isEvent(kind)) return { w: 22, h: 22 };
  if (isGateway(kind)) return { w: 24, h: 24 };
  return { w: 32, h: 24 };
}

type Props = {
  disabled?: boolean;
  onAdd(kind: NodeKind): void;
  onAddLane(): void;
  folded?: boolean;
  onToggleFold?(): void;
};

export const Palette = memo(function Palette({ disabled, onAdd, onAddLane, folded = false, onToggleFold }: Props) {
  const { t } = useTranslation();
  const toggleLabel = folded ? t("palette.expand") : t("palette.collapse");
  return (
    <aside className={`palette${folded ? " is-folded" : ""}`} aria-label={t("palette.title")} data-testid="palette" data-folded={folded}>
      <div className="palette-title" title={t("palette.hint")}>
        {onToggleFold && <PaneToggle testId="palette-toggle" folded={folded} label={toggleLabel} onToggle={onToggleFold} />}
        <span className="palette-title-text">{t("palette.title")}</span>
      </div>
      {PALETTE_GROUPS.map(({ group, kinds }) => (
        <div className="palette-group" key={group}>
          <div className="palette-group-title">{t(`palette.${group}`)}</div>
          {kinds.map((kind) => {
            const s = iconSize(kind);
            return (
              <button
                key={kind}
                type="button"
                className="palette-item"
                data-testid={`palette-${kind}`}
                title={`${t(`nodeKind.${kind}`)} — ${t("palette.hint")}`}
                aria-label={t(`nodeKind.${kind}`)}
                disabled={disabled}
                draggable={!disabled}
                onClick={() => onAdd(kind)}
                onDragStart={(e) => {
                  e.dataTransfer.setData(PALETTE_MIME, kind);
                  e.dataTransfer.setData("text/plain", kind);
                  e.dataTransfer.effectAllowed = "copy";
                }}
              >
                <span className="palette-icon">
                  <BpmnShape kind={kind} w={s.w} h={s.h} className="bpmn-svg palette-svg" />
                </span>
                <span className="palette-label">{t(`nodeKind.${kind}`)}</span>
              </button>
            );
          })}
        </div>
      ))}
      <div className="palette-group">
        <div className="palette-group-title">{t("palette.lanes")}</div>
        <button
          type="button"
          className="palette-item"
          data-testid="palette-lane"
          title={t("canvas.addLane")}
          aria-label={t("canvas.addLane")}
          disabled={disabled}
          onClick={onAddLane}
        >
          <span className="palette-icon">
            <svg className="palette-svg" width="32" height="24" viewBox="0 0 32 24" aria-hidden="true">
              <rect x="1" y="2" width="30" height="20" rx="2" className="lane-icon" />
              <line x1="8" y1="2" x2="8" y2="22" className="lane-icon-line" />
              <line x1="8" y1="12" x2="31" y2="12" className="lane-icon-line" />
            </svg>
          </span>
          <span className="palette-label">{t("canvas.addLane")}</span>
        </button>
      </div>
    </aside>
  );
});
