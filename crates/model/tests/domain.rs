//! Domain model tests: the record kernel's ops, inverses and merges, and each validation rule.

use automerge::Automerge;
use model::domain::{
    self, Attribute, BoundedContext, DataType, DomainElement, DomainModel, DomainOp,
    DomainProblemCode, DomainRecord, ElementKind, Relationship, RelationshipPattern,
};
use model::record::RecordOp;
use model::{DocKind, ModelError};

fn context(id: &str, name: &str) -> DomainRecord {
    DomainRecord::Context(BoundedContext {
        id: id.into(),
        name: name.into(),
        subdomain: None,
        vision: None,
        x: 0.0,
        y: 0.0,
        w: 400.0,
        h: 300.0,
        kept: None,
    })
}

fn element(id: &str, ctx: &str, kind: ElementKind, name: &str) -> DomainElement {
    DomainElement::new(id, ctx, kind, name, 10.0, 20.0)
}

fn attr(id: &str, owner: &str, name: &str, ty: DataType, order: f64) -> Attribute {
    Attribute::new(id, owner, name, ty, order)
}

fn add(r: DomainRecord) -> DomainOp {
    RecordOp::Add { record: r }
}

fn new_doc() -> Automerge {
    let mut doc = Automerge::new();
    domain::init(&mut doc).unwrap();
    doc
}

/// A context with an aggregate whose root entity has an identifier and a name.
fn customer_model(doc: &mut Automerge) {
    let mut agg = element("agg", "ctx", ElementKind::Aggregate, "客户聚合");
    agg.root = Some("cust".into());
    let mut cust = element("cust", "ctx", ElementKind::Entity, "客户");
    cust.aggregate = Some("agg".into());
    let mut id = attr("a-id", "cust", "客户编号", DataType::Text, 1.0);
    id.identifier = true;
    domain::apply(
        doc,
        &[
            add(context("ctx", "客户")),
            add(DomainRecord::Element(agg)),
            add(DomainRecord::Element(cust)),
            add(DomainRecord::Attribute(id)),
            add(DomainRecord::Attribute(attr(
                "a-name",
                "cust",
                "姓名",
                DataType::Text,
                2.0,
            ))),
        ],
    )
    .unwrap();
}

#[test]
fn records_are_written_in_one_change_and_read_back() {
    let mut doc = new_doc();
    let before = doc.get_changes(&[]).len();
    customer_model(&mut doc);
    assert_eq!(doc.get_changes(&[]).len(), before + 1);
    let m = domain::read(&doc).unwrap();
    assert_eq!(m.contexts.len(), 1);
    assert_eq!(m.elements.len(), 2);
    let names: Vec<_> = m.attributes_of("cust").map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["客户编号", "姓名"]);
    assert!(
        domain::validate(&m).is_empty(),
        "{:?}",
        domain::validate(&m)
    );
    model::schema::check_schema(&doc, DocKind::DomainModel).unwrap();
}

#[test]
fn a_failed_op_leaves_the_document_as_it_was() {
    let mut doc = new_doc();
    customer_model(&mut doc);
    let heads = doc.get_heads();
    let err = domain::apply(
        &mut doc,
        &[
            add(DomainRecord::Element(element(
                "ok",
                "ctx",
                ElementKind::Command,
                "开户",
            ))),
            // No such context: the whole edit is refused.
            add(DomainRecord::Element(element(
                "bad",
                "nowhere",
                ElementKind::Command,
                "销户",
            ))),
        ],
    )
    .unwrap_err();
    assert!(matches!(err, ModelError::InvalidEdit(_)), "{err:?}");
    assert_eq!(doc.get_heads(), heads);
    let dup = domain::apply(&mut doc, &[add(context("cust", "again"))]).unwrap_err();
    assert_eq!(dup, ModelError::DuplicateId("cust".into()));
}

#[test]
fn removing_a_context_takes_its_elements_and_undo_brings_them_back() {
    let mut doc = new_doc();
    customer_model(&mut doc);
    let full = domain::read(&doc).unwrap();
    let applied = domain::apply(&mut doc, &[RecordOp::Remove { id: "ctx".into() }]).unwrap();
    let mut removed = applied.patch.removed.clone();
    removed.sort();
    assert_eq!(removed, ["a-id", "a-name", "agg", "ctx", "cust"]);
    assert_eq!(domain::read(&doc).unwrap(), DomainModel::default());
    domain::apply(&mut doc, &applied.inverse).unwrap();
    assert_eq!(domain::read(&doc).unwrap(), full);
}

