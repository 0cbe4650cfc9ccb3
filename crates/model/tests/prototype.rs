//! Sandbox prototype and capability shelf tests: the records' structural rules, removal with
//! dependents and undo, concurrent edits merging, validation against a domain model, derived
//! links, walks as Given/When/Then, the built-in shelf, placing and making parts.

use std::collections::BTreeMap;

use automerge::Automerge;
use model::domain::{Attribute, BoundedContext, DataType, DomainElement, DomainModel, ElementKind};
use model::links::LinkKind;
use model::prototype::{
    self, Action, ActionStep, Binding, Component, ComponentKind, Device, Direction, PrototypeOp,
    PrototypeProblemCode, PrototypeRecord, Screen, StackLayout, Walk, WalkStep, WalkStepKind,
};
use model::record::RecordOp;
use model::shelf::{self, PartCategory, ShelfRecord};
use model::{DocKind, ModelError};

fn add(r: PrototypeRecord) -> PrototypeOp {
    RecordOp::Add { record: r }
}

fn screen(id: &str, name: &str, x: f64) -> PrototypeRecord {
    PrototypeRecord::Screen(Screen::new(id, name, Device::Phone, x, 0.0))
}

fn comp(id: &str, screen: &str, kind: ComponentKind, parent: Option<&str>) -> Component {
    let mut c = Component::new(id, screen, kind, id.to_uppercase(), 10.0, 20.0, 100.0, 40.0);
    c.parent = parent.map(str::to_string);
    c
}

fn action(id: &str, component: &str, steps: Vec<ActionStep>) -> Action {
    Action {
        id: id.into(),
        component: component.into(),
        name: None,
        steps,
        success: None,
        failure: None,
    }
}

fn new_doc() -> Automerge {
    let mut doc = Automerge::new();
    prototype::init(&mut doc).unwrap();
    doc
}

/// Two screens: a list screen with a list and a button, a form screen with a form holding
/// an input and a submit button.
fn two_screens(doc: &mut Automerge) {
    let mut form = comp("form", "s2", ComponentKind::Form, None);
    form.layout = Some(StackLayout {
        direction: Direction::Column,
        gap: 8.0,
        padding: 12.0,
    });
    prototype::apply(
        doc,
        &[
            add(screen("s1", "客户列表", 0.0)),
            add(screen("s2", "新建客户", 500.0)),
            add(PrototypeRecord::Component(comp(
                "list",
                "s1",
                ComponentKind::List,
                None,
            ))),
            add(PrototypeRecord::Component(comp(
                "new",
                "s1",
                ComponentKind::Button,
                None,
            ))),
            add(PrototypeRecord::Component(form)),
            add(PrototypeRecord::Component(comp(
                "name",
                "s2",
                ComponentKind::Input,
                Some("form"),
            ))),
            add(PrototypeRecord::Component(comp(
                "save",
                "s2",
                ComponentKind::Button,
                Some("form"),
            ))),
            add(PrototypeRecord::Action(action(
                "go",
                "new",
                vec![ActionStep::Navigate {
                    screen: "s2".into(),
                }],
            ))),
        ],
    )
    .unwrap();
}

#[test]
fn a_prototype_reads_back_what_was_written() {
    let mut doc = new_doc();
    two_screens(&mut doc);
    let p = prototype::read(&doc).unwrap();
    assert_eq!(p.screens.len(), 2);
    assert_eq!(p.components.len(), 5);
    assert_eq!(p.actions.len(), 1);
    assert_eq!(p.screen("s1").unwrap().w, 375.0);
    assert_eq!(p.screen("s1").unwrap().h, 812.0);
    assert_eq!(
        model::schema::kind_of(&doc),
        Some(DocKind::SandboxPrototype)
    );
    // Records come back in an order `Add` ops accept.
    let mut copy = new_doc();
    let ops: Vec<PrototypeOp> = p.clone().into_records().into_iter().map(add).collect();
    prototype::apply(&mut copy, &ops).unwrap();
    assert_eq!(prototype::read(&copy).unwrap(), p);
}

