// An in-app confirmation dialog (native confirm() is unreliable inside webviews and WebDriver).

import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";

type Props = { title: string; message: string; onConfirm(): void; onCancel(): void };

export function ConfirmDialog({ title, message, onConfirm, onCancel }: Props) {
  const { t } = useTranslation();
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => cancelRef.current?.focus(), []);
  return (
    <div
      className="dialog-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onCancel();
      }}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === "Escape") onCancel();
      }}
    >
      <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" data-testid="confirm-dialog">
        <h2 id="confirm-title">{title}</h2>
        <p>{message}</p>
        <div className="dialog-actions">
          <button type="button" ref={cancelRef} className="button" data-testid="confirm-cancel" onClick={onCancel}>
            {t("confirm.cancel")}
          </button>
          <button type="button" className="button button-danger" data-testid="confirm-ok" onClick={onConfirm}>
            {t("confirm.ok")}
          </button>
        </div>
      </div>
    </div>
  );
}