#[test]
fn undo_of_an_update_keeps_what_others_changed_since() {
    let mut doc = new_doc();
    customer_model(&mut doc);
    let m = domain::read(&doc).unwrap();
    let mut renamed = m.attributes_of("cust").nth(1).unwrap().clone();
    renamed.name = "客户姓名".into();
    let applied = domain::apply(
        &mut doc,
        &[RecordOp::Update {
            record: DomainRecord::Attribute(renamed.clone()),
        }],
    )
    .unwrap();
    // Someone else then changes the type of the same attribute.
    let mut retyped = renamed.clone();
    retyped.data_type = DataType::Integer;
    domain::apply(
        &mut doc,
        &[RecordOp::Update {
            record: DomainRecord::Attribute(retyped),
        }],
    )
    .unwrap();
    domain::apply(&mut doc, &applied.inverse).unwrap();
    let a = domain::read(&doc)
        .unwrap()
        .attributes
        .into_iter()
        .find(|a| a.id == "a-name")
        .unwrap();
    assert_eq!(a.name, "姓名", "the rename is undone");
    assert_eq!(a.data_type, DataType::Integer, "the other change stays");
}

#[test]
fn two_peers_editing_one_entity_converge_with_nothing_lost() {
    let mut alice = new_doc();
    customer_model(&mut alice);
    let mut bob = Automerge::new();
    bob.merge(&mut alice.clone()).unwrap();
    let base = domain::read(&alice).unwrap();
    let name_attr = base.attributes_of("cust").nth(1).unwrap().clone();

    // Alice renames the attribute and adds one; Bob changes its type and adds another.
    let mut renamed = name_attr.clone();
    renamed.name = "全名".into();
    domain::apply(
        &mut alice,
        &[
            RecordOp::Update {
                record: DomainRecord::Attribute(renamed),
            },
            add(DomainRecord::Attribute(attr(
                "a-phone",
                "cust",
                "手机号",
                DataType::Text,
                3.0,
            ))),
        ],
    )
    .unwrap();
    let mut retyped = name_attr.clone();
    retyped.data_type = DataType::Integer;
    retyped.required = true;
    domain::apply(
        &mut bob,
        &[
            RecordOp::Update {
                record: DomainRecord::Attribute(retyped),
            },
            add(DomainRecord::Attribute(attr(
                "a-birth",
                "cust",
                "出生日期",
                DataType::Date,
                3.0,
            ))),
        ],
    )
    .unwrap();
    alice.merge(&mut bob.clone()).unwrap();
    bob.merge(&mut alice.clone()).unwrap();
    let (a, b) = (domain::read(&alice).unwrap(), domain::read(&bob).unwrap());
    assert_eq!(a, b);
    let attrs: Vec<_> = a.attributes_of("cust").collect();
    assert_eq!(attrs.len(), 4);
    let merged = attrs.iter().find(|x| x.id == "a-name").unwrap();
    assert_eq!(merged.name, "全名");
    assert_eq!(merged.data_type, DataType::Integer);
    assert!(merged.required);
}

#[test]
fn keys_from_a_newer_build_survive_an_update() {
    use automerge::transaction::Transactable;
    let mut doc = new_doc();
    customer_model(&mut doc);
    // A newer build wrote a field this one does not know.
    let elements = match automerge::ReadDoc::get(&doc, automerge::ROOT, "elements").unwrap() {
        Some((_, id)) => id,
        None => panic!("no elements"),
    };
    let cust = automerge::ReadDoc::get(&doc, &elements, "cust")
        .unwrap()
        .unwrap()
        .1;
    let mut tx = doc.transaction();
    tx.put(&cust, "futureField", "kept").unwrap();
    tx.commit();
    let mut e = domain::read(&doc).unwrap().element("cust").unwrap().clone();
    e.name = "客户主体".into();
    domain::apply(
        &mut doc,
        &[RecordOp::Update {
            record: DomainRecord::Element(e),
        }],
    )
    .unwrap();
    let v = automerge::ReadDoc::get(&doc, &cust, "futureField")
        .unwrap()
        .unwrap()
        .0;
    assert_eq!(v.as_str(), Some("kept"));
}

fn codes(m: &DomainModel, element: &str) -> Vec<DomainProblemCode> {
    domain::validate(m)
        .into_iter()
        .filter(|p| p.element == element)
        .map(|p| p.code)
        .collect()
}

