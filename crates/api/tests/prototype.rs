//! Sandbox prototypes and the capability shelf through the core: the generic document use
//! cases (create, open, edit, undo, validate), validation against the workspace's domain
//! model, derived links in "what uses this?", the shelf (list, search, add, remove, place),
//! the workspace folder and a restart.

use std::path::Path;

use api::{Config, Core, DocContent, DocKind, DocOps, DocProblems, ErrorCode, PartCategory};
use model::domain::{
    Attribute, BoundedContext, DataType, DomainElement, DomainRecord, ElementKind,
};
use model::links::LinkKind;
use model::prototype::{
    Action, ActionStep, Binding, Component, ComponentKind, Device, PrototypeProblemCode,
    PrototypeRecord, Screen,
};
use model::record::RecordOp;

async fn core(dir: &Path) -> Core {
    Core::open(Config {
        data_dir: dir.to_path_buf(),
        seed_demo: false,
    })
    .await
    .unwrap()
}

fn add<R>(r: R) -> RecordOp<R> {
    RecordOp::Add { record: r }
}

fn proto_of(view: api::DocumentView) -> model::prototype::Prototype {
    match view.content {
        DocContent::SandboxPrototype(p) => p,
        other => panic!("not a prototype: {other:?}"),
    }
}

/// A domain model with a customer entity (a required name) and a command registering one.
async fn domain_model(c: &Core, ws: &str) -> String {
    let dm = c
        .create_document(ws, DocKind::DomainModel, "客户领域")
        .await
        .unwrap();
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
    let mut name = Attribute::new("a-name", "cust", "姓名", DataType::Text, 2.0);
    name.required = true;
    c.edit_document(
        &dm.id,
        DocOps::DomainModel(vec![
            add(DomainRecord::Context(BoundedContext {
                id: "ctx".into(),
                name: "客户".into(),
                subdomain: None,
                vision: None,
                x: 0.0,
                y: 0.0,
                w: 400.0,
                h: 300.0,
                kept: None,
            })),
            add(DomainRecord::Element(agg)),
            add(DomainRecord::Element(cust)),
            add(DomainRecord::Element(cmd)),
            add(DomainRecord::Attribute(id)),
            add(DomainRecord::Attribute(name)),
        ]),
    )
    .await
    .unwrap();
    dm.id
}

/// Two screens: a list of customers, and a form bound to the customer entity whose save
/// button registers one and goes back to the list.
fn screens(dm: &str) -> Vec<RecordOp<PrototypeRecord>> {
    let bind = |attribute: Option<&str>, collection: bool| Binding {
        document: dm.into(),
        entity: "cust".into(),
        attribute: attribute.map(str::to_string),
        collection,
    };
    let mut list = Component::new(
        "list",
        "s1",
        ComponentKind::List,
        "客户列表",
        16.0,
        72.0,
        343.0,
        600.0,
    );
    list.binding = Some(bind(None, true));
    let new = Component::new(
        "new",
        "s1",
        ComponentKind::Button,
        "新建",
        16.0,
        700.0,
        343.0,
        44.0,
    );
    let mut form = Component::new(
        "form",
        "s2",
        ComponentKind::Form,
        "表单",
        16.0,
        72.0,
        343.0,
        300.0,
    );
    form.binding = Some(bind(None, false));
    let mut name = Component::new(
        "name",
        "s2",
        ComponentKind::Input,
        "姓名",
        16.0,
        16.0,
        311.0,
        40.0,
    );
    name.parent = Some("form".into());
    name.binding = Some(bind(Some("a-name"), false));
    let mut save = Component::new(
        "save",
        "s2",
        ComponentKind::Button,
        "保存",
        16.0,
        80.0,
        311.0,
        44.0,
    );
    save.parent = Some("form".into());
    vec![
        add(PrototypeRecord::Screen(Screen::new(
            "s1",
            "客户列表",
            Device::Phone,
            0.0,
            0.0,
        ))),
        add(PrototypeRecord::Screen(Screen::new(
            "s2",
            "新建客户",
            Device::Phone,
            500.0,
            0.0,
        ))),
        add(PrototypeRecord::Component(list)),
        add(PrototypeRecord::Component(new)),
        add(PrototypeRecord::Component(form)),
        add(PrototypeRecord::Component(name)),
        add(PrototypeRecord::Component(save)),
        add(PrototypeRecord::Action(Action {
            id: "go".into(),
            component: "new".into(),
            name: None,
            steps: vec![ActionStep::Navigate {
                screen: "s2".into(),
            }],
            success: None,
            failure: None,
        })),
        add(PrototypeRecord::Action(Action {
            id: "submit".into(),
            component: "save".into(),
            name: Some("保存".into()),
            steps: vec![ActionStep::Command {
                document: dm.into(),
                command: "register".into(),
            }],
            success: Some("s1".into()),
            failure: Some("保存失败".into()),
        })),
    ]
}

