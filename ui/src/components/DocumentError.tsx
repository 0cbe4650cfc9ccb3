// A document that could not be opened (corrupt, from a newer version, gone): what happened,
// that the other documents still open, and a retry. Every kind's pane shows it the same way.

import { useTranslation } from "react-i18next";
import type { ApiError } from "../bindings";
import { AlertIcon } from "./icons";

export function DocumentError({ title, error, onRetry }: { title: string; error: ApiError; onRetry(): void }) {
  const { t } = useTranslation();
  return (
    <div className="pane-center">
      <div className="doc-error" data-testid="doc-error" data-code={error.code} role="alert">
        <div className="doc-error-title">
          <AlertIcon size={18} />
          {t("docError.title")}
        </div>
        <p className="doc-error-doc">{title}</p>
        <p className="doc-error-message">{t(`error.${error.code}`)}</p>
        {error.detail && <pre className="doc-error-detail">{error.detail}</pre>}
        <p className="doc-error-hint">{t("docError.otherDocs")}</p>
        <button type="button" className="button" data-testid="doc-error-retry" onClick={onRetry}>
          {t("docError.retry")}
        </button>
      </div>
    </div>
  );
}