#[test]
fn structural_rules_refuse_what_cannot_be_drawn() {
    let mut doc = new_doc();
    two_screens(&mut doc);
    let refused = |doc: &mut Automerge, op: PrototypeOp| {
        let before = prototype::read(doc).unwrap();
        let e = prototype::apply(doc, &[op]).unwrap_err();
        assert_eq!(prototype::read(doc).unwrap(), before, "nothing changed");
        e
    };
    // A parent that holds no components (a button).
    let e = refused(
        &mut doc,
        add(PrototypeRecord::Component(comp(
            "x",
            "s1",
            ComponentKind::Text,
            Some("new"),
        ))),
    );
    assert!(matches!(e, ModelError::InvalidEdit(_)), "{e}");
    // A parent on another screen.
    refused(
        &mut doc,
        add(PrototypeRecord::Component(comp(
            "x",
            "s1",
            ComponentKind::Text,
            Some("form"),
        ))),
    );
    // A screen that does not exist.
    refused(
        &mut doc,
        add(PrototypeRecord::Component(comp(
            "x",
            "nope",
            ComponentKind::Text,
            None,
        ))),
    );
    // A form inside its own input's parent chain: form -> inside a group inside the form.
    prototype::apply(
        &mut doc,
        &[add(PrototypeRecord::Component(comp(
            "grp",
            "s2",
            ComponentKind::Group,
            Some("form"),
        )))],
    )
    .unwrap();
    let mut cyclic = comp("form", "s2", ComponentKind::Form, Some("grp"));
    cyclic.layout = None;
    let e = refused(
        &mut doc,
        RecordOp::Update {
            record: PrototypeRecord::Component(cyclic),
        },
    );
    assert!(e.to_string().contains("inside itself"), "{e}");
    // Sizes must be positive and finite; coordinates finite.
    let mut bad = comp("y", "s1", ComponentKind::Text, None);
    bad.w = 0.0;
    refused(&mut doc, add(PrototypeRecord::Component(bad)));
    let mut bad = comp("y", "s1", ComponentKind::Text, None);
    bad.x = f64::NAN;
    refused(&mut doc, add(PrototypeRecord::Component(bad)));
    let mut bad = Screen::new("s9", "坏", Device::Custom, 0.0, 0.0);
    bad.h = f64::INFINITY;
    refused(&mut doc, add(PrototypeRecord::Screen(bad)));
    // A screen needs a name.
    refused(&mut doc, add(screen("s9", "  ", 0.0)));
    // An action navigating to a screen that does not exist, or on no component.
    refused(
        &mut doc,
        add(PrototypeRecord::Action(action(
            "a9",
            "save",
            vec![ActionStep::Navigate {
                screen: "gone".into(),
            }],
        ))),
    );
    refused(
        &mut doc,
        add(PrototypeRecord::Action(action(
            "a9",
            "s1",
            vec![ActionStep::Back],
        ))),
    );
    // Ids are unique across collections.
    let e = refused(&mut doc, add(screen("save", "重复", 0.0)));
    assert!(matches!(e, ModelError::DuplicateId(_)));
}

#[test]
fn removing_a_screen_takes_its_components_and_their_actions_and_undo_brings_them_back() {
    let mut doc = new_doc();
    two_screens(&mut doc);
    let before = prototype::read(&doc).unwrap();
    let applied = prototype::apply(&mut doc, &[RecordOp::Remove { id: "s1".into() }]).unwrap();
    let p = prototype::read(&doc).unwrap();
    assert!(p.screen("s1").is_none());
    assert!(p.component("list").is_none() && p.component("new").is_none());
    assert!(p.actions.is_empty(), "the button's action went with it");
    let mut removed = applied.patch.removed.clone();
    removed.sort();
    assert_eq!(removed, vec!["go", "list", "new", "s1"]);
    prototype::apply(&mut doc, &applied.inverse).unwrap();
    assert_eq!(prototype::read(&doc).unwrap(), before);

    // A container takes its children.
    prototype::apply(&mut doc, &[RecordOp::Remove { id: "form".into() }]).unwrap();
    let p = prototype::read(&doc).unwrap();
    assert!(p.component("name").is_none() && p.component("save").is_none());
    assert!(p.screen("s2").is_some());
}

