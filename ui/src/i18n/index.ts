// Translations and the language choice: the system language unless the person picked one
// (the pick is stored by the core through setLocale and comes back in appInfo().locale).

import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./en.json";
import zhCN from "./zh-CN.json";

export type Locale = "zh-CN" | "en";
export const LOCALES: readonly Locale[] = ["zh-CN", "en"];

export const resources = {
  en: { translation: en },
  "zh-CN": { translation: zhCN },
} as const;

/** Maps any language tag (navigator.language, a stored pick) to a supported locale. */
export function normalizeLocale(tag: string | null | undefined): Locale {
  return tag && tag.toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

export function systemLocale(): Locale {
  return normalizeLocale(typeof navigator !== "undefined" ? navigator.language : undefined);
}

function syncHtmlLang(lng: string) {
  if (typeof document !== "undefined") document.documentElement.lang = normalizeLocale(lng);
}

let initialized = false;

export function initI18n(initial: Locale = systemLocale()) {
  if (!initialized) {
    initialized = true;
    void i18n.use(initReactI18next).init({
      resources,
      lng: initial,
      fallbackLng: "en",
      supportedLngs: LOCALES as Locale[],
      interpolation: { escapeValue: false },
      returnNull: false,
      initAsync: false,
    });
    i18n.on("languageChanged", syncHtmlLang);
  } else if (i18n.language !== initial) {
    void i18n.changeLanguage(initial);
  }
  syncHtmlLang(initial);
  return i18n;
}

export function currentLocale(): Locale {
  return normalizeLocale(i18n.language);
}

export default i18n;
