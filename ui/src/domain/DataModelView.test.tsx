import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { Backend } from "../backend";
import type { ColumnView_Serialize as ColumnView, DataModelView_Serialize as DataModel } from "../bindings";
import { DataModelView, hasLength, overrideOps, typeChange } from "./DataModelView";
import { EMPTY_MODEL, newElement, type ColumnOverride, type DomainModel, type DomainOp } from "./domainModel";

function column(key: string, name: string, extra: Partial<ColumnView> = {}): ColumnView {
  return {
    key,
    name,
    typeName: "varchar",
    sqlType: "varchar(255)",
    length: 255,
    nullable: true,
    primaryKey: false,
    generated: false,
    foreignKey: null,
    indexed: false,
    unique: false,
    overrideId: null,
    overridden: { name: false, sqlType: false, length: false, index: false },
    derived: { name, typeName: "varchar", length: 255, indexed: false },
    ...extra,
  };
}

/** Customer (customer_no, full_name) and Purchase (id, customer_customer_no → customer). */
function view(fullName: ColumnView = column("c:a1", "full_name")): DataModel {
  return {
    schemas: [
      {
        key: "ctx",
        name: "sales",
        tables: [
          {
            key: "t:cust",
            name: "customer",
            element: "cust",
            derivedName: "customer",
            overrideId: null,
            columns: [column("c:a0", "customer_no", { nullable: false, primaryKey: true, indexed: true, derived: { name: "customer_no", typeName: "varchar", length: 255, indexed: true } }), fullName],
            constraints: [{ kind: "primaryKey", name: "pk_customer", columns: ["customer_no"], references: null, cascade: false, values: [] }],
          },
          {
            key: "t:buy",
            name: "purchase",
            element: "buy",
            derivedName: "purchase",
            overrideId: null,
            columns: [
              column("c:buy#id", "id", { typeName: "bigint", sqlType: "bigint", length: null, nullable: false, primaryKey: true, generated: true, indexed: true }),
              column("c:b1", "customer_customer_no", {
                foreignKey: { schema: "sales", table: "customer", tableKey: "t:cust", column: "customer_no" },
                indexed: true,
                derived: { name: "customer_customer_no", typeName: "varchar", length: 255, indexed: true },
              }),
            ],
            constraints: [],
          },
        ],
      },
    ],
  };
}

const model = (overrides: ColumnOverride[] = []): DomainModel => ({
  ...EMPTY_MODEL,
  elements: [newElement("cust", "ctx", "entity", "Customer", 0, 0), newElement("buy", "ctx", "entity", "Purchase", 0, 0)],
  overrides,
});

function stub(data: DataModel) {
  const domainDataModel = vi.fn(async (_id: string) => ({ status: "ok" as const, data }));
  return { backend: { domainDataModel } as unknown as Backend, domainDataModel };
}

function mount(data: DataModel, m: DomainModel, refreshKey: unknown = m) {
  const { backend, domainDataModel } = stub(data);
  const onEdit = vi.fn<(ops: DomainOp[]) => void>();
  const onClose = vi.fn();
  const r = render(<DataModelView backend={backend} documentId="dm" model={m} readOnly={false} onEdit={onEdit} onClose={onClose} refreshKey={refreshKey} />);
  return { ...r, backend, domainDataModel, onEdit, onClose };
}

const row = async (tableKey: string, columnKey: string) => {
  const table = (await screen.findAllByTestId("data-table")).find((t) => t.dataset.tableKey === tableKey)!;
  return within(table)
    .getAllByTestId("data-column")
    .find((r) => r.dataset.columnKey === columnKey)!;
};