#[test]
fn an_update_writes_only_what_changed_and_undo_restores_it() {
    let mut doc = new_doc();
    two_screens(&mut doc);
    let mut moved = prototype::read(&doc)
        .unwrap()
        .component("name")
        .unwrap()
        .clone();
    moved.x = 40.0;
    moved.text = Some("姓名".into());
    moved
        .props
        .insert("placeholder".into(), "请输入姓名".into());
    let applied = prototype::apply(
        &mut doc,
        &[RecordOp::Update {
            record: PrototypeRecord::Component(moved.clone()),
        }],
    )
    .unwrap();
    assert_eq!(
        applied.patch.upserts,
        vec![PrototypeRecord::Component(moved.clone())]
    );
    prototype::apply(&mut doc, &applied.inverse).unwrap();
    let back = prototype::read(&doc)
        .unwrap()
        .component("name")
        .unwrap()
        .clone();
    assert_eq!(back.x, 10.0);
    assert_eq!(back.text, None);
    assert!(back.props.is_empty());
}

#[test]
fn two_people_editing_one_screen_converge() {
    let mut a = new_doc();
    two_screens(&mut a);
    let mut b = a.fork();
    // A moves the input while B edits its label; each adds a component.
    let mut moved = prototype::read(&a)
        .unwrap()
        .component("name")
        .unwrap()
        .clone();
    moved.x = 120.0;
    moved.y = 64.0;
    prototype::apply(
        &mut a,
        &[
            RecordOp::Update {
                record: PrototypeRecord::Component(moved),
            },
            add(PrototypeRecord::Component(comp(
                "from-a",
                "s2",
                ComponentKind::Checkbox,
                Some("form"),
            ))),
        ],
    )
    .unwrap();
    let mut labelled = prototype::read(&b)
        .unwrap()
        .component("name")
        .unwrap()
        .clone();
    labelled.text = Some("客户姓名".into());
    prototype::apply(
        &mut b,
        &[
            RecordOp::Update {
                record: PrototypeRecord::Component(labelled),
            },
            add(PrototypeRecord::Component(comp(
                "from-b",
                "s2",
                ComponentKind::Date,
                Some("form"),
            ))),
        ],
    )
    .unwrap();
    a.merge(&mut b).unwrap();
    b.merge(&mut a).unwrap();
    let (pa, pb) = (prototype::read(&a).unwrap(), prototype::read(&b).unwrap());
    assert_eq!(pa, pb, "both peers see the same prototype");
    let name = pa.component("name").unwrap();
    assert_eq!((name.x, name.y), (120.0, 64.0), "the move survived");
    assert_eq!(name.text.as_deref(), Some("客户姓名"), "the label survived");
    assert!(pa.component("from-a").is_some() && pa.component("from-b").is_some());
}

/// A domain model: a customer entity with an identifier, a required name, a mobile and a
/// tag list; a command to register one.
fn domain() -> DomainModel {
    let mut agg = DomainElement::new("agg", "ctx", ElementKind::Aggregate, "客户", 0.0, 0.0);
    agg.root = Some("cust".into());
    let mut cust = DomainElement::new("cust", "ctx", ElementKind::Entity, "客户", 0.0, 0.0);
    cust.aggregate = Some("agg".into());
    let mut cmd = DomainElement::new(
        "register",
        "ctx",
        ElementKind::Command,
        "登记客户",
        0.0,
        0.0,
    );
    cmd.handled_by = Some("agg".into());
    let mut id = Attribute::new("a-id", "cust", "客户号", DataType::Text, 1.0);
    id.identifier = true;
    id.required = true;
    let mut name = Attribute::new("a-name", "cust", "姓名", DataType::Text, 2.0);
    name.required = true;
    let mut mobile = Attribute::new("a-mobile", "cust", "手机号", DataType::Text, 3.0);
    mobile.required = true;
    DomainModel {
        contexts: vec![BoundedContext {
            id: "ctx".into(),
            name: "客户".into(),
            subdomain: None,
            vision: None,
            x: 0.0,
            y: 0.0,
            w: 100.0,
            h: 100.0,
            kept: None,
        }],
        elements: vec![agg, cust, cmd],
        attributes: vec![id, name, mobile],
        ..DomainModel::default()
    }
}

fn codes(
    p: &prototype::Prototype,
    domains: &prototype::DomainModels,
) -> Vec<(PrototypeProblemCode, String)> {
    prototype::validate(p, domains)
        .into_iter()
        .map(|x| (x.code, x.element))
        .collect()
}

