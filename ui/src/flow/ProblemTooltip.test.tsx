import { act, fireEvent, render, screen } from "@testing-library/react";
import { useRef } from "react";
import { afterEach, describe, expect, it } from "vitest";
import i18n from "../i18n";
import { ProblemTooltip } from "./ProblemTooltip";
import { makeNode } from "../model";
import type { ProblemMark } from "./problems";

const defaultIndex = new Map<string, readonly ProblemMark[]>([
  [
    "archive",
    [
      { code: "unreachable", severity: "error" },
      { code: "deadEnd", severity: "error" },
    ],
  ],
]);
/** The flow: one task, "archive", named 归档. */
const flow = {
  nodeById: new Map([["archive", makeNode({ id: "archive", kind: "task", name: "归档", x: 0, y: 0, w: 120, h: 72 })]]),
  edgeById: new Map(),
};
/** "archive" lies left of x = 1000, anything else is empty canvas. */
const elementAt = (x: number) => (x < 1000 ? "archive" : null);

function Harness({ index = defaultIndex }: { index?: ReadonlyMap<string, readonly ProblemMark[]> }) {
  const ref = useRef<HTMLDivElement | null>(null);
  return (
    <div
      ref={(el) => {
        ref.current = el;
        // An 800×600 canvas at the viewport's origin (jsdom lays nothing out).
        if (el) el.getBoundingClientRect = () => DOMRect.fromRect({ x: 0, y: 0, width: 800, height: 600 });
      }}
      data-testid="host"
    >
      <ProblemTooltip container={ref} elementAt={elementAt} index={index} lookup={() => flow} />
    </div>
  );
}

describe("ProblemTooltip", () => {
  afterEach(async () => {
    await act(() => i18n.changeLanguage("en"));
  });

  it("says what is wrong with the element under the pointer, in the person's language", async () => {
    await act(() => i18n.changeLanguage("zh-CN"));
    render(<Harness />);
    const host = screen.getByTestId("host");
    expect(screen.queryByRole("tooltip")).toBeNull();
    fireEvent.pointerMove(host, { clientX: 40, clientY: 30, buttons: 0 });
    const tip = screen.getByRole("tooltip");
    expect(tip.dataset.element).toBe("archive");
    expect([...tip.querySelectorAll("li")].map((li) => li.dataset.code)).toEqual(["unreachable", "deadEnd"]);
    expect(tip.textContent).toContain("无法从任何开始事件到达「归档」");
    expect([tip.style.left, tip.style.top]).toEqual(["54px", "44px"]);
    // Near the canvas's right and bottom sides it opens left of and above the pointer.
    fireEvent.pointerMove(host, { clientX: 700, clientY: 560, buttons: 0 });
    const near = screen.getByRole("tooltip");
    expect([near.style.left, near.style.right, near.style.top, near.style.bottom]).toEqual(["", "114px", "", "54px"]);
    await act(() => i18n.changeLanguage("en"));
    expect(screen.getByRole("tooltip").textContent).toContain("“归档” cannot be reached from any start event");
  });

  it("shows a warning-only element as a warning, and puts an error first when there are both", () => {
    const warned = new Map<string, readonly ProblemMark[]>([["archive", [{ code: "fakeJoin", severity: "warning" }]]]);
    const { unmount } = render(<Harness index={warned} />);
    fireEvent.pointerMove(screen.getByTestId("host"), { clientX: 40, clientY: 30, buttons: 0 });
    const tip = screen.getByRole("tooltip");
    expect(tip.dataset.severity).toBe("warning");
    expect(tip.querySelector(".severity-icon")?.classList.contains("severity-warning")).toBe(true);
    expect(tip.textContent).toContain("“归档” has several incoming sequence flows but does not wait for all of them");
    unmount();

    const both = new Map<string, readonly ProblemMark[]>([
      [
        "archive",
        [
          { code: "inclusiveGateway", severity: "warning" },
          { code: "gatewayJoinFork", severity: "error" },
        ],
      ],
    ]);
    render(<Harness index={both} />);
    fireEvent.pointerMove(screen.getByTestId("host"), { clientX: 40, clientY: 30, buttons: 0 });
    const mixed = screen.getByRole("tooltip");
    expect(mixed.dataset.severity).toBe("error");
    const items = [...mixed.querySelectorAll("li")];
    expect(items.map((li) => [li.dataset.code, li.dataset.severity])).toEqual([
      ["gatewayJoinFork", "error"],
      ["inclusiveGateway", "warning"],
    ]);
    expect(items[0].querySelector(".severity-error")).not.toBeNull();
    expect(items[1].querySelector(".severity-warning")).not.toBeNull();
  });

  it("goes away over empty canvas, when the pointer leaves, on a press and during a drag", () => {
    render(<Harness />);
    const host = screen.getByTestId("host");
    const over = () => fireEvent.pointerMove(host, { clientX: 40, clientY: 30, buttons: 0 });
    over();
    fireEvent.pointerMove(host, { clientX: 1200, clientY: 30, buttons: 0 });
    expect(screen.queryByRole("tooltip")).toBeNull();
    over();
    fireEvent.pointerLeave(host);
    expect(screen.queryByRole("tooltip")).toBeNull();
    over();
    fireEvent.pointerDown(host, { clientX: 40, clientY: 30 });
    expect(screen.queryByRole("tooltip")).toBeNull();
    fireEvent.pointerMove(host, { clientX: 45, clientY: 30, buttons: 1 });
    expect(screen.queryByRole("tooltip")).toBeNull();
  });
});
