import { describe, expect, it } from "vitest";
import type { PlayerBundle_Serialize as PlayerBundle } from "../bindings";
import demo from "./demoBundle.test.json";
import { mountPlayer } from "./player";

// The demo's bundle as the core builds it (`triloop prototype html` of the demo workspace).
const bundle = () => JSON.parse(JSON.stringify(demo)) as PlayerBundle;
const customer = () => {
  const b = demo as unknown as PlayerBundle;
  return { doc: b.samples.find((t) => t.entity === "ent_customer")!.document, entity: "ent_customer" };
};

function click(el: Element | null) {
  expect(el).not.toBeNull();
  (el as HTMLElement).click();
}
function fill(root: HTMLElement, component: string, value: string) {
  const input = root.querySelector(`input[data-component="${component}"], select[data-component="${component}"]`) as HTMLInputElement;
  expect(input).not.toBeNull();
  input.value = value;
  input.dispatchEvent(new Event("change"));
}

describe("the prototype player", () => {
  it("starts on the start screen with the list filled from the sample rows", () => {
    const root = document.createElement("div");
    const p = mountPlayer(root, bundle(), { lang: "zh-CN" });
    expect(p.screen()).toBe("scr_list");
    expect(root.querySelector(".tp-screen-name")!.textContent).toBe("客户列表");
    const rows = root.querySelectorAll('[data-component="list_customers"] .tp-row');
    expect(rows.length).toBe(8);
    // the row template's texts show the row's values
    const first = customer();
    const row0 = p.rows(first.doc, first.entity)[0];
    expect(rows[0].textContent).toContain(String(row0.values["a_cust_name"]));
  });

  it("sample data is editable: an edited name shows in the list at once", () => {
    const root = document.createElement("div");
    const p = mountPlayer(root, bundle(), { lang: "zh-CN" });
    const { doc, entity } = customer();
    expect(p.tables()).toContain(`${doc}/${entity}`);
    const row0 = p.rows(doc, entity)[0];
    expect(p.setValue(doc, entity, row0.id, "a_cust_name", "王小明")).toBe(true);
    expect(p.rows(doc, entity)[0].values["a_cust_name"]).toBe("王小明");
    const rows = root.querySelectorAll('[data-component="list_customers"] .tp-row');
    expect(rows[0].textContent).toContain("王小明");
    expect(p.setValue(doc, entity, "no-such-row", "a_cust_name", "x")).toBe(false);
  });

  it("checks the form, runs the capability and the command, and the new customer shows in the list", () => {
    const root = document.createElement("div");
    const p = mountPlayer(root, bundle(), { lang: "en" });
    click(root.querySelector('button[data-component="list_to_signup"]'));
    expect(p.screen()).toBe("scr_signup");
    // empty required mobile: stays, says why
    click(root.querySelector('button[data-component="signup_submit"]'));
    expect(p.screen()).toBe("scr_signup");
    expect(root.querySelector('[data-error-for="signup_mobile"]')!.textContent).toBe("This field is required");
    fill(root, "signup_mobile", "13912345678");
    fill(root, "signup_code", "123456");
    click(root.querySelector('button[data-component="signup_submit"]'));
    expect(p.screen()).toBe("scr_list");
    const { doc, entity } = customer();
    expect(p.rows(doc, entity).length).toBe(9);
    const rows = root.querySelectorAll('[data-component="list_customers"] .tp-row');
    expect(rows.length).toBe(9);
    expect(rows[0].textContent).toContain("13912345678");
    // a row opens the detail screen showing that row
    click(rows[0]);
    expect(p.screen()).toBe("scr_detail");
    expect(root.querySelector('[data-component="detail_mobile"]')!.textContent).toBe("13912345678");
    const kinds = p.walk().map((s) => s.kind);
    expect(kinds[0]).toBe("visit");
    expect(kinds).toContain("fill");
    expect(kinds).toContain("click");
    expect(p.walk().filter((s) => s.kind === "fill").map((s) => s.value)).toEqual(["13912345678", "123456"]);
  });

  it("a failing capability shows the action's failure message and records it", () => {
    const root = document.createElement("div");
    const p = mountPlayer(root, bundle(), { lang: "zh-CN", start: "scr_signup" });
    fill(root, "signup_mobile", "13912345678");
    click(root.querySelector('button[data-component="signup_submit"]'));
    expect(p.screen()).toBe("scr_signup");
    expect(root.querySelector(".tp-flash")!.textContent).toBe("报名失败：验证码不正确");
    expect(p.walk().at(-1)).toMatchObject({ kind: "see", value: "报名失败：验证码不正确" });
  });

  it("checks values against the attribute's type", () => {
    const b = bundle();
    const bind = b.bindings.find((x) => x.component === "signup_mobile")!;
    bind.attribute = { ...bind.attribute!, dataType: "integer" };
    const root = document.createElement("div");
    const p = mountPlayer(root, b, { lang: "en", start: "scr_signup" });
    fill(root, "signup_mobile", "abc");
    fill(root, "signup_code", "1");
    click(root.querySelector('button[data-component="signup_submit"]'));
    expect(p.screen()).toBe("scr_signup");
    expect(root.querySelector('[data-error-for="signup_mobile"]')!.textContent).toBe("Enter a whole number");
  });

  it("says which binding is broken", () => {
    const b = bundle();
    const bind = b.bindings.find((x) => x.component === "list_row_mobile")!;
    bind.broken = "bindingAttributeMissing";
    bind.attribute = null;
    const root = document.createElement("div");
    mountPlayer(root, b, { lang: "en" });
    const notes = root.querySelectorAll('[data-broken="list_row_mobile"]');
    expect(notes.length).toBeGreaterThan(0);
    expect(notes[0].textContent).toContain("Broken binding: 手机号");
    expect(notes[0].textContent).toContain("bindingAttributeMissing");
  });

  it("goes back and stops", () => {
    const root = document.createElement("div");
    const p = mountPlayer(root, bundle(), { lang: "en" });
    click(root.querySelector('button[data-component="list_to_sop"]'));
    expect(p.screen()).toBe("scr_sop");
    click(root.querySelector(".tp-back"));
    expect(p.screen()).toBe("scr_list");
    p.stop();
    expect(root.textContent).toBe("");
  });
});