#[test]
fn validation_finds_broken_bindings_missing_targets_and_unreachable_screens() {
    let mut doc = new_doc();
    two_screens(&mut doc);
    let bind = |attribute: Option<&str>, collection: bool| Binding {
        document: "dm".into(),
        entity: "cust".into(),
        attribute: attribute.map(str::to_string),
        collection,
    };
    let p = prototype::read(&doc).unwrap();
    let mut list = p.component("list").unwrap().clone();
    list.binding = Some(bind(None, true));
    let mut form = p.component("form").unwrap().clone();
    form.binding = Some(bind(None, false));
    let mut name = p.component("name").unwrap().clone();
    name.binding = Some(bind(Some("a-name"), false));
    prototype::apply(
        &mut doc,
        &[
            RecordOp::Update {
                record: PrototypeRecord::Component(list),
            },
            RecordOp::Update {
                record: PrototypeRecord::Component(form),
            },
            RecordOp::Update {
                record: PrototypeRecord::Component(name),
            },
        ],
    )
    .unwrap();
    let mut domains = BTreeMap::new();
    domains.insert("dm".to_string(), domain());
    let p = prototype::read(&doc).unwrap();
    // No submit yet, and the form leaves out the required mobile number.
    assert_eq!(
        codes(&p, &domains),
        vec![
            (PrototypeProblemCode::FormMissingRequired, "form".into()),
            (PrototypeProblemCode::FormWithoutSubmit, "form".into()),
        ]
    );
    // A submit that calls the command and goes back to the list; a mobile field.
    let mut submit = action(
        "submit",
        "save",
        vec![ActionStep::Command {
            document: "dm".into(),
            command: "register".into(),
        }],
    );
    submit.success = Some("s1".into());
    let mut mobile = comp("mobile", "s2", ComponentKind::Input, Some("form"));
    mobile.binding = Some(bind(Some("a-mobile"), false));
    prototype::apply(
        &mut doc,
        &[
            add(PrototypeRecord::Action(submit)),
            add(PrototypeRecord::Component(mobile)),
        ],
    )
    .unwrap();
    let p = prototype::read(&doc).unwrap();
    assert_eq!(codes(&p, &domains), vec![], "a clean prototype");

    // The attribute is deleted in the domain model: a problem on that component, not a crash.
    let mut gone = domain();
    gone.attributes.retain(|a| a.id != "a-mobile");
    domains.insert("dm".to_string(), gone);
    assert_eq!(
        codes(&p, &domains),
        vec![(
            PrototypeProblemCode::BindingAttributeMissing,
            "mobile".into()
        )]
    );
    // The attribute renamed: followed (bindings hold ids).
    let mut renamed = domain();
    renamed.attributes[2].name = "移动电话".into();
    domains.insert("dm".to_string(), renamed);
    assert_eq!(codes(&p, &domains), vec![]);
    // The command and the entity deleted; the domain model gone altogether.
    let mut gone = domain();
    gone.elements.retain(|e| e.id == "agg");
    domains.insert("dm".to_string(), gone);
    let found = codes(&p, &domains);
    assert!(found.contains(&(PrototypeProblemCode::CommandMissing, "submit".into())));
    assert!(found.contains(&(PrototypeProblemCode::BindingEntityMissing, "list".into())));
    assert!(found.contains(&(PrototypeProblemCode::BindingEntityMissing, "name".into())));
    let found = codes(&p, &BTreeMap::new());
    assert!(found.contains(&(PrototypeProblemCode::BindingDocumentMissing, "form".into())));

    // A screen nothing leads to; a navigation whose target a peer deleted.
    prototype::apply(&mut doc, &[add(screen("s3", "孤立页面", 1000.0))]).unwrap();
    let mut p = prototype::read(&doc).unwrap();
    domains.insert("dm".to_string(), domain());
    assert_eq!(
        codes(&p, &domains),
        vec![(PrototypeProblemCode::UnreachableScreen, "s3".into())]
    );
    p.screens.retain(|s| s.id != "s2");
    let found = codes(&p, &domains);
    assert!(found.contains(&(PrototypeProblemCode::TargetScreenMissing, "go".into())));
    assert!(found.contains(&(PrototypeProblemCode::DanglingReference, "form".into())));
}