fn problems(p: DocProblems) -> Vec<(PrototypeProblemCode, String)> {
    match p {
        DocProblems::SandboxPrototype(p) => p.into_iter().map(|x| (x.code, x.element)).collect(),
        other => panic!("not a prototype's problems: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_prototype_is_edited_validated_against_its_domain_model_linked_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let c = core(dir.path()).await;
    let ws = c.create_workspace("原型").await.unwrap();
    let dm = domain_model(&c, &ws.id).await;
    let doc = c
        .create_document(&ws.id, DocKind::SandboxPrototype, "SCRM 原型")
        .await
        .unwrap();
    let r = c
        .edit_document(&doc.id, DocOps::SandboxPrototype(screens(&dm)))
        .await
        .unwrap();
    assert!(r.can_undo);
    let p = proto_of(c.open_document(&doc.id).await.unwrap());
    assert_eq!(
        (p.screens.len(), p.components.len(), p.actions.len()),
        (2, 5, 2)
    );
    assert_eq!(
        problems(c.validate_document(&doc.id).await.unwrap()),
        vec![]
    );

    // The domain model's "what uses this?" lists the screen showing the entity and the
    // action invoking the command.
    let used = c.links_of(&ws.id, &dm, "cust").await.unwrap();
    let mut shows: Vec<(LinkKind, Option<String>)> = used
        .iter()
        .filter(|l| l.incoming)
        .map(|l| (l.link.kind, l.from_name.clone()))
        .collect();
    shows.sort();
    assert_eq!(
        shows,
        vec![
            (LinkKind::Shows, Some("客户列表".into())),
            (LinkKind::Shows, Some("新建客户".into()))
        ]
    );
    let invoked = c.links_of(&ws.id, &dm, "register").await.unwrap();
    assert_eq!(invoked.len(), 1);
    assert_eq!(invoked[0].link.kind, LinkKind::Invokes);
    assert_eq!(invoked[0].from_name.as_deref(), Some("保存"));
    assert!(!invoked[0].broken);
    // Screens, components and actions are link targets.
    let targets = c.link_targets(&ws.id).await.unwrap();
    assert!(
        targets
            .iter()
            .any(|t| t.document_id == doc.id && t.element_id == "s2" && t.element_kind == "screen")
    );

    // Renaming the attribute is followed; deleting it is a problem on that component.
    let m = c.domain_model(&dm).await.unwrap();
    let mut renamed = m
        .attributes
        .iter()
        .find(|a| a.id == "a-name")
        .unwrap()
        .clone();
    renamed.name = "客户姓名".into();
    c.edit_document(
        &dm,
        DocOps::DomainModel(vec![RecordOp::Update {
            record: DomainRecord::Attribute(renamed),
        }]),
    )
    .await
    .unwrap();
    assert_eq!(
        problems(c.validate_document(&doc.id).await.unwrap()),
        vec![]
    );
    c.edit_document(
        &dm,
        DocOps::DomainModel(vec![RecordOp::Remove {
            id: "a-name".into(),
        }]),
    )
    .await
    .unwrap();
    assert_eq!(
        problems(c.validate_document(&doc.id).await.unwrap()),
        vec![(PrototypeProblemCode::BindingAttributeMissing, "name".into())]
    );
    c.undo_document(&dm).await.unwrap();

    // Undo and redo through the generic commands.
    c.edit_document(
        &doc.id,
        DocOps::SandboxPrototype(vec![RecordOp::Remove { id: "s2".into() }]),
    )
    .await
    .unwrap();
    let p = proto_of(c.open_document(&doc.id).await.unwrap());
    assert!(p.component("form").is_none() && p.actions.len() == 1);
    assert!(
        problems(c.validate_document(&doc.id).await.unwrap())
            .contains(&(PrototypeProblemCode::TargetScreenMissing, "go".into()))
    );
    c.undo_document(&doc.id).await.unwrap();
    assert_eq!(
        proto_of(c.open_document(&doc.id).await.unwrap())
            .components
            .len(),
        5
    );

    // The workspace folder: the prototype comes back bound to the imported domain model.
    let out = tempfile::tempdir().unwrap();
    c.export_folder(&ws.id, out.path()).await.unwrap();
    let imported = c.import_folder(out.path()).await.unwrap();
    let view = c.open_workspace(&imported.id).await.unwrap();
    let new_dm = view
        .documents
        .iter()
        .find(|d| d.kind == DocKind::DomainModel)
        .unwrap();
    let new_doc = view
        .documents
        .iter()
        .find(|d| d.kind == DocKind::SandboxPrototype)
        .unwrap();
    assert_ne!(new_dm.id, dm);
    let p2 = proto_of(c.open_document(&new_doc.id).await.unwrap());
    assert_eq!(p2.components.len(), 5);
    assert!(
        p2.components
            .iter()
            .filter_map(|c| c.binding.as_ref())
            .all(|b| b.document == new_dm.id)
    );
    assert_eq!(
        problems(c.validate_document(&new_doc.id).await.unwrap()),
        vec![]
    );

    // After a restart it is all there.
    c.close().await;
    drop(c);
    let c = core(dir.path()).await;
    let p3 = proto_of(c.open_document(&doc.id).await.unwrap());
    assert_eq!(p3.components.len(), 5);
    c.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_shelf_is_listed_searched_grown_and_placed_from_and_shared_by_every_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let c = core(dir.path()).await;
    let ws = c.create_workspace("甲").await.unwrap();
    let other = c.create_workspace("乙").await.unwrap();
    let doc = c
        .create_document(&ws.id, DocKind::SandboxPrototype, "原型")
        .await
        .unwrap();
    c.edit_document(
        &doc.id,
        DocOps::SandboxPrototype(vec![add(PrototypeRecord::Screen(Screen::new(
            "s1",
            "首页",
            Device::Phone,
            0.0,
            0.0,
        )))]),
    )
    .await
    .unwrap();

    // Search in either language.
    let all = c.list_shelf("").await.unwrap();
    assert!(all.len() >= 30 && all.iter().all(|p| p.builtin));
    let names = |parts: Vec<api::ShelfPart>| -> Vec<String> {
        parts.into_iter().map(|p| p.part.name_en).collect()
    };
    assert_eq!(
        names(c.list_shelf("人脸").await.unwrap()),
        vec!["Face check"]
    );
    assert_eq!(
        names(c.list_shelf("FACE").await.unwrap()),
        vec!["Face check"]
    );

    // Placing a part is one edit of the prototype, undone as one.
    let r = c
        .place_shelf_part(&doc.id, "builtin:customerCard", "s1", None, 16.0, 80.0)
        .await
        .unwrap();
    assert!(r.can_undo);
    let p = proto_of(c.open_document(&doc.id).await.unwrap());
    assert_eq!(p.components.len(), 5);
    let card = p
        .components
        .iter()
        .find(|c| c.parent.is_none())
        .unwrap()
        .clone();
    assert_eq!(
        (card.x, card.y, card.kind),
        (16.0, 80.0, ComponentKind::Card)
    );
    assert!(
        p.components
            .iter()
            .all(|c| c.part.as_deref() == Some("builtin:customerCard"))
    );
    // A template places nothing; an unknown part is not found.
    let e = c
        .place_shelf_part(&doc.id, "builtin:scrmStarter", "s1", None, 0.0, 0.0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    let e = c
        .place_shelf_part(&doc.id, "builtin:nope", "s1", None, 0.0, 0.0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);

    // The selection becomes the organisation's part, found from another workspace too.
    let added = c
        .add_shelf_part(
            &doc.id,
            vec![card.id.clone()],
            PartCategory::BusinessComponent,
            "贵宾客户卡",
            "VIP customer card",
            Some("金卡客户".into()),
        )
        .await
        .unwrap();
    assert!(!added.builtin);
    assert_eq!(added.part.components.len(), 5);
    let found = c.list_shelf("贵宾").await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].part.id, added.part.id);
    let other_doc = c
        .create_document(&other.id, DocKind::SandboxPrototype, "另一个原型")
        .await
        .unwrap();
    c.edit_document(
        &other_doc.id,
        DocOps::SandboxPrototype(vec![add(PrototypeRecord::Screen(Screen::new(
            "t1",
            "首页",
            Device::Tablet,
            0.0,
            0.0,
        )))]),
    )
    .await
    .unwrap();
    c.place_shelf_part(&other_doc.id, &added.part.id, "t1", None, 0.0, 0.0)
        .await
        .unwrap();

    // Removing it keeps the placed copies working.
    c.remove_shelf_part(&added.part.id).await.unwrap();
    assert!(c.list_shelf("贵宾").await.unwrap().is_empty());
    let p = proto_of(c.open_document(&other_doc.id).await.unwrap());
    assert_eq!(p.components.len(), 5);
    // Built-in parts cannot be removed; bad names are refused.
    assert_eq!(
        c.remove_shelf_part("builtin:button")
            .await
            .unwrap_err()
            .code,
        ErrorCode::InvalidInput
    );
    assert_eq!(
        c.add_shelf_part(
            &doc.id,
            vec![card.id.clone()],
            PartCategory::UiComponent,
            " ",
            "x",
            None
        )
        .await
        .unwrap_err()
        .code,
        ErrorCode::InvalidInput
    );

    // The organisation's shelf survives a restart, the same document.
    let shelf = c.shelf_document().await.unwrap();
    c.add_shelf_part(
        &doc.id,
        vec![card.id.clone()],
        PartCategory::UiComponent,
        "卡",
        "Card 2",
        None,
    )
    .await
    .unwrap();
    c.close().await;
    drop(c);
    let c = core(dir.path()).await;
    assert_eq!(c.shelf_document().await.unwrap(), shelf);
    assert_eq!(names(c.list_shelf("card 2").await.unwrap()), vec!["Card 2"]);
    c.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_prototype_validates_clean_and_its_player_bundle_is_resolved() {
    let dir = tempfile::tempdir().unwrap();
    let c = core(dir.path()).await;
    let ws = c
        .import_bundle(&api::exchange::demo_bundle().unwrap())
        .await
        .unwrap();
    let view = c.open_workspace(&ws.id).await.unwrap();
    let doc = view
        .documents
        .iter()
        .find(|d| d.kind == DocKind::SandboxPrototype)
        .unwrap();
    let dm = view
        .documents
        .iter()
        .find(|d| d.kind == DocKind::DomainModel)
        .unwrap();
    assert_eq!(doc.title, "SCRM 沙箱原型");
    assert_eq!(
        problems(c.validate_document(&doc.id).await.unwrap()),
        vec![]
    );
    let p = proto_of(c.open_document(&doc.id).await.unwrap());
    let mut names: Vec<&str> = p.screens.iter().map(|s| s.name.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        vec!["客户列表", "客户详情", "新建群发SOP", "活动报名"]
    );

    let b = c.player_bundle(&doc.id, 3).await.unwrap();
    assert_eq!(b.title, "SCRM 沙箱原型");
    assert_eq!(b.start, vec!["scr_list".to_string()]);
    assert!(b.problems.is_empty());
    // Bindings resolved to names, types and flags; none broken.
    let name = b
        .bindings
        .iter()
        .find(|x| x.component == "list_row_name")
        .unwrap();
    assert_eq!(name.entity_name.as_deref(), Some("客户"));
    let attr = name.attribute.as_ref().unwrap();
    assert_eq!((attr.name.as_str(), attr.required), ("姓名", true));
    assert!(
        b.bindings
            .iter()
            .all(|x| x.broken.is_none() && x.document == dm.id)
    );
    let state = b
        .bindings
        .iter()
        .find(|x| x.component == "sop_state")
        .unwrap();
    assert_eq!(
        state.attribute.as_ref().unwrap().values,
        vec!["草稿", "已启用", "已停用"]
    );
    // Commands resolved to their aggregate and its root entity.
    let register = b.commands.iter().find(|x| x.id == "cmd_register").unwrap();
    assert_eq!(register.name, "登记客户");
    assert_eq!(register.aggregate_name.as_deref(), Some("客户"));
    assert_eq!(register.root.as_deref(), Some("ent_customer"));
    assert_eq!(register.attributes[0].name, "手机号");
    assert!(!register.broken);
    // The entities described include value objects the customer holds.
    assert!(b.entities.iter().any(|e| e.id == "vo_address"));
    // Sample rows, the same for the same seed.
    let customers = b
        .samples
        .iter()
        .find(|t| t.entity == "ent_customer")
        .unwrap();
    assert_eq!(customers.rows.len(), api::SAMPLE_ROWS);
    assert_eq!(
        c.player_bundle(&doc.id, 3).await.unwrap().samples,
        b.samples
    );
    assert_ne!(
        c.player_bundle(&doc.id, 4).await.unwrap().samples,
        b.samples
    );
    // The capability from the step's own contract.
    assert_eq!(b.capabilities.len(), 1);
    assert!(b.capabilities[0].on_shelf);
    assert_eq!(b.capabilities[0].contract.operation, "verifySmsCode");

    // A deleted attribute: the bundle says which binding is broken, and the player still gets
    // everything else.
    c.edit_document(
        &dm.id,
        DocOps::DomainModel(vec![RecordOp::Remove {
            id: "a_cust_mobile".into(),
        }]),
    )
    .await
    .unwrap();
    let b = c.player_bundle(&doc.id, 3).await.unwrap();
    let broken: Vec<&str> = b
        .bindings
        .iter()
        .filter(|x| x.broken == Some(PrototypeProblemCode::BindingAttributeMissing))
        .map(|x| x.component.as_str())
        .collect();
    assert_eq!(broken, vec!["detail_mobile", "list_row_mobile"]);
    assert!(
        b.problems
            .iter()
            .any(|x| x.code == PrototypeProblemCode::BindingAttributeMissing
                && x.element == "list_row_mobile"
                && x.screen == "scr_list")
    );
    assert_eq!(b.screens.len(), 4);

    // The HTML export carries the bundle and the player, and nothing from outside.
    let html = c.prototype_html(&doc.id, 3).await.unwrap();
    assert!(html.contains("\"documentId\""));
    assert!(!html.to_lowercase().contains("src=\"http"));
    // OpenAPI is JSON with the commands the actions call.
    let spec: serde_json::Value =
        serde_json::from_str(&c.prototype_openapi(&doc.id).await.unwrap()).unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    c.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_walk_reads_as_given_when_then_through_the_core() {
    use model::prototype::{Walk, WalkStep, WalkStepKind};
    let dir = tempfile::tempdir().unwrap();
    let c = core(dir.path()).await;
    let ws = c.create_workspace("走查").await.unwrap();
    let dm = domain_model(&c, &ws.id).await;
    let doc = c
        .create_document(&ws.id, DocKind::SandboxPrototype, "原型")
        .await
        .unwrap();
    c.edit_document(&doc.id, DocOps::SandboxPrototype(screens(&dm)))
        .await
        .unwrap();
    let walk = Walk {
        id: "w1".into(),
        name: "新建一个客户".into(),
        steps: vec![
            WalkStep {
                kind: WalkStepKind::Visit,
                screen: "s2".into(),
                component: None,
                value: None,
            },
            WalkStep {
                kind: WalkStepKind::Fill,
                screen: "s2".into(),
                component: Some("name".into()),
                value: Some("李娜".into()),
            },
            WalkStep {
                kind: WalkStepKind::Click,
                screen: "s2".into(),
                component: Some("save".into()),
                value: None,
            },
            WalkStep {
                kind: WalkStepKind::See,
                screen: "s1".into(),
                component: Some("list".into()),
                value: Some("李娜".into()),
            },
        ],
    };
    c.edit_document(
        &doc.id,
        DocOps::SandboxPrototype(vec![add(PrototypeRecord::Walk(walk))]),
    )
    .await
    .unwrap();
    assert_eq!(
        c.walk_gherkin(&doc.id, "w1", true).await.unwrap(),
        vec![
            "假如 我在「新建客户」页面",
            "当 我在「姓名」中填写「李娜」",
            "而且 我点击「保存」",
            "那么 我在「客户列表」中看到「李娜」",
        ]
    );
    assert_eq!(
        c.walk_gherkin(&doc.id, "nope", false)
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
    c.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_workspace_starts_from_a_product_template_with_flows_a_domain_model_and_screens() {
    let dir = tempfile::tempdir().unwrap();
    let c = core(dir.path()).await;
    let template = c
        .list_shelf("")
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.part.category == PartCategory::Template)
        .unwrap();
    let ws = c
        .create_workspace_from_template(&template.part.id, "新专题")
        .await
        .unwrap();
    let view = c.open_workspace(&ws.id).await.unwrap();
    let kinds: Vec<DocKind> = view.documents.iter().map(|d| d.kind).collect();
    assert!(kinds.contains(&DocKind::BusinessFlow));
    assert!(kinds.contains(&DocKind::DomainModel));
    assert!(kinds.contains(&DocKind::SandboxPrototype));
    let dm = view
        .documents
        .iter()
        .find(|d| d.kind == DocKind::DomainModel)
        .unwrap();
    let proto = view
        .documents
        .iter()
        .find(|d| d.kind == DocKind::SandboxPrototype)
        .unwrap();
    // The domain model is clean; the prototype is bound to it and validates clean.
    match c.validate_document(&dm.id).await.unwrap() {
        DocProblems::DomainModel(p) => assert!(p.is_empty(), "{p:?}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        problems(c.validate_document(&proto.id).await.unwrap()),
        vec![]
    );
    let p = proto_of(c.open_document(&proto.id).await.unwrap());
    assert!(p.screens.len() >= 3);
    assert!(
        p.components
            .iter()
            .filter_map(|c| c.binding.as_ref())
            .all(|b| b.document == dm.id)
    );
    // The flows have their steps as tasks between a start and an end.
    let flow = view
        .documents
        .iter()
        .find(|d| d.kind == DocKind::BusinessFlow)
        .unwrap();
    let f = c.open_flow(&flow.id).await.unwrap();
    assert!(f.nodes.len() >= 3 && f.edges.len() == f.nodes.len() - 1);
    // Not a template: refused, nothing created.
    let before = c.list_workspaces().await.unwrap().len();
    assert_eq!(
        c.create_workspace_from_template("builtin:button", "x")
            .await
            .unwrap_err()
            .code,
        ErrorCode::InvalidInput
    );
    assert_eq!(c.list_workspaces().await.unwrap().len(), before);
    c.close().await;
}
