// Saving the open flow as a file: BPMN 2.0 XML (written by the core, over the file it was
// imported from) and pictures of the canvas (SVG and PNG, drawn by the canvas renderer).

import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Backend } from "../backend";
import type { ApiError } from "../bindings";
import { renderPng, renderSvg } from "../canvas";
import type { FlowEdge, FlowNode, Lane } from "../model";
import type { ItemMode } from "./OverflowToolbar";
import { toCanvasFlow } from "./toCanvas";

type Format = "bpmn" | "svg" | "png";

/** Button text and hint of each format (literal keys, so the translation test sees them). */
const LABELS: Record<Format, { text: string; hint: string }> = {
  bpmn: { text: "bpmnFile.exportBpmn", hint: "bpmnFile.exportBpmnHint" },
  svg: { text: "bpmnFile.exportSvg", hint: "bpmnFile.exportSvgHint" },
  png: { text: "bpmnFile.exportPng", hint: "bpmnFile.exportPngHint" },
};

/** Device pixels per canvas unit in a PNG: sharp on a projector, small enough to mail. */
const PNG_SCALE = 2;

/** A file name from a document title: characters file systems refuse become "_". */
export function fileName(title: string, format: Format): string {
  const base = title.replace(/[\\/:*?"<>|\u0000-\u001f]/g, "_").trim() || "flow";
  return `${base}.${format}`;
}

type Props = {
  backend: Backend;
  documentId: string;
  title: string;
  nodes: () => FlowNode[];
  edges: () => FlowEdge[];
  lanes: () => Lane[];
  showError(error: ApiError): void;
};

/** The state of saving files: the command, whether one is running, and the last file saved. */
export type ExportActions = { save(format: Format): Promise<void>; busy: boolean; saved: string | null };

export function useExportActions({ backend, documentId, title, nodes, edges, lanes, showError }: Props): ExportActions {
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async (format: Format) => {
    setBusy(true);
    setSaved(null);
    try {
      const chosen = await backend.chooseSavePath(fileName(title, format));
      if (chosen.status !== "ok") return showError(chosen.error);
      const path = chosen.data;
      if (!path) return;
      let res;
      if (format === "bpmn") {
        res = await backend.exportBpmnFile(documentId, path);
      } else {
        const flow = toCanvasFlow(nodes(), edges(), lanes());
        const bytes =
          format === "svg"
            ? new TextEncoder().encode(renderSvg(flow.nodes, flow.edges, flow.lanes))
            : new Uint8Array(await (await renderPng(flow.nodes, flow.edges, flow.lanes, PNG_SCALE)).arrayBuffer());
        res = await backend.savePicture(path, Array.from(bytes));
      }
      if (res.status !== "ok") return showError(res.error);
      setSaved(path);
    } catch (e) {
      showError({ code: "internal", detail: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };
  return { save, busy, saved };
}

const FORMATS = ["bpmn", "svg", "png"] as const;

/**
 * The export commands: a labelled group of buttons in the toolbar ("bar"), an inert copy for
 * measuring it ("measure"), or a titled group of entries in the toolbar's More menu ("menu").
 */
export function ExportButtons({ actions, mode }: { actions: ExportActions; mode: ItemMode }) {
  const { t } = useTranslation();
  if (mode === "measure") {
    return (
      <span className="export-buttons">
        <span className="toolbar-label">{t("bpmnFile.exportLabel")}</span>
        {FORMATS.map((f) => (
          <span key={f} className="tool-button">
            {t(LABELS[f].text)}
          </span>
        ))}
      </span>
    );
  }
  const menu = mode === "menu";
  return (
    <span className={menu ? "menu-group" : "export-buttons"} role="group" aria-label={t("bpmnFile.exportLabel")}>
      <span className={menu ? "menu-group-title" : "toolbar-label"}>{t("bpmnFile.exportLabel")}</span>
      {FORMATS.map((f) => (
        <button
          key={f}
          type="button"
          className={menu ? "menu-item" : "tool-button"}
          role={menu ? "menuitem" : undefined}
          data-testid={`export-${f}`}
          disabled={actions.busy}
          title={t(LABELS[f].hint)}
          onClick={() => void actions.save(f)}
        >
          {t(LABELS[f].text)}
        </button>
      ))}
    </span>
  );
}

/** How long the notice of a saved file stays over the canvas. */
const SAVED_NOTICE_MS = 8000;

/**
 * Which file was saved last, as a notice over the canvas's corner: shown wherever the
 * command was (the toolbar or its More menu), and never taking the toolbar's room.
 */
export function ExportSaved({ actions }: { actions: ExportActions }) {
  const { t } = useTranslation();
  const [shown, setShown] = useState<string | null>(null);
  useEffect(() => {
    setShown(actions.saved);
    if (!actions.saved) return;
    const timer = setTimeout(() => setShown(null), SAVED_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [actions.saved]);
  if (!shown) return null;
  return (
    <div className="canvas-notice" data-testid="export-saved" title={shown} role="status">
      {t("bpmnFile.saved", { path: shown.split(/[\\/]/).pop() })}
    </div>
  );
}
