import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { App } from "../App";
import { guardBackend, type Backend } from "../backend";
import { memoryBackend } from "../memoryBackend";
import { fileName } from "./ExportButtons";

/** The demo in memory, with a save dialog that answers `/tmp/<name>` and a file system that records writes. */
function recordingBackend() {
  const writes: { path: string; data: number[] }[] = [];
  const bpmn: { documentId: string; path: string }[] = [];
  const inner = memoryBackend({ demo: true });
  const backend: Backend = {
    ...inner,
    chooseSavePath: async (name: string) => ({ status: "ok", data: `/tmp/${name}` }),
    savePicture: async (path: string, data: number[]) => {
      writes.push({ path, data });
      return { status: "ok", data: null };
    },
    exportBpmnFile: async (documentId: string, path: string) => {
      bpmn.push({ documentId, path });
      return { status: "ok", data: null };
    },
  };
  return { backend, writes, bpmn };
}

describe("exporting the open flow", () => {
  it("saves the canvas as an SVG that draws every element", async () => {
    const { backend, writes } = recordingBackend();
    render(<App backend={guardBackend(backend)} />);
    await screen.findByTestId("canvas");
    await waitFor(() => expect(window.__triloop?.nodeCount()).toBeGreaterThan(0));
    fireEvent.click(screen.getByTestId("export-svg"));
    await waitFor(() => expect(writes).toHaveLength(1));
    expect(writes[0].path).toMatch(/\.svg$/);
    const text = new TextDecoder().decode(new Uint8Array(writes[0].data));
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    expect(doc.querySelector("parsererror")).toBeNull();
    const drawn = doc.querySelectorAll("[data-element-kind=node]").length;
    expect(drawn).toBe(window.__triloop?.nodeCount());
    // The demo's Chinese names are in the picture.
    expect(text).toContain("放款完成");
    expect(await screen.findByTestId("export-saved")).toBeTruthy();
  });

  it("asks the core to write BPMN for the open document", async () => {
    const { backend, bpmn } = recordingBackend();
    render(<App backend={guardBackend(backend)} />);
    await screen.findByTestId("canvas");
    fireEvent.click(screen.getByTestId("export-bpmn"));
    await waitFor(() => expect(bpmn).toHaveLength(1));
    expect(bpmn[0].path).toMatch(/^\/tmp\/.+\.bpmn$/);
  });

  it("makes file names from titles", () => {
    expect(fileName("新客户/引流:认证", "bpmn")).toBe("新客户_引流_认证.bpmn");
    expect(fileName("  ", "png")).toBe("flow.png");
  });
});