#[test]
fn each_validation_rule_fires_and_goes_away_when_fixed() {
    let mut doc = new_doc();
    customer_model(&mut doc);
    let mut other = element("agg2", "ctx", ElementKind::Aggregate, "账户");
    other.root = None;
    let dup = element("dup", "ctx", ElementKind::Entity, "客户");
    let cmd = element("cmd", "ctx", ElementKind::Command, "开户");
    let evt = element("evt", "ctx", ElementKind::DomainEvent, "已开户");
    let mut pol = element("pol", "ctx", ElementKind::Policy, "开户后发券");
    pol.trigger = Some("evt".into());
    let vo1 = element("vo1", "ctx", ElementKind::ValueObject, "地址");
    let vo2 = element("vo2", "ctx", ElementKind::ValueObject, "位置");
    let mut v1 = attr("v1", "vo1", "位置", DataType::Reference, 1.0);
    v1.target = Some("vo2".into());
    let mut v2 = attr("v2", "vo2", "地址", DataType::Reference, 1.0);
    v2.target = Some("vo1".into());
    let mut unresolved = attr("u", "cust", "等级", DataType::Reference, 5.0);
    unresolved.type_name = Some("Level".into());
    let far = element("far", "ctx2", ElementKind::Entity, "交易");
    let mut cross = attr("x", "cust", "最近交易", DataType::Reference, 6.0);
    cross.target = Some("far".into());
    let mut ops = vec![add(context("ctx2", "交易"))];
    ops.extend(
        [other, dup, cmd, evt, pol, vo1, vo2, far]
            .into_iter()
            .map(|e| add(DomainRecord::Element(e))),
    );
    ops.extend(
        [v1, v2, unresolved, cross]
            .into_iter()
            .map(|a| add(DomainRecord::Attribute(a))),
    );
    domain::apply(&mut doc, &ops).unwrap();
    let m = domain::read(&doc).unwrap();
    use DomainProblemCode::*;
    assert_eq!(codes(&m, "agg2"), [AggregateWithoutRoot]);
    assert_eq!(codes(&m, "dup"), [EntityWithoutIdentifier, DuplicateName]);
    assert_eq!(codes(&m, "cust"), [DuplicateName]);
    assert_eq!(codes(&m, "cmd"), [CommandNotHandled]);
    assert_eq!(codes(&m, "evt"), [EventNotEmitted]);
    assert_eq!(codes(&m, "pol"), [PolicyIncomplete]);
    assert_eq!(codes(&m, "vo1"), [ValueCycle]);
    assert_eq!(codes(&m, "vo2"), [ValueCycle]);
    assert_eq!(codes(&m, "u"), [UnresolvedType]);
    assert_eq!(codes(&m, "x"), [ReferenceWithoutRelationship]);

    // Fix each one.
    let mut fixes = Vec::new();
    let el = |id: &str| m.element(id).unwrap().clone();
    let mut cmd = el("cmd");
    cmd.handled_by = Some("agg".into());
    cmd.emits = vec!["evt".into()];
    let mut pol = el("pol");
    pol.issues = Some("cmd".into());
    let mut dup = el("dup");
    dup.name = "客户经理".into();
    let mut agg2 = el("agg2");
    agg2.root = Some("dup".into());
    dup.aggregate = Some("agg2".into());
    let mut dup_id = attr("dup-id", "dup", "工号", DataType::Text, 1.0);
    dup_id.identifier = true;
    for e in [cmd, pol, dup, agg2] {
        fixes.push(RecordOp::Update {
            record: DomainRecord::Element(e),
        });
    }
    fixes.push(add(DomainRecord::Attribute(dup_id)));
    let mut v2 = m.attributes.iter().find(|a| a.id == "v2").unwrap().clone();
    v2.list = true;
    let mut u = m.attributes.iter().find(|a| a.id == "u").unwrap().clone();
    (u.data_type, u.type_name) = (DataType::Text, None);
    for a in [v2, u] {
        fixes.push(RecordOp::Update {
            record: DomainRecord::Attribute(a),
        });
    }
    fixes.push(add(DomainRecord::Relationship(Relationship {
        id: "rel".into(),
        pattern: RelationshipPattern::CustomerSupplier,
        upstream: "ctx2".into(),
        downstream: "ctx".into(),
        upstream_roles: vec![],
        downstream_roles: vec![],
        name: None,
        kept: None,
    })));
    domain::apply(&mut doc, &fixes).unwrap();
    let m = domain::read(&doc).unwrap();
    let left: Vec<_> = domain::validate(&m)
        .into_iter()
        .filter(|p| p.element != "far")
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_deleted_target_is_a_dangling_reference_not_an_error() {
    let mut doc = new_doc();
    customer_model(&mut doc);
    let mut cmd = element("cmd", "ctx", ElementKind::Command, "开户");
    cmd.handled_by = Some("agg".into());
    domain::apply(&mut doc, &[add(DomainRecord::Element(cmd))]).unwrap();
    // A peer removes the aggregate (and with it its root) while the command still names it.
    domain::apply(&mut doc, &[RecordOp::Remove { id: "agg".into() }]).unwrap();
    let m = domain::read(&doc).unwrap();
    assert!(
        m.element("cust").is_none(),
        "the root went with its aggregate"
    );
    assert_eq!(
        codes(&m, "cmd"),
        [
            DomainProblemCode::CommandNotHandled,
            DomainProblemCode::DanglingReference
        ]
    );
}
