import { render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import i18n from "../i18n";
import { memoryBackend } from "../memoryBackend";
import { DomainPane } from "./DomainPane";

describe("DomainPane", () => {
  it("lists the contexts with their elements, in both languages, and says the picture needs the core", async () => {
    const b = memoryBackend();
    const ws = await b.createWorkspace("w");
    if (ws.status !== "ok") throw new Error();
    const doc = await b.createDocument(ws.data.id, "domainModel", "领域");
    if (doc.status !== "ok") throw new Error();
    const context = { record: "context" as const, id: "c", name: "客户", subdomain: null, vision: "统一客户视图", x: 0, y: 0, w: 400, h: 300, kept: null };
    const entity = { record: "element" as const, id: "e", context: "c", kind: "entity" as const, name: "客户", x: 0, y: 0, w: 180, h: 120 };
    const edited = await b.editDocument(doc.data.id, { kind: "domainModel", ops: [{ op: "add", record: context }, { op: "add", record: entity }] });
    expect(edited.status).toBe("ok");
    await i18n.changeLanguage("en");
    const errors: unknown[] = [];
    render(<DomainPane backend={b} doc={doc.data} showError={(e) => errors.push(e)} />);
    await waitFor(() => expect(screen.getByTestId("domain-pane")).toBeTruthy());
    const item = screen.getByTestId("domain-context");
    expect(item.textContent).toContain("统一客户视图");
    expect(item.textContent).toContain("客户 (entity)");
    expect(screen.getByTestId("domain-counts").textContent).toContain("1 contexts");
    expect(screen.getByText("The context map is drawn by the desktop app.")).toBeTruthy();
    await i18n.changeLanguage("zh-CN");
    await waitFor(() => expect(screen.getByTestId("domain-context").textContent).toContain("客户 (实体)"));
    await i18n.changeLanguage("en");
    expect(errors).toEqual([]);
  });
});
