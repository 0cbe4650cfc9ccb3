//! The domain model through the generic document use cases: the same commands as the
//! flow's (open, edit, undo, redo, validate), links from a flow task to a command, the
//! workspace folder, and a restart.

use std::path::Path;

use api::{Config, Core, DocContent, DocKind, DocOps, DocPatch, DocProblems, FlowNode, NodeKind};
use model::domain::{
    Attribute, BoundedContext, ColumnOverride, DataType, DomainElement, DomainProblemCode,
    DomainRecord, ElementKind,
};
use model::links::LinkKind;
use model::record::RecordOp;

async fn core(dir: &Path) -> Core {
    Core::open(Config {
        data_dir: dir.to_path_buf(),
        seed_demo: false,
    })
    .await
    .unwrap()
}

fn add(r: DomainRecord) -> RecordOp<DomainRecord> {
    RecordOp::Add { record: r }
}

fn context() -> DomainRecord {
    DomainRecord::Context(BoundedContext {
        id: "ctx".into(),
        name: "客户".into(),
        subdomain: None,
        vision: Some("统一客户视图".into()),
        x: 0.0,
        y: 0.0,
        w: 400.0,
        h: 300.0,
        kept: None,
    })
}

fn domain_of(view: api::DocumentView) -> model::domain::DomainModel {
    match view.content {
        DocContent::DomainModel(m) => m,
        other => panic!("not a domain model: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_domain_model_is_edited_undone_validated_linked_and_kept_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let c = core(dir.path()).await;
    let ws = c.create_workspace("开户专题").await.unwrap();
    let dm = c
        .create_document(&ws.id, DocKind::DomainModel, "开户领域模型")
        .await
        .unwrap();
    let mut agg = DomainElement::new("agg", "ctx", ElementKind::Aggregate, "客户", 20.0, 40.0);
    agg.root = Some("cust".into());
    let mut cust = DomainElement::new("cust", "ctx", ElementKind::Entity, "客户", 40.0, 80.0);
    cust.aggregate = Some("agg".into());
    let mut open = DomainElement::new("open", "ctx", ElementKind::Command, "开户", 400.0, 40.0);
    open.handled_by = Some("agg".into());
    let r = c
        .edit_document(
            &dm.id,
            DocOps::DomainModel(vec![
                add(context()),
                add(DomainRecord::Element(agg)),
                add(DomainRecord::Element(cust)),
                add(DomainRecord::Element(open)),
                add(DomainRecord::Attribute(Attribute::new(
                    "a1",
                    "cust",
                    "姓名",
                    DataType::Text,
                    1.0,
                ))),
            ]),
        )
        .await
        .unwrap();
    let DocPatch::DomainModel(p) = &r.patch else {
        panic!("{:?}", r.patch)
    };
    assert_eq!(p.upserts.len(), 5);
    assert!(r.can_undo);

    // Live validation: the entity has no identifier; the command emits nothing, fine.
    let DocProblems::DomainModel(problems) = c.validate_document(&dm.id).await.unwrap() else {
        panic!()
    };
    assert_eq!(
        problems
            .iter()
            .map(|p| (p.code, p.element.as_str()))
            .collect::<Vec<_>>(),
        [(DomainProblemCode::EntityWithoutIdentifier, "cust")]
    );
    let mut id_attr = Attribute::new("a0", "cust", "客户号", DataType::Text, 0.5);
    id_attr.identifier = true;
    c.edit_document(
        &dm.id,
        DocOps::DomainModel(vec![add(DomainRecord::Attribute(id_attr))]),
    )
    .await
    .unwrap();
    let DocProblems::DomainModel(problems) = c.validate_document(&dm.id).await.unwrap() else {
        panic!()
    };
    assert!(problems.is_empty(), "{problems:?}");

    // Undo and redo through the same commands the flow uses.
    c.undo_document(&dm.id).await.unwrap();
    let m = domain_of(c.open_document(&dm.id).await.unwrap());
    assert_eq!(m.attributes.len(), 1);
    c.redo_document(&dm.id).await.unwrap();
    let view = c.open_document(&dm.id).await.unwrap();
    assert_eq!(view.kind, DocKind::DomainModel);
    let names: Vec<_> = domain_of(view)
        .attributes_of("cust")
        .map(|a| a.name.clone())
        .collect::<Vec<_>>();
    assert_eq!(names, ["客户号", "姓名"]);

    // A flow edit sent as a domain edit is refused, and nothing changes.
    let wrong = c
        .edit_document(
            &dm.id,
            DocOps::BusinessFlow(vec![model::FlowOp::AddNode {
                node: FlowNode::new("n", NodeKind::Task, "x", 0.0, 0.0),
            }]),
        )
        .await
        .unwrap_err();
    assert_eq!(wrong.code, api::ErrorCode::InvalidInput, "{wrong:?}");

    // A flow task invokes the command; the command's "what uses this?" lists the task.
    let flow = c
        .create_document(&ws.id, DocKind::BusinessFlow, "开户流程")
        .await
        .unwrap();
    c.edit_flow(
        &flow.id,
        vec![model::FlowOp::AddNode {
            node: FlowNode::new("t1", NodeKind::UserTask, "提交开户申请", 0.0, 0.0),
        }],
    )
    .await
    .unwrap();
    let targets = c.link_targets(&ws.id).await.unwrap();
    assert!(
        targets
            .iter()
            .any(|t| t.element_id == "open" && t.element_kind == "command" && t.name == "开户"),
        "{targets:?}"
    );
    c.add_link(&ws.id, &flow.id, "t1", LinkKind::Invokes, &dm.id, "open")
        .await
        .unwrap();
    let used_by = c.links_of(&ws.id, &dm.id, "open").await.unwrap();
    assert_eq!(used_by.len(), 1);
    assert!(used_by[0].incoming);
    assert_eq!(used_by[0].from_name.as_deref(), Some("提交开户申请"));
    assert_eq!(used_by[0].to_name.as_deref(), Some("开户"));

    // The workspace folder carries the domain model.
    let out = dir.path().join("export");
    c.export_folder(&ws.id, &out).await.unwrap();
    let copy = c.import_folder(&out).await.unwrap();
    let copied = c.open_workspace(&copy.id).await.unwrap();
    let copied_dm = copied
        .documents
        .iter()
        .find(|d| d.kind == DocKind::DomainModel)
        .unwrap();
    let before = domain_of(c.open_document(&dm.id).await.unwrap());
    assert_eq!(
        domain_of(c.open_document(&copied_dm.id).await.unwrap()),
        before
    );

    // After a restart everything is there.
    c.close().await;
    drop(c);
    let c = core(dir.path()).await;
    assert_eq!(domain_of(c.open_document(&dm.id).await.unwrap()), before);
    assert!(!c.open_document(&dm.id).await.unwrap().can_undo);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_workspace_has_the_scrm_domain_model_linked_from_its_flows() {
    let dir = tempfile::tempdir().unwrap();
    let c = Core::open(Config {
        data_dir: dir.path().to_path_buf(),
        seed_demo: true,
    })
    .await
    .unwrap();
    let ws = c.list_workspaces().await.unwrap().remove(0);
    let view = c.open_workspace(&ws.id).await.unwrap();
    let dm = view
        .documents
        .iter()
        .find(|d| d.kind == DocKind::DomainModel)
        .expect("a domain model in the demo");
    let m = domain_of(c.open_document(&dm.id).await.unwrap());
    let contexts: Vec<_> = m.contexts.iter().map(|c| c.name.as_str()).collect();
    for name in ["客户", "企微运营", "营销活动", "交易"] {
        assert!(contexts.contains(&name), "{contexts:?}");
    }
    for name in ["客户", "标签", "客户群", "SOP", "企微成员", "交易"] {
        assert!(
            m.elements
                .iter()
                .any(|e| e.name == name && e.kind == ElementKind::Entity),
            "no entity {name}"
        );
    }
    // The demo shows a clean model.
    let DocProblems::DomainModel(problems) = c.validate_document(&dm.id).await.unwrap() else {
        panic!()
    };
    assert!(problems.is_empty(), "{problems:?}");
    // Flow tasks invoke its commands: "what uses this?" on 发起认证 names the task.
    let used = c.links_of(&ws.id, &dm.id, "cmd_verify").await.unwrap();
    assert_eq!(used.len(), 1, "{used:?}");
    assert!(used[0].incoming && !used[0].broken);
    assert_eq!(used[0].from_name.as_deref(), Some("发起客户认证"));
    let all_links: usize = {
        let mut n = 0;
        for d in &view.documents {
            n += c
                .export_bundle(&ws.id)
                .await
                .unwrap()
                .documents
                .iter()
                .filter(|b| b.id == d.id)
                .map(|b| b.links.len())
                .sum::<usize>();
        }
        n
    };
    assert_eq!(all_links, 7);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cml_file_imports_whole_or_not_at_all_and_exports_again() {
    let dir = tempfile::tempdir().unwrap();
    let c = core(dir.path()).await;
    let ws = c.create_workspace("保险").await.unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/cml/insurance-example__Insurance-Example-Stage-2.cml");
    let bytes = std::fs::read(&fixture).unwrap();
    let d = c
        .import_cml(&ws.id, bytes.clone(), Some("Insurance".into()))
        .await
        .unwrap();
    assert_eq!(d.kind, DocKind::DomainModel);
    let m = c.domain_model(&d.id).await.unwrap();
    assert!(m.contexts.len() >= 4, "{:?}", m.contexts);
    assert!(!m.relationships.is_empty());
    // Export and import again: the same model.
    let cml = c.export_cml(&d.id).await.unwrap();
    let again = formats::cml::import(cml.as_bytes()).unwrap().model;
    // The document reads records sorted by id; a file has them in its own order.
    assert_eq!(
        by_id(again),
        by_id(formats::cml::import(&bytes).unwrap().model)
    );
    // Its DDL runs on SQLite.
    let sql = c.domain_ddl(&d.id, api::SqlDialect::Sqlite).await.unwrap();
    rusqlite::Connection::open_in_memory()
        .unwrap()
        .execute_batch(&sql)
        .unwrap();

    // A syntax error names its place and creates nothing.
    let before = c.open_workspace(&ws.id).await.unwrap().documents.len();
    let err = c
        .import_cml(&ws.id, b"BoundedContext A {\n  Aggregate {".to_vec(), None)
        .await
        .unwrap_err();
    assert_eq!(err.code, api::ErrorCode::BadFile);
    assert!(err.detail.contains("line"), "{}", err.detail);
    assert_eq!(
        c.open_workspace(&ws.id).await.unwrap().documents.len(),
        before
    );
    // A flow is not a domain model.
    let flow = c
        .create_document(&ws.id, DocKind::BusinessFlow, "流程")
        .await
        .unwrap();
    assert_eq!(
        c.export_cml(&flow.id).await.unwrap_err().code,
        api::ErrorCode::InvalidInput
    );
}

fn by_id(mut m: model::domain::DomainModel) -> model::domain::DomainModel {
    m.subdomains.sort_by(|a, b| a.id.cmp(&b.id));
    m.contexts.sort_by(|a, b| a.id.cmp(&b.id));
    m.relationships.sort_by(|a, b| a.id.cmp(&b.id));
    m.elements.sort_by(|a, b| a.id.cmp(&b.id));
    m.attributes.sort_by(|a, b| a.id.cmp(&b.id));
    m
}

fn table<'a>(v: &'a api::DataModelView, key: &str) -> &'a api::TableView {
    v.schemas
        .iter()
        .flat_map(|s| &s.tables)
        .find(|t| t.key == key)
        .unwrap_or_else(|| panic!("no table {key} in {v:?}"))
}

fn column<'a>(v: &'a api::DataModelView, table_key: &str, key: &str) -> &'a api::ColumnView {
    table(v, table_key)
        .columns
        .iter()
        .find(|c| c.key == key)
        .unwrap_or_else(|| panic!("no column {key} in {table_key}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_data_model_view_shows_overrides_that_survive_a_rename_and_go_with_their_record() {
    let dir = tempfile::tempdir().unwrap();
    let c = core(dir.path()).await;
    let ws = c.create_workspace("Sales").await.unwrap();
    let dm = c
        .create_document(&ws.id, DocKind::DomainModel, "Sales")
        .await
        .unwrap();
    let mut customer_no = Attribute::new("a0", "cust", "Customer No", DataType::Text, 0.0);
    customer_no.identifier = true;
    let full_name = Attribute::new("a1", "cust", "Full Name", DataType::Text, 1.0);
    let mut buyer = Attribute::new("b1", "buy", "Customer", DataType::Reference, 0.0);
    buyer.target = Some("cust".into());
    let amount = Attribute::new("b2", "buy", "Amount", DataType::Money, 1.0);
    c.edit_document(
        &dm.id,
        DocOps::DomainModel(vec![
            add(DomainRecord::Context(BoundedContext {
                id: "ctx".into(),
                name: "Sales".into(),
                subdomain: None,
                vision: None,
                x: 0.0,
                y: 0.0,
                w: 400.0,
                h: 300.0,
                kept: None,
            })),
            add(DomainRecord::Element(DomainElement::new(
                "cust",
                "ctx",
                ElementKind::Entity,
                "Customer",
                0.0,
                0.0,
            ))),
            add(DomainRecord::Element(DomainElement::new(
                "buy",
                "ctx",
                ElementKind::Entity,
                "Purchase",
                200.0,
                0.0,
            ))),
            add(DomainRecord::Attribute(customer_no)),
            add(DomainRecord::Attribute(full_name.clone())),
            add(DomainRecord::Attribute(buyer)),
            add(DomainRecord::Attribute(amount)),
        ]),
    )
    .await
    .unwrap();

    // The derived tables (entities in the order the document reads them: by id) and columns.
    let v = c.domain_data_model(&dm.id).await.unwrap();
    assert_eq!(v.schemas.len(), 1);
    assert_eq!(
        (v.schemas[0].key.as_str(), v.schemas[0].name.as_str()),
        ("ctx", "sales")
    );
    let tables: Vec<_> = v.schemas[0]
        .tables
        .iter()
        .map(|t| (t.key.as_str(), t.name.as_str(), t.element.as_str()))
        .collect();
    assert_eq!(
        tables,
        [("t:buy", "purchase", "buy"), ("t:cust", "customer", "cust")]
    );
    let cols: Vec<_> = table(&v, "t:cust")
        .columns
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.sql_type.as_str(),
                c.nullable,
                c.primary_key,
            )
        })
        .collect();
    assert_eq!(
        cols,
        [
            ("customer_no", "varchar(255)", false, true),
            ("full_name", "varchar(255)", true, false)
        ]
    );
    let id = column(&v, "t:buy", "c:buy#id");
    assert!(id.primary_key && id.generated && id.sql_type == "bigint");
    let fk = column(&v, "t:buy", "c:b1");
    assert_eq!(fk.name, "customer_customer_no");
    let target = fk.foreign_key.as_ref().unwrap();
    assert_eq!(
        (
            target.table.as_str(),
            target.table_key.as_deref(),
            target.column.as_str()
        ),
        ("customer", Some("t:cust"), "customer_no")
    );
    assert!(fk.indexed && fk.override_id.is_none());
    assert_eq!(column(&v, "t:buy", "c:b2").sql_type, "decimal(19,4)");
    let kinds: Vec<_> = table(&v, "t:buy")
        .constraints
        .iter()
        .map(|k| (k.kind, k.name.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (api::ConstraintKind::PrimaryKey, "pk_purchase"),
            (
                api::ConstraintKind::ForeignKey,
                "fk_purchase_customer_customer_no"
            ),
            (
                api::ConstraintKind::Index,
                "ix_purchase_customer_customer_no"
            ),
        ]
    );
    let full = column(&v, "t:cust", "c:a1");
    assert!(!full.indexed && full.overridden == api::OverriddenFields::default());

    // Overrides, added as records: name, type, length and index of one column; no index on
    // the foreign key of another.
    let o1 = ColumnOverride {
        id: "o1".into(),
        table: "t:cust".into(),
        column: Some("c:a1".into()),
        name: Some("display_name".into()),
        sql_type: Some("varchar".into()),
        length: Some(120),
        index: Some(true),
    };
    let o2 = ColumnOverride {
        id: "o2".into(),
        table: "t:buy".into(),
        column: Some("c:b1".into()),
        name: None,
        sql_type: None,
        length: None,
        index: Some(false),
    };
    c.edit_document(
        &dm.id,
        DocOps::DomainModel(vec![
            add(DomainRecord::Override(o1)),
            add(DomainRecord::Override(o2)),
        ]),
    )
    .await
    .unwrap();
    let v = c.domain_data_model(&dm.id).await.unwrap();
    let col = column(&v, "t:cust", "c:a1");
    assert_eq!(
        (
            col.name.as_str(),
            col.sql_type.as_str(),
            col.length,
            col.indexed
        ),
        ("display_name", "varchar(120)", Some(120), true)
    );
    assert_eq!(col.override_id.as_deref(), Some("o1"));
    assert_eq!(
        col.overridden,
        api::OverriddenFields {
            name: true,
            sql_type: true,
            length: true,
            index: true
        }
    );
    assert_eq!(
        (
            col.derived.name.as_str(),
            col.derived.length,
            col.derived.indexed
        ),
        ("full_name", Some(255), false)
    );
    let fk = column(&v, "t:buy", "c:b1");
    assert!(!fk.indexed && fk.derived.indexed && fk.overridden.index);
    assert!(fk.foreign_key.is_some());
    let sql = c
        .domain_ddl(&dm.id, api::SqlDialect::Postgres)
        .await
        .unwrap();
    assert!(sql.contains("\"display_name\" VARCHAR(120)"), "{sql}");
    assert!(sql.contains("ix_customer_display_name"), "{sql}");
    assert!(!sql.contains("full_name"), "{sql}");
    assert!(!sql.contains("ix_purchase_customer_customer_no"), "{sql}");

    // The attribute is renamed in the model: the table is derived again, the override stays.
    c.edit_document(
        &dm.id,
        DocOps::DomainModel(vec![RecordOp::Update {
            record: DomainRecord::Attribute(Attribute {
                name: "Given Name".into(),
                ..full_name
            }),
        }]),
    )
    .await
    .unwrap();
    let v = c.domain_data_model(&dm.id).await.unwrap();
    let col = column(&v, "t:cust", "c:a1");
    assert_eq!(
        (col.name.as_str(), col.derived.name.as_str()),
        ("display_name", "given_name")
    );
    assert_eq!(col.sql_type, "varchar(120)");
    let sql = c
        .domain_ddl(&dm.id, api::SqlDialect::Postgres)
        .await
        .unwrap();
    assert!(sql.contains("\"display_name\" VARCHAR(120)"), "{sql}");
    assert!(!sql.contains("given_name"), "{sql}");

    // Removing the override record brings the derived column back.
    c.edit_document(
        &dm.id,
        DocOps::DomainModel(vec![RecordOp::Remove { id: "o1".into() }]),
    )
    .await
    .unwrap();
    let v = c.domain_data_model(&dm.id).await.unwrap();
    let col = column(&v, "t:cust", "c:a1");
    assert_eq!(
        (col.name.as_str(), col.sql_type.as_str(), col.indexed),
        ("given_name", "varchar(255)", false)
    );
    assert!(col.override_id.is_none() && col.overridden == api::OverriddenFields::default());
    let sql = c
        .domain_ddl(&dm.id, api::SqlDialect::Postgres)
        .await
        .unwrap();
    assert!(sql.contains("\"given_name\" VARCHAR(255)"), "{sql}");
    assert!(!sql.contains("display_name"), "{sql}");

    // Only domain models have one.
    let flow = c
        .create_document(&ws.id, DocKind::BusinessFlow, "Flow")
        .await
        .unwrap();
    assert_eq!(
        c.domain_data_model(&flow.id).await.unwrap_err().code,
        api::ErrorCode::InvalidInput
    );
}
