import { useTranslation } from "react-i18next";
import type { ApiError } from "../bindings";
import { AlertIcon, CloseIcon } from "./icons";

export function ErrorBanner({ error, onDismiss }: { error: ApiError; onDismiss(): void }) {
  const { t } = useTranslation();
  return (
    <div className="error-banner" role="alert" data-testid="error-banner" data-code={error.code}>
      <AlertIcon />
      <div className="error-text">
        <strong className="error-message">{t(`error.${error.code}`)}</strong>
        {error.detail && <span className="error-detail">{error.detail}</span>}
      </div>
      <button
        type="button"
        className="icon-button"
        data-testid="error-dismiss"
        title={t("error.dismiss")}
        aria-label={t("error.dismiss")}
        onClick={onDismiss}
      >
        <CloseIcon />
      </button>
    </div>
  );
}