#[test]
fn bindings_and_command_steps_imply_links() {
    let mut doc = new_doc();
    two_screens(&mut doc);
    let p = prototype::read(&doc).unwrap();
    let mut list = p.component("list").unwrap().clone();
    list.binding = Some(Binding {
        document: "dm".into(),
        entity: "cust".into(),
        attribute: None,
        collection: true,
    });
    prototype::apply(
        &mut doc,
        &[
            RecordOp::Update {
                record: PrototypeRecord::Component(list),
            },
            add(PrototypeRecord::Action(action(
                "submit",
                "save",
                vec![ActionStep::Command {
                    document: "dm".into(),
                    command: "register".into(),
                }],
            ))),
        ],
    )
    .unwrap();
    let links = prototype::derived_links(&prototype::read(&doc).unwrap());
    let found: Vec<(LinkKind, &str, &str)> = links
        .iter()
        .map(|l| (l.kind, l.from.as_str(), l.to_element.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (LinkKind::Shows, "s1", "cust"),
            (LinkKind::Invokes, "submit", "register"),
        ]
    );
    assert!(
        links
            .iter()
            .all(|l| l.to_document == "dm" && l.id.starts_with("derived:"))
    );
}

#[test]
fn a_walk_reads_as_given_when_then() {
    let mut doc = new_doc();
    two_screens(&mut doc);
    let mut p = prototype::read(&doc).unwrap();
    p.components
        .iter_mut()
        .find(|c| c.id == "name")
        .unwrap()
        .name = "姓名".into();
    p.components
        .iter_mut()
        .find(|c| c.id == "save")
        .unwrap()
        .name = "保存".into();
    let step = |kind, screen: &str, component: Option<&str>, value: Option<&str>| WalkStep {
        kind,
        screen: screen.into(),
        component: component.map(str::to_string),
        value: value.map(str::to_string),
    };
    let walk = Walk {
        id: "w".into(),
        name: "新建客户".into(),
        steps: vec![
            step(WalkStepKind::Visit, "s2", None, None),
            step(WalkStepKind::Fill, "s2", Some("name"), Some("张伟")),
            step(WalkStepKind::Click, "s2", Some("save"), None),
            step(WalkStepKind::Visit, "s1", None, None),
            step(WalkStepKind::See, "s1", Some("list"), Some("张伟")),
        ],
    };
    assert_eq!(
        prototype::gherkin(&p, &walk, false),
        vec![
            "Given I am on the \"新建客户\" screen",
            "When I fill in \"姓名\" with \"张伟\"",
            "And I press \"保存\"",
            "Then I see the \"客户列表\" screen",
            "And I see \"张伟\" in \"LIST\"",
        ]
    );
    assert_eq!(
        prototype::gherkin(&p, &walk, true),
        vec![
            "假如 我在「新建客户」页面",
            "当 我在「姓名」中填写「张伟」",
            "而且 我点击「保存」",
            "那么 我看到「客户列表」页面",
            "而且 我在「LIST」中看到「张伟」",
        ]
    );
    // Walks are records of the document.
    prototype::apply(&mut doc, &[add(PrototypeRecord::Walk(walk.clone()))]).unwrap();
    assert_eq!(prototype::read(&doc).unwrap().walks, vec![walk]);
}

#[test]
fn the_built_in_shelf_has_every_part_the_issue_lists_in_both_languages() {
    let parts = shelf::builtin_parts().unwrap();
    let has = |category: PartCategory, en: &str| {
        parts
            .iter()
            .any(|p| p.category == category && p.name_en == en && !p.name_zh.is_empty())
    };
    for en in [
        "Text",
        "Heading",
        "Image placeholder",
        "Button",
        "Input",
        "Select",
        "Date",
        "Checkbox",
        "Table",
        "List",
        "Card",
        "Tabs",
        "Form",
        "Chart placeholder",
        "Navigation bar",
        "Tab bar",
        "Dialog",
    ] {
        assert!(has(PartCategory::UiComponent, en), "UI component {en}");
    }
    for en in [
        "Customer card",
        "Product list",
        "Tag picker",
        "Transaction list",
    ] {
        assert!(
            has(PartCategory::BusinessComponent, en),
            "business component {en}"
        );
    }
    for en in [
        "SMS verification",
        "ID-card OCR",
        "E-signature",
        "Face check",
        "Payment",
    ] {
        assert!(has(PartCategory::Capability, en), "capability {en}");
        let p = parts.iter().find(|p| p.name_en == en).unwrap();
        let c = p.contract.as_ref().unwrap();
        assert!(
            !c.request.is_empty() && !c.response.is_empty(),
            "{en}'s contract"
        );
    }
    assert!(parts.iter().any(|p| {
        p.category == PartCategory::Template
            && p.template
                .as_ref()
                .is_some_and(|t| !t.screens.is_empty() && !t.entities.is_empty())
    }));
    // Every UI component kind is on the shelf.
    for kind in ComponentKind::ALL {
        assert!(
            parts.iter().any(|p| p.category == PartCategory::UiComponent
                && p.components
                    .iter()
                    .any(|c| c.parent.is_none() && c.kind == kind)),
            "{kind:?}"
        );
    }
    // Found by name in either language, any case.
    let found = |q: &str| -> Vec<&str> {
        parts
            .iter()
            .filter(|p| p.matches(q))
            .map(|p| p.name_en.as_str())
            .collect()
    };
    assert_eq!(found("短信"), vec!["SMS verification"]);
    assert_eq!(found("sms verif"), vec!["SMS verification"]);
    assert!(found("客户卡片").contains(&"Customer card"));
    assert_eq!(found("").len(), parts.len());
}

