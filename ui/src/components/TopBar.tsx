import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { Locale } from "../i18n";
import type { SaveState } from "../flow/useFlowSession";
import { AlertIcon, CheckIcon, RedoIcon, UndoIcon } from "./icons";

type Props = {
  workspaceName: string | null;
  documentTitle: string | null;
  saveState: SaveState;
  canUndo: boolean;
  canRedo: boolean;
  locale: Locale;
  onUndo(): void;
  onRedo(): void;
  onLocale(locale: Locale): void;
  /** The open workspace's sync state and the people here. */
  syncArea?: ReactNode;
};

function Logo() {
  return (
    <svg className="logo" width="22" height="22" viewBox="0 0 24 24" aria-hidden="true">
      <circle cx="8" cy="9" r="5.2" />
      <circle cx="16" cy="9" r="5.2" />
      <circle cx="12" cy="16" r="5.2" />
    </svg>
  );
}

export function TopBar(props: Props) {
  const { t } = useTranslation();
  const { saveState } = props;
  return (
    <header className="topbar">
      <div className="brand">
        <Logo />
        <span className="brand-name">{t("app.name")}</span>
        <span className="brand-tagline">{t("app.tagline")}</span>
      </div>
      <div className="topbar-title">
        <span className="topbar-workspace" data-testid="workspace-title">
          {props.workspaceName ?? t("topbar.noWorkspace")}
        </span>
        {props.documentTitle && (
          <>
            <span className="topbar-sep">/</span>
            <span className="topbar-document">{props.documentTitle}</span>
          </>
        )}
      </div>
      <div className="topbar-actions">
        {props.syncArea}
        <span className={`save-status save-${saveState}`} data-testid="save-status" data-state={saveState} aria-live="polite">
          {saveState === "saved" && <CheckIcon size={14} />}
          {saveState === "error" && <AlertIcon size={14} />}
          {saveState === "saving" && <span className="spinner" aria-hidden="true" />}
          {t(`save.${saveState}`)}
        </span>
        <div className="button-group">
          <button
            type="button"
            className="icon-button"
            data-testid="undo"
            title={t("topbar.undo")}
            aria-label={t("topbar.undo")}
            disabled={!props.canUndo}
            onClick={props.onUndo}
          >
            <UndoIcon />
          </button>
          <button
            type="button"
            className="icon-button"
            data-testid="redo"
            title={t("topbar.redo")}
            aria-label={t("topbar.redo")}
            disabled={!props.canRedo}
            onClick={props.onRedo}
          >
            <RedoIcon />
          </button>
        </div>
        <div className="lang-switch" role="group" aria-label={t("lang.label")}>
          <button
            type="button"
            data-testid="lang-zh"
            lang="zh-CN"
            aria-pressed={props.locale === "zh-CN"}
            className={props.locale === "zh-CN" ? "is-active" : ""}
            onClick={() => props.onLocale("zh-CN")}
          >
            {t("lang.zh")}
          </button>
          <button
            type="button"
            data-testid="lang-en"
            lang="en"
            aria-pressed={props.locale === "en"}
            className={props.locale === "en" ? "is-active" : ""}
            onClick={() => props.onLocale("en")}
          >
            {t("lang.en")}
          </button>
        </div>
      </div>
    </header>
  );
}
