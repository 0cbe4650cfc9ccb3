// @ts-check
// The prototype player: plays a sandbox prototype (演示模式) from one JSON bundle, with no
// dependencies, so that the same file runs inside the app's play mode and inlined in the
// self-contained HTML export (`triloop prototype html`).
//
// Contract (kept by the core's bundle builder and this file):
//   TriloopPlayer.mount(element, bundle, options) -> { stop(), walk(), store(), screen(), go(id) }
// where `bundle` is the core's `PlayerBundle` (screens, components with resolved bindings,
// actions, sample data, broken bindings) and `options` carries the language and callbacks.
//
// What it does: renders the current screen's components as real HTML controls (positioned as
// on the storyboard; stacks, forms, cards and list rows flow), navigates, checks form input
// against the model's types and required flags, runs command calls against an in-memory copy
// of the sample rows (a row created on one screen shows in the lists of the next), plays
// capabilities from their contract, marks broken bindings, and records the walk.
// It must stay a classic script (no import/export): the HTML export inlines it in <script>.

(function () {
  /**
   * @typedef {{ id: string, name: string, dataType: string, required: boolean, identifier: boolean,
   *   list: boolean, target?: string | null, targetName?: string | null, values: string[] }} Attr
   * @typedef {{ document: string, entity: string, attribute?: string | null, collection?: boolean }} Binding
   * @typedef {{ id: string, screen: string, parent?: string | null, kind: string, part?: string | null,
   *   name: string, text?: string | null, x: number, y: number, w: number, h: number, order?: number,
   *   layout?: { direction: string, gap: number, padding: number } | null,
   *   props?: Record<string, string>, binding?: Binding | null }} Comp
   * @typedef {{ id: string, name: string, device: string, x: number, y: number, w: number, h: number,
   *   start?: boolean, description?: string | null }} Screen
   * @typedef {{ step: string, screen?: string, document?: string, command?: string, part?: string,
   *   contract?: Contract, text?: string }} Step
   * @typedef {{ id: string, component: string, name?: string | null, steps: Step[],
   *   success?: string | null, failure?: string | null }} Action
   * @typedef {{ name: string, type: string, required?: boolean, example?: string | null }} ContractField
   * @typedef {{ operation: string, summary?: string | null, request: ContractField[],
   *   response: ContractField[], errors: { code: string, messageZh: string, messageEn: string }[] }} Contract
   * @typedef {{ component: string, document: string, entity: string, entityName?: string | null,
   *   attribute?: Attr | null, collection: boolean, broken?: string | null }} PBinding
   * @typedef {{ document: string, id: string, name: string, kind?: string, attributes: Attr[] }} PEntity
   * @typedef {{ document: string, id: string, name: string, aggregate?: string | null,
   *   root?: string | null, attributes: Attr[], broken: boolean }} PCommand
   * @typedef {{ id: string, values: Record<string, any> }} Row
   * @typedef {{ document: string, entity: string, rows: Row[] }} Table
   * @typedef {{ documentId: string, title: string, seed: number, start: string[], screens: Screen[],
   *   components: Comp[], actions: Action[], entities: PEntity[], commands: PCommand[],
   *   bindings: PBinding[], samples: Table[], capabilities?: any[], problems?: any[] }} Bundle
   * @typedef {{ kind: "visit" | "fill" | "click" | "see", screen: string, component: string | null,
   *   value: string | null }} WalkStep
   * @typedef {{ lang?: string, standalone?: boolean, start?: string,
   *   onStep?: (step: WalkStep) => void, onScreen?: (screenId: string) => void }} Options
   */

  /** @type {Record<string, [string, string]>} */
  var TEXT = {
    required: ["此项必填", "This field is required"],
    notInteger: ["请输入整数", "Enter a whole number"],
    notNumber: ["请输入数字", "Enter a number"],
    notDate: ["请输入日期（年-月-日）", "Enter a date (YYYY-MM-DD)"],
    notDateTime: ["请输入日期时间", "Enter a date and time"],
    notValue: ["请选择列出的值", "Pick one of the listed values"],
    broken: ["绑定已失效", "Broken binding"],
    brokenCommand: ["命令已不在领域模型中", "The command is no longer in the domain model"],
    noScreen: ["没有可播放的页面", "There is no screen to play"],
    done: ["已完成", "Done"],
    back: ["返回", "Back"],
    restart: ["重新开始", "Restart"],
    choose: ["请选择", "Choose"],
    empty: ["暂无数据", "No rows"],
    image: ["图片", "Image"],
    chart: ["图表", "Chart"],
    fixErrors: ["请先修正表单中的错误", "Fix the form's errors first"],
    capabilityFailed: ["服务调用失败", "The service call failed"],
  };

  /** @param {Bundle} bundle @param {HTMLElement} element @param {Options} [options] */
  function mount(element, bundle, options) {
    var opts = options || {};
    var zh = (opts.lang || "zh-CN").toLowerCase().indexOf("zh") === 0;
    /** @param {string} key */
    var tr = function (key) {
      var pair = TEXT[key];
      return pair ? pair[zh ? 0 : 1] : key;
    };
    var doc = element.ownerDocument;

    /** @type {Map<string, Comp>} */
    var comps = new Map();
    /** @type {Map<string, Comp[]>} children by parent id ("" + screen id for the top level) */
    var kids = new Map();
    bundle.components.forEach(function (c) {
      comps.set(c.id, c);
      var key = c.parent ? c.parent : "screen:" + c.screen;
      var list = kids.get(key) || [];
      list.push(c);
      kids.set(key, list);
    });
    kids.forEach(function (list) {
      list.sort(function (a, b) {
        return (a.order || 0) - (b.order || 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      });
    });
    /** @type {Map<string, PBinding>} */
    var bindings = new Map();
    bundle.bindings.forEach(function (b) {
      bindings.set(b.component, b);
    });
    /** @type {Map<string, Action>} */
    var actionOf = new Map();
    bundle.actions.forEach(function (a) {
      actionOf.set(a.component, a);
    });
    /** @type {Map<string, Screen>} */
    var screens = new Map();
    bundle.screens.forEach(function (s) {
      screens.set(s.id, s);
    });

    // The sample store: a deep copy, so the bundle stays as it came.
    /** @type {Map<string, Row[]>} rows by "document/entity" */
    var store = new Map();
    (bundle.samples || []).forEach(function (t) {
      store.set(t.document + "/" + t.entity, JSON.parse(JSON.stringify(t.rows)));
    });
    /** @type {Map<string, Row>} the row picked last, by "document/entity" */
    var current = new Map();

    /** @type {WalkStep[]} */
    var steps = [];
    /** @type {string[]} */
    var history = [];
    /** @type {string | null} */
    var screenId = null;
    /** @type {Map<string, string>} field values on the current screen, by component id */
    var values = new Map();
    /** @type {string | null} */
    var flash = null;
    var stopped = false;

    /** @param {WalkStep["kind"]} kind @param {string | null} component @param {string | null} value */
    function record(kind, component, value) {
      if (!screenId) return;
      var step = { kind: kind, screen: screenId, component: component, value: value };
      steps.push(step);
      if (opts.onStep) opts.onStep(step);
    }

    /** @param {string} document @param {string} id @returns {PEntity | PCommand | undefined} */
    function entityOrCommand(document, id) {
      var e = bundle.entities.find(function (x) {
        return x.document === document && x.id === id;
      });
      if (e) return e;
      return bundle.commands.find(function (x) {
        return x.document === document && x.id === id;
      });
    }

    /** @param {string} document @param {string} entity @returns {Row[]} */
    function rowsOf(document, entity) {
      var key = document + "/" + entity;
      var rows = store.get(key);
      if (!rows) {
        rows = [];
        store.set(key, rows);
      }
      return rows;
    }

    /** @param {any} v @returns {string} */
    function show(v) {
      if (v === null || v === undefined) return "";
      if (Array.isArray(v)) return v.map(show).join(zh ? "、" : ", ");
      if (typeof v === "boolean") return v ? (zh ? "是" : "Yes") : zh ? "否" : "No";
      if (typeof v === "object") return JSON.stringify(v);
      return String(v);
    }

    /**
     * A bound text's value from `row`, or from the entity's current (else first) row.
     * @param {PBinding} b @param {Row | null} row
     */
    function boundValue(b, row) {
      if (!b.attribute) return "";
      var r = row && row.id.indexOf(b.entity + "#") === 0 ? row : null;
      if (!r) r = current.get(b.document + "/" + b.entity) || rowsOf(b.document, b.entity)[0] || null;
      return r ? show(r.values[b.attribute.id]) : "";
    }

    /** @param {Comp} c @param {Row | null} row */
    function label(c, row) {
      var b = bindings.get(c.id);
      var isField = ["input", "select", "date", "checkbox"].indexOf(c.kind) >= 0;
      if (b && b.attribute && !b.broken && !b.collection && !isField && (c.kind === "text" || c.kind === "heading")) {
        return boundValue(b, row);
      }
      var text = c.text == null ? c.name : c.text;
      return text;
    }

    /**
     * Checks one field's value against its attribute; the message, or null when it fits.
     * @param {Attr | null | undefined} attr @param {string} value
     */
    function check(attr, value) {
      if (!attr) return null;
      var v = value.trim();
      if (v === "") return attr.required ? tr("required") : null;
      switch (attr.dataType) {
        case "integer":
          return /^-?\d+$/.test(v) ? null : tr("notInteger");
        case "decimal":
        case "money":
          return /^-?\d+(\.\d+)?$/.test(v) ? null : tr("notNumber");
        case "date":
          return /^\d{4}-\d{2}-\d{2}$/.test(v) && !isNaN(Date.parse(v)) ? null : tr("notDate");
        case "dateTime":
          return isNaN(Date.parse(v)) ? tr("notDateTime") : null;
        case "enumeration":
          if (attr.values.length === 0) return null;
          var parts = attr.list ? v.split(/\s*[,，、]\s*/) : [v];
          return parts.every(function (p) {
            return attr.values.indexOf(p) >= 0;
          })
            ? null
            : tr("notValue");
        default:
          return null;
      }
    }

    /** @param {Attr} attr @param {string} v @returns {any} */
    function typed(attr, v) {
      if (v === "") return null;
      if (attr.dataType === "integer") return parseInt(v, 10);
      if (attr.dataType === "decimal" || attr.dataType === "money") return parseFloat(v);
      if (attr.dataType === "boolean") return v === "true";
      if (attr.list) return v.split(/\s*[,，、]\s*/);
      return v;
    }

    /** The fields of a form: its field components, or (none placed) the entity's attributes. */
    /** @param {Comp} form @returns {{ id: string, comp: Comp | null, attr: Attr | null, label: string }[]} */
    function fieldsOf(form) {
      /** @type {{ id: string, comp: Comp | null, attr: Attr | null, label: string }[]} */
      var out = [];
      /** @param {string} id */
      var walk = function (id) {
        (kids.get(id) || []).forEach(function (c) {
          if (["input", "select", "date", "checkbox"].indexOf(c.kind) >= 0) {
            var b = bindings.get(c.id);
            out.push({ id: c.id, comp: c, attr: b && !b.broken ? b.attribute || null : null, label: label(c, null) });
          } else walk(c.id);
        });
      };
      walk(form.id);
      return out;
    }

    /** @param {string} componentId @returns {Comp | null} the form around a component */
    function formAround(componentId) {
      var c = comps.get(componentId);
      while (c && c.parent) {
        var p = comps.get(c.parent);
        if (!p) break;
        if (p.kind === "form") return p;
        c = p;
      }
      return null;
    }

    /**
     * Checks the fields the trigger submits (its form's, else the screen's); marks the wrong
     * ones. Returns the values by attribute, or null when one does not fit.
     * @param {string} trigger
     */
    function collect(trigger) {
      var form = formAround(trigger);
      var fields = form
        ? fieldsOf(form)
        : bundle.components
            .filter(function (c) {
              return c.screen === screenId && ["input", "select", "date", "checkbox"].indexOf(c.kind) >= 0;
            })
            .map(function (c) {
              var b = bindings.get(c.id);
              return { id: c.id, comp: c, attr: b && !b.broken ? b.attribute || null : null, label: label(c, null) };
            });
      var ok = true;
      /** @type {{ attr: Attr | null, label: string, value: string }[]} */
      var out = [];
      fields.forEach(function (f) {
        var value = values.get(f.id) || "";
        var msg = check(f.attr, value);
        var box = element.querySelector('[data-error-for="' + f.id + '"]');
        if (box) box.textContent = msg || "";
        if (msg) ok = false;
        out.push({ attr: f.attr, label: f.label, value: value });
      });
      return ok ? out : null;
    }

    /**
     * Runs a command on the sample store: the filled values go into a new row of its
     * aggregate's root (by attribute id, else by name); a command without fields updates the
     * current row. Returns an error message or null.
     * @param {Step} step @param {{ attr: Attr | null, label: string, value: string }[]} filled
     */
    function runCommand(step, filled) {
      var cmd = bundle.commands.find(function (x) {
        return x.document === step.document && x.id === step.command;
      });
      if (!cmd || cmd.broken) return tr("brokenCommand");
      var rootId = cmd.root;
      var rootDoc = cmd.document;
      if (!rootId) return null;
      var root = bundle.entities.find(function (e) {
        return e.document === rootDoc && e.id === rootId;
      });
      if (!root) return null;
      var rootEntity = root;
      var rows = rowsOf(root.document, root.id);
      /** @type {Record<string, any>} */
      var vals = {};
      var any = false;
      root.attributes.forEach(function (a) {
        var f = filled.find(function (x) {
          return x.attr && (x.attr.id === a.id || x.attr.name === a.name) && x.value !== "";
        });
        if (!f) f = filled.find(function (x) { return x.label === a.name && x.value !== ""; });
        if (f) {
          vals[a.id] = typed(a, f.value);
          any = true;
        }
      });
      var cur = current.get(root.document + "/" + root.id);
      var inForm = filled.length > 0 && filled.some(function (f) { return f.attr !== null; });
      if (cur && (!inForm || !any)) {
        var target = cur;
        Object.keys(vals).forEach(function (k) {
          target.values[k] = vals[k];
        });
        return null;
      }
      var n = rows.length + 1;
      while (rows.some(function (r) { return r.id === rootEntity.id + "#" + n; })) n++;
      var row = { id: root.id + "#" + n, values: vals };
      rows.unshift(row);
      current.set(root.document + "/" + root.id, row);
      return null;
    }

    /** @param {Step} step @param {{ attr: Attr | null, label: string, value: string }[]} filled */
    function runCapability(step, filled) {
      var contract = step.contract;
      if (!contract) return tr("capabilityFailed");
      var blank = filled.some(function (f) {
        return f.value.trim() === "";
      });
      if (blank) {
        var e = contract.errors[0];
        return e ? (zh ? e.messageZh : e.messageEn) : tr("capabilityFailed");
      }
      return null;
    }

    /** @param {string} trigger */
    function act(trigger) {
      var action = actionOf.get(trigger);
      record("click", trigger, null);
      if (!action) return;
      var needsValues = action.steps.some(function (s) {
        return s.step === "command" || s.step === "capability";
      });
      var filled = needsValues ? collect(trigger) : [];
      if (!filled) {
        flash = tr("fixErrors");
        paintFlash();
        return;
      }
      for (var i = 0; i < action.steps.length; i++) {
        var s = action.steps[i];
        /** @type {string | null} */
        var failed = null;
        if (s.step === "navigate" && s.screen) {
          go(s.screen, true);
          return;
        } else if (s.step === "back") {
          back();
          return;
        } else if (s.step === "command") failed = runCommand(s, filled);
        else if (s.step === "capability") failed = runCapability(s, filled);
        else if (s.step === "message") flash = s.text || "";
        if (failed) {
          flash = action.failure || failed;
          record("see", null, flash);
          render();
          return;
        }
      }
      if (action.success && screens.has(action.success)) {
        go(action.success, true);
        if (flash) record("see", null, flash);
        return;
      }
      if (flash) record("see", null, flash);
      render();
    }

    function back() {
      var prev = history.pop();
      if (prev) go(prev, false);
    }

    /** @param {string} id @param {boolean} push */
    function go(id, push) {
      if (!screens.has(id) || stopped) return;
      if (push && screenId) history.push(screenId);
      screenId = id;
      values = new Map();
      record("visit", null, null);
      if (opts.onScreen) opts.onScreen(id);
      render();
    }

    /** @param {string} tag @param {string} [cls] @param {string} [text] */
    function el(tag, cls, text) {
      var e = doc.createElement(tag);
      if (cls) e.className = cls;
      if (text !== undefined) e.textContent = text;
      return e;
    }

    function paintFlash() {
      var box = element.querySelector(".tp-flash");
      if (box) {
        box.textContent = flash || "";
        /** @type {HTMLElement} */ (box).style.display = flash ? "block" : "none";
      }
    }

    /** @param {Comp | null} parent */
    function flows(parent) {
      return !!parent && (parent.kind === "stack" || parent.kind === "form" || parent.kind === "card" || parent.kind === "list");
    }

    /** @param {Comp} c @param {HTMLElement} box @param {Row | null} row */
    function brokenMark(c, box, row) {
      var b = bindings.get(c.id);
      if (!b || !b.broken) return;
      void row;
      box.classList.add("tp-broken");
      var what = (b.entityName || b.entity) + (b.attribute ? "." + b.attribute.name : "");
      var tag = el("div", "tp-broken-note", tr("broken") + ": " + c.name + " → " + what + " (" + b.broken + ")");
      tag.setAttribute("data-broken", c.id);
      box.appendChild(tag);
    }

    /** @param {Comp} c @param {Row | null} row */
    function field(c, row) {
      var b = bindings.get(c.id);
      var attr = b && !b.broken ? b.attribute || null : null;
      var wrap = el("label", "tp-field");
      var caption = label(c, row) + (attr && attr.required ? " *" : "");
      wrap.appendChild(el("span", "tp-caption", caption));
      /** @type {HTMLInputElement | HTMLSelectElement} */
      var input;
      var opts2 = (c.props && c.props.options ? c.props.options.split(",") : attr ? attr.values : []).filter(Boolean);
      if (c.kind === "select" || (attr && attr.dataType === "enumeration" && c.kind === "input")) {
        var sel = doc.createElement("select");
        if (attr && attr.list) sel.multiple = true;
        var none = doc.createElement("option");
        none.value = "";
        none.textContent = tr("choose");
        sel.appendChild(none);
        opts2.forEach(function (o) {
          var op = doc.createElement("option");
          op.value = o.trim();
          op.textContent = o.trim();
          sel.appendChild(op);
        });
        input = sel;
      } else if (c.kind === "checkbox" || (attr && attr.dataType === "boolean")) {
        var cb = doc.createElement("input");
        cb.type = "checkbox";
        input = cb;
      } else {
        var inp = doc.createElement("input");
        var dt = attr ? attr.dataType : "";
        inp.type = c.kind === "date" || dt === "date" ? "date" : dt === "dateTime" ? "datetime-local" : "text";
        if (dt === "integer" || dt === "decimal" || dt === "money") inp.inputMode = "decimal";
        if (c.props && c.props.placeholder) inp.placeholder = c.props.placeholder;
        input = inp;
      }
      input.setAttribute("data-component", c.id);
      var prior = values.get(c.id);
      if (prior !== undefined) {
        if (input instanceof HTMLInputElement && input.type === "checkbox") input.checked = prior === "true";
        else input.value = prior;
      }
      var onChange = function () {
        var v =
          input instanceof HTMLInputElement && input.type === "checkbox"
            ? String(input.checked)
            : input instanceof HTMLSelectElement && input.multiple
              ? Array.prototype.map.call(input.selectedOptions, function (/** @type {HTMLOptionElement} */ o) { return o.value; }).join(",")
              : input.value;
        values.set(c.id, v);
        var err = element.querySelector('[data-error-for="' + c.id + '"]');
        if (err) err.textContent = "";
        record("fill", c.id, v);
      };
      input.addEventListener("change", onChange);
      wrap.appendChild(input);
      var err = el("span", "tp-error");
      err.setAttribute("data-error-for", c.id);
      wrap.appendChild(err);
      return wrap;
    }

    /** @param {Comp} c @param {Row | null} row @returns {HTMLElement} */
    function table(c, row) {
      void row;
      var b = bindings.get(c.id);
      var box = el("div", "tp-table");
      if (!b || b.broken) return box;
      var tb = b;
      var ent = entityOrCommand(b.document, b.entity);
      var attrs = ent ? ent.attributes.slice() : [];
      var cols = c.props && c.props.columns ? c.props.columns.split(",").map(function (s) { return s.trim(); }) : [];
      if (cols.length) {
        attrs = cols
          .map(function (n) {
            return attrs.find(function (a) { return a.name === n; });
          })
          .filter(function (a) { return !!a; });
      } else attrs = attrs.slice(0, 4);
      var t = doc.createElement("table");
      var head = doc.createElement("tr");
      attrs.forEach(function (a) {
        if (a) head.appendChild(el("th", "", a.name));
      });
      t.appendChild(head);
      var rows = rowsOf(b.document, b.entity);
      rows.forEach(function (r) {
        var tr2 = doc.createElement("tr");
        tr2.setAttribute("data-row", r.id);
        attrs.forEach(function (a) {
          if (a) tr2.appendChild(el("td", "", show(r.values[a.id])));
        });
        tr2.addEventListener("click", function () { pick(c, tb, r); });
        t.appendChild(tr2);
      });
      box.appendChild(t);
      if (rows.length === 0) box.appendChild(el("div", "tp-empty", tr("empty")));
      return box;
    }

    /** @param {Comp} c @param {PBinding} b @param {Row} r */
    function pick(c, b, r) {
      current.set(b.document + "/" + b.entity, r);
      record("see", c.id, r.id);
      if (actionOf.has(c.id)) act(c.id);
      else render();
    }

    /** @param {Comp} c @param {Comp | null} parent @param {Row | null} row @returns {HTMLElement} */
    function draw(c, parent, row) {
      /** @type {HTMLElement} */
      var box;
      var text = label(c, row);
      switch (c.kind) {
        case "heading":
          box = el("h2", "tp-heading", text);
          break;
        case "text":
          box = el("div", "tp-text", text);
          break;
        case "image":
          box = el("div", "tp-image", (c.props && c.props.alt) || tr("image"));
          break;
        case "chart":
          box = el("div", "tp-chart", text || tr("chart"));
          break;
        case "button":
          box = el("button", "tp-button" + (c.props && c.props.variant ? " tp-" + c.props.variant : ""), text);
          box.setAttribute("type", "button");
          box.addEventListener("click", function () { act(c.id); });
          break;
        case "input":
        case "select":
        case "date":
        case "checkbox":
          box = field(c, row);
          break;
        case "navBar":
          box = el("div", "tp-navbar", text);
          break;
        case "tabBar":
          box = el("div", "tp-tabbar");
          (c.props && c.props.tabs ? c.props.tabs.split(",") : [text]).forEach(function (s) {
            box.appendChild(el("span", "", s));
          });
          break;
        case "table":
          box = table(c, row);
          break;
        case "list":
          box = el("div", "tp-list");
          var b = bindings.get(c.id);
          if (b && !b.broken) {
            var lb = b;
            var rows = rowsOf(b.document, b.entity);
            rows.forEach(function (r) {
              var item = el("div", "tp-row");
              item.setAttribute("data-row", r.id);
              (kids.get(c.id) || []).forEach(function (k) {
                item.appendChild(draw(k, c, r));
              });
              item.addEventListener("click", function () { pick(c, lb, r); });
              box.appendChild(item);
            });
            if (rows.length === 0) box.appendChild(el("div", "tp-empty", tr("empty")));
          }
          break;
        default:
          // stack, form, card, tabs, dialog, group: containers
          box = el(c.kind === "form" ? "form" : "div", "tp-" + c.kind);
          if (c.kind === "form") box.addEventListener("submit", function (e) { e.preventDefault(); });
          if (c.kind === "card" || c.kind === "dialog" || c.kind === "tabs") {
            if (c.text) box.appendChild(el("div", "tp-title", c.text));
          }
          (kids.get(c.id) || []).forEach(function (k) {
            box.appendChild(draw(k, c, row));
          });
          if (c.kind === "form" && (kids.get(c.id) || []).length === 0) {
            var fb = bindings.get(c.id);
            var ent = fb && !fb.broken ? entityOrCommand(fb.document, fb.entity) : null;
            if (ent) {
              ent.attributes.forEach(function (a) {
                var synthetic = { id: c.id + ":" + a.id, screen: c.screen, parent: c.id, kind: "input", name: a.name, text: a.name, x: 0, y: 0, w: c.w, h: 40 };
                bindings.set(synthetic.id, { component: synthetic.id, document: ent ? ent.document : "", entity: ent ? ent.id : "", attribute: a, collection: false, broken: null });
                comps.set(synthetic.id, synthetic);
                var list = kids.get(c.id) || [];
                list.push(synthetic);
                kids.set(c.id, list);
                box.appendChild(field(synthetic, row));
              });
            }
          }
          if (c.layout) {
            box.style.flexDirection = c.layout.direction === "row" ? "row" : "column";
            box.style.gap = c.layout.gap + "px";
            box.style.padding = c.layout.padding + "px";
          }
      }
      box.setAttribute("data-component", c.id);
      box.classList.add("tp-c");
      if (flows(parent)) {
        box.style.position = "relative";
        if (parent && parent.kind === "stack" && parent.layout && parent.layout.direction === "row") {
          box.style.width = c.w + "px";
          box.style.flex = c.kind === "input" ? "1 1 auto" : "0 0 auto";
        }
        box.style.minHeight = Math.min(c.h, 400) + "px";
      } else {
        box.style.position = "absolute";
        box.style.left = c.x + "px";
        box.style.top = c.y + "px";
        box.style.width = c.w + "px";
        box.style.height = c.h + "px";
      }
      brokenMark(c, box, row);
      return box;
    }

    function render() {
      if (stopped) return;
      element.textContent = "";
      var root = el("div", "tp-root");
      root.appendChild(el("style", "", CSS));
      var bar = el("div", "tp-bar");
      var backBtn = el("button", "tp-back", "‹ " + tr("back"));
      backBtn.setAttribute("type", "button");
      /** @type {HTMLButtonElement} */ (backBtn).disabled = history.length === 0;
      backBtn.addEventListener("click", back);
      bar.appendChild(backBtn);
      var screen = screenId ? screens.get(screenId) : undefined;
      bar.appendChild(el("span", "tp-screen-name", screen ? screen.name : tr("noScreen")));
      var restart = el("button", "tp-restart", tr("restart"));
      restart.setAttribute("type", "button");
      restart.addEventListener("click", function () {
        history = [];
        go(startScreen() || "", false);
      });
      bar.appendChild(restart);
      root.appendChild(bar);
      var flashBox = el("div", "tp-flash", flash || "");
      flashBox.style.display = flash ? "block" : "none";
      root.appendChild(flashBox);
      flash = null;
      if (screen) {
        var frame = el("div", "tp-screen");
        frame.setAttribute("data-screen", screen.id);
        frame.style.width = screen.w + "px";
        frame.style.height = screen.h + "px";
        (kids.get("screen:" + screen.id) || []).forEach(function (c) {
          frame.appendChild(draw(c, null, null));
        });
        var stage = el("div", "tp-stage");
        stage.appendChild(frame);
        root.appendChild(stage);
      }
      element.appendChild(root);
    }

    function startScreen() {
      if (opts.start && screens.has(opts.start)) return opts.start;
      var s = bundle.start.find(function (id) {
        return screens.has(id);
      });
      return s || (bundle.screens[0] ? bundle.screens[0].id : null);
    }

    var first = startScreen();
    if (first) go(first, false);
    else render();

    return {
      stop: function () {
        stopped = true;
        element.textContent = "";
      },
      walk: function () {
        return steps.slice();
      },
      screen: function () {
        return screenId;
      },
      /** @param {string} document @param {string} entity */
      rows: function (document, entity) {
        return rowsOf(document, entity).slice();
      },
      /** @param {string} id */
      go: function (id) {
        go(id, true);
      },
      /** The sample tables, as "document/entity" keys, in the bundle's order. */
      tables: function () {
        return Array.from(store.keys());
      },
      /**
       * Sample data is editable: sets one value of a sample row and redraws the screen, so
       * that lists and details show it. Returns whether the row was found.
       * @param {string} document @param {string} entity @param {string} rowId
       * @param {string} key @param {any} value
       */
      setValue: function (document, entity, rowId, key, value) {
        var row = rowsOf(document, entity).find(function (r) {
          return r.id === rowId;
        });
        if (!row) return false;
        row.values[key] = value;
        render();
        return true;
      },
    };
  }

  var CSS =
    ".tp-root{display:flex;flex-direction:column;height:100%;font:14px system-ui,'PingFang SC','Noto Sans CJK SC',sans-serif;color:#1f2329;background:#eef0f3}" +
    ".tp-bar{display:flex;align-items:center;gap:8px;padding:6px 10px;background:#fff;border-bottom:1px solid #dcdfe4}" +
    ".tp-screen-name{flex:1;font-weight:600}" +
    ".tp-flash{margin:6px 10px;padding:6px 10px;border-radius:6px;background:#fff4e5;border:1px solid #f0b35a}" +
    ".tp-stage{flex:1;overflow:auto;padding:16px;display:flex;justify-content:center}" +
    ".tp-screen{position:relative;flex:none;background:#fff;border-radius:16px;box-shadow:0 2px 12px rgba(0,0,0,.15);overflow:auto}" +
    ".tp-c{box-sizing:border-box}" +
    ".tp-stack,.tp-form,.tp-card,.tp-group,.tp-dialog,.tp-tabs{display:flex;flex-direction:column;gap:8px}" +
    ".tp-form,.tp-card{padding:12px;border:1px solid #dcdfe4;border-radius:8px;background:#fff}" +
    ".tp-dialog{padding:12px;border-radius:8px;background:#fff;box-shadow:0 4px 16px rgba(0,0,0,.2)}" +
    ".tp-heading{margin:0;font-size:18px}" +
    ".tp-navbar{display:flex;align-items:center;justify-content:center;font-weight:600;background:#f7f8fa;border-bottom:1px solid #dcdfe4}" +
    ".tp-tabbar{display:flex;justify-content:space-around;align-items:center;border-top:1px solid #dcdfe4}" +
    ".tp-image,.tp-chart{display:flex;align-items:center;justify-content:center;background:#e8ebf0;color:#646a73;border-radius:6px}" +
    ".tp-button{border:0;border-radius:6px;background:#3370ff;color:#fff;font:inherit;cursor:pointer;min-height:32px}" +
    ".tp-secondary{background:#fff;color:#3370ff;border:1px solid #3370ff}.tp-link{background:none;color:#3370ff}" +
    ".tp-field{display:flex;flex-direction:column;gap:2px}.tp-field input,.tp-field select{font:inherit;padding:6px;border:1px solid #c9cdd4;border-radius:4px}" +
    ".tp-caption{font-size:12px;color:#646a73}.tp-error{color:#d83931;font-size:12px}" +
    ".tp-list{overflow:auto;display:flex;flex-direction:column}.tp-row{display:flex;gap:8px;padding:8px;border-bottom:1px solid #eef0f3;cursor:pointer}.tp-row:hover{background:#f2f6ff}" +
    ".tp-table{overflow:auto}.tp-table table{width:100%;border-collapse:collapse}.tp-table th,.tp-table td{text-align:left;padding:4px 6px;border-bottom:1px solid #eef0f3}" +
    ".tp-empty{color:#8f959e;padding:8px}" +
    ".tp-broken{outline:2px dashed #d83931}.tp-broken-note{color:#d83931;font-size:12px;background:#fff0f0}";

  var api = { mount: mount, version: 1 };
  /** @type {any} */ (globalThis).TriloopPlayer = api;
})();
