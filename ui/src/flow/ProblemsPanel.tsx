// The problems of the open flow: the toolbar badge that opens the list, and the list itself
// (a collapsible panel under the canvas). Clicking an entry selects and centres its element.

import { memo } from "react";
import { useTranslation } from "react-i18next";
import { AlertIcon, CheckIcon, ChevronIcon, CloseIcon, ErrorIcon } from "../components/icons";
import type { FlowEdge, FlowNode } from "../model";
import { elementKind, problemMessage, worstSeverity, type Problem, type Severity } from "./problems";
import type { FlowProblems } from "./useFlowProblems";

/** At most this many entries are listed (a flow of 10,000 loose tasks would have 10,000). */
export const MAX_LISTED = 300;

export function SeverityIcon({ severity, size = 14 }: { severity: Severity; size?: number }) {
  return (
    <span className={`severity-icon severity-${severity}`}>
      {severity === "error" ? <ErrorIcon size={size} /> : <AlertIcon size={size} />}
    </span>
  );
}

type ToggleProps = { problems: FlowProblems; open: boolean; onToggle(): void };

export const ProblemsToggle = memo(function ProblemsToggle({ problems, open, onToggle }: ToggleProps) {
  const { t } = useTranslation();
  const list = problems.problems;
  const count = list?.length ?? 0;
  let label: string;
  if (!list) label = problems.status === "error" ? t("problems.failedShort") : t("problems.checking");
  else if (count === 0) label = t("problems.none");
  else label = count === 1 ? t("problems.countOne") : t("problems.count", { count });
  const severity: Severity | null = list && count > 0 ? worstSeverity(list) : null;
  return (
    <button
      type="button"
      className={`tool-button problems-toggle${severity ? ` has-${severity}` : ""}${open ? " is-open" : ""}`}
      data-testid="problems-toggle"
      data-count={count}
      data-state={problems.status}
      aria-expanded={open}
      aria-controls="problems-panel"
      title={t("problems.toggleHint")}
      onClick={onToggle}
    >
      {severity ? <SeverityIcon severity={severity} /> : list ? <CheckIcon size={14} /> : <AlertIcon size={14} />}
      <span className="problems-toggle-label">{label}</span>
      {problems.status === "pending" && <span className="spinner" aria-hidden="true" />}
      <ChevronIcon size={12} up={!open} />
    </button>
  );
});

type PanelProps = {
  problems: FlowProblems;
  nodeById: ReadonlyMap<string, FlowNode>;
  edgeById: ReadonlyMap<string, FlowEdge>;
  onPick(problem: Problem): void;
  onClose(): void;
};

export const ProblemsPanel = memo(function ProblemsPanel({ problems, nodeById, edgeById, onPick, onClose }: PanelProps) {
  const { t } = useTranslation();
  const list = problems.problems;
  const flow = { nodeById, edgeById };
  const shown = list ? list.slice(0, MAX_LISTED) : [];
  return (
    <section className="problems-panel" id="problems-panel" data-testid="problems-panel" aria-label={t("problems.title")}>
      <header className="problems-header">
        <span className="problems-title">{t("problems.title")}</span>
        {list && list.length > 0 && <span className="problems-count">{list.length}</span>}
        {problems.status === "pending" && <span className="problems-checking">{t("problems.checking")}</span>}
        <span className="toolbar-spacer" />
        <button
          type="button"
          className="icon-button"
          data-testid="problems-close"
          title={t("problems.close")}
          aria-label={t("problems.close")}
          onClick={onClose}
        >
          <CloseIcon size={14} />
        </button>
      </header>
      {problems.error && (
        <div className="problems-error" data-testid="problems-error" data-code={problems.error.code}>
          <AlertIcon size={14} />
          <span>{t("problems.failed")}</span>
          {problems.error.detail && <span className="problems-error-detail">{problems.error.detail}</span>}
        </div>
      )}
      {list && list.length === 0 && (
        <p className="problems-empty" data-testid="problems-empty">
          <CheckIcon size={14} />
          {t("problems.noneLong")}
        </p>
      )}
      {!list && !problems.error && <p className="problems-empty">{t("problems.checking")}</p>}
      {shown.length > 0 && (
        <ul className="problems-list">
          {shown.map((p) => {
            const severity = p.severity;
            const kind = elementKind(flow, p);
            const message = problemMessage(t, flow, p);
            const hint = t(`problems.hint.${p.code}`);
            // An element the canvas does not draw (a global message, an element no diagram
            // draws) is named by its id; the entry says why picking it only frames the flow.
            const where = kind === "offCanvas" ? t("problems.offCanvas") : null;
            return (
              <li key={`${p.code}:${p.element}`}>
                <button
                  type="button"
                  className="problem-item"
                  data-testid="problem-item"
                  data-code={p.code}
                  data-element={p.element}
                  data-severity={severity}
                  data-kind={kind}
                  title={where ? `${message}\n${where}\n${hint}` : `${message}\n${hint}`}
                  onClick={() => onPick(p)}
                >
                  <SeverityIcon severity={severity} />
                  <span className="problem-message">{message}</span>
                  {where && (
                    <span className="problem-where" data-testid="problem-off-canvas">
                      {where}
                    </span>
                  )}
                  <span className="problem-hint">{hint}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {list && list.length > shown.length && (
        <p className="problems-more">{t("problems.more", { count: list.length - shown.length })}</p>
      )}
    </section>
  );
});
