// The one interface through which the UI talks to the core.
// `tauriBackend` is the generated tauri-specta binding; `memoryBackend` (memoryBackend.ts)
// implements the same semantics in memory for tests and for running in a plain browser.

import { commands, events } from "./bindings";
import type { ApiError, CoreEvent, ErrorCode } from "./bindings";

/** What every command returns (tauri-specta's result shape): API errors are values, not exceptions. */
export type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };

export type Backend = typeof commands;

export const tauriBackend: Backend = commands;

export const ERROR_CODES = [
  "notFound",
  "documentCorrupt",
  "tooNew",
  "invalidInput",
  "storage",
  "badFile",
  "internal",
  "unauthorized",
  "unreachable",
  "readOnly",
  "dataFolderInUse",
  "diskFull",
  "databaseReadOnly",
] as const satisfies readonly ErrorCode[];

// Compile-time check that ERROR_CODES lists every ErrorCode (the translation test relies on it).
type MissingErrorCode = Exclude<ErrorCode, (typeof ERROR_CODES)[number]>;
const allErrorCodesListed: [MissingErrorCode] extends [never] ? true : false = true;
void allErrorCodesListed;

function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ApiError).code === "string" &&
    (ERROR_CODES as readonly string[]).includes((value as ApiError).code)
  );
}

/** Turns anything a command rejected or threw with into an ApiError the UI can show. */
export function toApiError(value: unknown): ApiError {
  if (isApiError(value)) return { code: value.code, detail: String(value.detail ?? "") };
  if (value instanceof Error) return { code: "internal", detail: value.message };
  if (typeof value === "string") return { code: "internal", detail: value };
  try {
    return { code: "internal", detail: JSON.stringify(value) };
  } catch {
    return { code: "internal", detail: String(value) };
  }
}

/**
 * Wraps a backend so that no call ever throws: the generated bindings rethrow `Error`s
 * (an IPC failure, a panic turned into a rejection) and may return non-ApiError errors.
 */
export function guardBackend(inner: Backend): Backend {
  const guarded: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(inner) as [string, (...args: unknown[]) => Promise<Result<unknown, unknown>>][]) {
    guarded[name] = async (...args: unknown[]) => {
      try {
        const result = await fn.apply(inner, args);
        if (result && result.status === "ok") return result;
        if (result && result.status === "error") return { status: "error", error: toApiError(result.error) };
        return { status: "error", error: toApiError(result) };
      } catch (e) {
        return { status: "error", error: toApiError(e) };
      }
    };
  }
  return guarded as Backend;
}

/** Tauri when its IPC is present, otherwise the in-memory backend (plain browser). */
export async function selectBackend(): Promise<Backend> {
  if (typeof window !== "undefined" && "__TAURI_INTERNALS__" in window) {
    return guardBackend(tauriBackend);
  }
  const { memoryBackend } = await import("./memoryBackend");
  // In a plain browser, ?largeFlow=10000 adds a workspace with a flow of that many nodes.
  const large = Number(new URLSearchParams(window.location.search).get("largeFlow") ?? 0);
  return guardBackend(memoryBackend({ demo: true, largeFlowNodes: large > 0 ? Math.min(large, 100000) : undefined }));
}

/** What the core says unasked: sync states, documents changed through sync, presence. */
export type CoreEvents = { subscribe(listener: (event: CoreEvent) => void): () => void };

/** No events (the in-memory backend has no server). */
export const noEvents: CoreEvents = { subscribe: () => () => {} };

/** The core's events through Tauri's event system. */
export const tauriEvents: CoreEvents = {
  subscribe(listener) {
    let off: (() => void) | undefined;
    let gone = false;
    void events.coreNotice
      .listen((e) => listener(e.payload as CoreEvent))
      .then((unlisten) => {
        if (gone) unlisten();
        else off = unlisten;
      });
    return () => {
      gone = true;
      off?.();
    };
  },
};

/** Tauri's events when its IPC is present, otherwise none. */
export function selectEvents(): CoreEvents {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window ? tauriEvents : noEvents;
}