describe("DataModelView", () => {
  it("shows a table per derived table with its columns, keys and indexes", async () => {
    const { domainDataModel } = mount(view(), model());
    expect(await screen.findAllByTestId("data-table")).toHaveLength(2);
    expect(domainDataModel).toHaveBeenCalledWith("dm");
    expect(screen.getByTestId("data-model").textContent).toContain("sales");
    const tables = screen.getAllByTestId("data-table");
    expect(tables.map((t) => t.dataset.tableKey)).toEqual(["t:cust", "t:buy"]);
    expect(tables[0].textContent).toContain("from Customer");
    const names = within(tables[0])
      .getAllByTestId("column-name")
      .map((i) => (i as HTMLInputElement).value);
    expect(names).toEqual(["customer_no", "full_name"]);
    const fk = await row("t:buy", "c:b1");
    expect(fk.textContent).toContain("→ customer.customer_no");
    expect((within(fk).getByTestId("column-index") as HTMLInputElement).checked).toBe(true);
    const id = await row("t:buy", "c:buy#id");
    expect((within(id).getByTestId("column-type") as HTMLInputElement).value).toBe("bigint");
    expect((within(id).getByTestId("column-length") as HTMLInputElement).value).toBe("");
    expect((within(id).getByTestId("column-length") as HTMLInputElement).readOnly).toBe(true);
    expect(within(id).queryByTestId("column-reset")).toBeNull();
  });

  it("sends one op adding an override when a name is edited, and none after Escape", async () => {
    const { onEdit } = mount(view(), model());
    const name = within(await row("t:cust", "c:a1")).getByTestId("column-name") as HTMLInputElement;
    fireEvent.change(name, { target: { value: "nickname" } });
    fireEvent.keyDown(name, { key: "Escape" });
    expect(name.value).toBe("full_name");
    fireEvent.blur(name);
    expect(onEdit).not.toHaveBeenCalled();

    fireEvent.change(name, { target: { value: "display_name" } });
    fireEvent.keyDown(name, { key: "Enter" });
    fireEvent.blur(name);
    expect(onEdit).toHaveBeenCalledTimes(1);
    expect(onEdit.mock.calls[0][0]).toEqual([
      {
        op: "add",
        record: { record: "override", id: expect.any(String), table: "t:cust", column: "c:a1", name: "display_name", sqlType: null, length: null, index: null },
      },
    ]);
  });

  it("updates an existing override keeping its other fields, shows it, and resets it", async () => {
    const o1: ColumnOverride = { id: "o1", table: "t:cust", column: "c:a1", name: "display_name", sqlType: null, length: 120, index: null };
    const overridden = column("c:a1", "display_name", {
      sqlType: "varchar(120)",
      length: 120,
      overrideId: "o1",
      overridden: { name: true, sqlType: false, length: true, index: false },
      derived: { name: "full_name", typeName: "varchar", length: 255, indexed: false },
    });
    const { onEdit } = mount(view(overridden), model([o1]));
    const r = await row("t:cust", "c:a1");
    const nameCell = within(r).getByTestId("column-name").closest("td")!;
    expect(nameCell.classList.contains("is-overridden")).toBe(true);
    expect(nameCell.title).toBe("overridden; derived: full_name");
    expect(within(r).getByTestId("column-type").closest("td")!.classList.contains("is-overridden")).toBe(false);

    fireEvent.click(within(r).getByTestId("column-index"));
    expect(onEdit.mock.calls[0][0]).toEqual([{ op: "update", record: { record: "override", ...o1, index: true } }]);

    const type = within(r).getByTestId("column-type");
    fireEvent.change(type, { target: { value: "text" } });
    fireEvent.blur(type);
    expect(onEdit.mock.calls[1][0]).toEqual([{ op: "update", record: { record: "override", ...o1, sqlType: "text" } }]);

    fireEvent.click(within(r).getByTestId("column-reset"));
    expect(onEdit.mock.calls[2][0]).toEqual([{ op: "remove", id: "o1" }]);
  });

  it("asks the core again when refreshKey changes", async () => {
    const m = model();
    const { domainDataModel, rerender, backend, onEdit, onClose } = mount(view(), m);
    await screen.findAllByTestId("data-table");
    expect(domainDataModel).toHaveBeenCalledTimes(1);
    const next = { ...m };
    rerender(<DataModelView backend={backend} documentId="dm" model={next} readOnly={false} onEdit={onEdit} onClose={onClose} refreshKey={next} />);
    await waitFor(() => expect(domainDataModel).toHaveBeenCalledTimes(2));
  });

  it("is read-only when asked", async () => {
    const { backend } = stub(view());
    render(<DataModelView backend={backend} documentId="dm" model={model()} readOnly onEdit={vi.fn()} onClose={vi.fn()} />);
    const r = await row("t:cust", "c:a1");
    expect((within(r).getByTestId("column-name") as HTMLInputElement).readOnly).toBe(true);
    expect((within(r).getByTestId("column-index") as HTMLInputElement).disabled).toBe(true);
  });
});

describe("overrideOps", () => {
  const col = column("c:a1", "full_name");
  it("adds nothing for the derived value, and removes an override with nothing left", () => {
    expect(overrideOps(model(), "t:cust", col, { name: "full_name" })).toEqual([]);
    const o: ColumnOverride = { id: "o1", table: "t:cust", column: "c:a1", name: "x", sqlType: null, length: null, index: null };
    expect(overrideOps(model([o]), "t:cust", col, { name: "" })).toEqual([{ op: "remove", id: "o1" }]);
  });
  it("reads varchar(n) as the type and its length", () => {
    expect(typeChange("VARCHAR(120)")).toEqual({ sqlType: "varchar", length: 120 });
    expect(typeChange("decimal(18,2)")).toEqual({ sqlType: "decimal(18,2)" });
  });
  it("offers a length only where the type takes one", () => {
    expect(["varchar", "char", "nvarchar"].map(hasLength)).toEqual([true, true, true]);
    expect(["bigint", "text", "decimal(19,4)", "varchar(20)", "boolean"].map(hasLength)).toEqual([false, false, false, false, false]);
  });
});
