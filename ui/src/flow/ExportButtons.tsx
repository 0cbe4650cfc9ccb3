// Saving the open flow as a file: BPMN 2.0 XML (written by the core, over the file it was
// imported from) and pictures of the canvas (SVG and PNG, drawn by the canvas renderer).

import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Backend } from "../backend";
import type { ApiError } from "../bindings";
import { renderPng, renderSvg } from "../canvas";
import type { FlowEdge, FlowNode, Lane } from "../model";
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

export function ExportButtons({ backend, documentId, title, nodes, edges, lanes, showError }: Props) {
  const { t } = useTranslation();
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

  return (
    <span className="export-buttons" role="group" aria-label={t("bpmnFile.exportLabel")}>
      <span className="toolbar-label">{t("bpmnFile.exportLabel")}</span>
      {(["bpmn", "svg", "png"] as const).map((f) => (
        <button
          key={f}
          type="button"
          className="tool-button"
          data-testid={`export-${f}`}
          disabled={busy}
          title={t(LABELS[f].hint)}
          onClick={() => void save(f)}
        >
          {t(LABELS[f].text)}
        </button>
      ))}
      {saved && (
        <span className="toolbar-hint" data-testid="export-saved" title={saved}>
          {t("bpmnFile.saved", { path: saved.split(/[\\/]/).pop() })}
        </span>
      )}
    </span>
  );
}