#[test]
fn placing_a_part_copies_its_tree_so_the_screen_needs_nothing_from_the_shelf() {
    let parts = shelf::builtin_parts().unwrap();
    let sms = parts
        .iter()
        .find(|p| p.id == "builtin:smsVerification")
        .unwrap();
    let mut doc = new_doc();
    two_screens(&mut doc);
    let mut n = 0;
    let placed = shelf::place(sms, "s1", None, 16.0, 100.0, || {
        n += 1;
        format!("p{n}")
    });
    assert_eq!(placed.len(), sms.components.len());
    let roots: Vec<&Component> = placed.iter().filter(|c| c.parent.is_none()).collect();
    assert_eq!(roots.len(), 1);
    assert_eq!((roots[0].x, roots[0].y), (16.0, 100.0));
    assert!(
        placed
            .iter()
            .all(|c| c.part.as_deref() == Some("builtin:smsVerification"))
    );
    let ops: Vec<PrototypeOp> = placed
        .iter()
        .cloned()
        .map(|c| add(PrototypeRecord::Component(c)))
        .collect();
    prototype::apply(&mut doc, &ops).unwrap();
    let p = prototype::read(&doc).unwrap();
    assert_eq!(p.components.len(), 5 + sms.components.len());

    // A selection saved as a part: the roots moved to 0,0, the children kept, bindings not.
    let selection = vec![placed[0].id.clone()];
    let part = shelf::part_from_selection(
        &p,
        &selection,
        "mine".into(),
        PartCategory::BusinessComponent,
        "我的验证".into(),
        "My verification".into(),
        None,
    )
    .unwrap();
    assert_eq!(part.components.len(), sms.components.len());
    let root = part.components.iter().find(|c| c.parent.is_none()).unwrap();
    assert_eq!((root.x, root.y), (0.0, 0.0));
    // The part goes into a shelf document and comes back out.
    let mut shelf_doc = Automerge::new();
    shelf::init(&mut shelf_doc).unwrap();
    shelf::apply(
        &mut shelf_doc,
        &[RecordOp::Add {
            record: ShelfRecord::Part(part.clone()),
        }],
    )
    .unwrap();
    assert_eq!(shelf::read(&shelf_doc).unwrap().parts, vec![part.clone()]);
    // Removing the part leaves the placed components as they are.
    shelf::apply(&mut shelf_doc, &[RecordOp::Remove { id: "mine".into() }]).unwrap();
    assert!(shelf::read(&shelf_doc).unwrap().parts.is_empty());
    assert_eq!(prototype::read(&doc).unwrap(), p);
    // A part needs names in both languages; a capability needs a contract.
    let mut bad = part.clone();
    bad.name_en = " ".into();
    assert!(
        shelf::apply(
            &mut shelf_doc,
            &[RecordOp::Add {
                record: ShelfRecord::Part(bad)
            }]
        )
        .is_err()
    );
    let mut bad = part;
    bad.category = PartCategory::Capability;
    assert!(
        shelf::apply(
            &mut shelf_doc,
            &[RecordOp::Add {
                record: ShelfRecord::Part(bad)
            }]
        )
        .is_err()
    );
    // An empty selection or an unknown component is refused.
    assert!(
        shelf::part_from_selection(
            &p,
            &[],
            "x".into(),
            PartCategory::UiComponent,
            "甲".into(),
            "A".into(),
            None
        )
        .is_err()
    );
    assert!(
        shelf::part_from_selection(
            &p,
            &["nope".into()],
            "x".into(),
            PartCategory::UiComponent,
            "甲".into(),
            "A".into(),
            None
        )
        .is_err()
    );
}
