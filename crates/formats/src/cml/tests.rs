//! Small inline cases for the CML reader and writer.

use model::domain::{DataType, ElementKind, RelationshipPattern};

use super::{export, import};

fn model(src: &str) -> super::Imported {
    import(src.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn relationships_in_every_syntax() {
    let m = model(
        "ContextMap M {\n contains A, B\n contains C\n\
         A [U,OHS,PL]->[D,ACL] B\n A <- C\n A [P]<->[P] C\n B [SK] <-> [SK] C\n\
         B Customer-Supplier C\n C [OHS]Upstream-Downstream A : Named { implementationTechnology = \"REST\" }\n}\n\
         BoundedContext A\nBoundedContext B\nBoundedContext C\n",
    )
    .model;
    let pats: Vec<_> = m.relationships.iter().map(|r| r.pattern).collect();
    use RelationshipPattern::*;
    assert_eq!(
        pats,
        [
            UpstreamDownstream,
            UpstreamDownstream,
            Partnership,
            SharedKernel,
            CustomerSupplier,
            UpstreamDownstream
        ]
    );
    assert_eq!(m.relationships[1].upstream, "ctx:C");
    assert_eq!(
        m.relationships[4].upstream, "ctx:C",
        "Customer-Supplier: the right end supplies"
    );
    assert_eq!(m.relationships[5].name.as_deref(), Some("Named"));
    assert_eq!(
        m.relationships[5].kept.as_deref(),
        Some("implementationTechnology = \"REST\"")
    );
}

#[test]
fn attributes_types_and_unknown_names() {
    let imp = model(
        "BoundedContext X {\n Aggregate Orders {\n  Entity Order {\n   aggregateRoot\n   \
         String number key\n   int count\n   BigDecimal total\n   boolean paid nullable\n   \
         - List<Line> lines\n   - Status status\n   Mystery thing\n   def void pay();\n  }\n  \
         ValueObject Line { String sku }\n  enum Status { OPEN, DONE }\n }\n}\n",
    );
    let m = imp.model;
    let order = m.elements.iter().find(|e| e.name == "Order").unwrap();
    assert_eq!(order.kind, ElementKind::Entity);
    assert_eq!(order.kept.as_deref(), Some("   def void pay();"));
    let agg = m
        .elements
        .iter()
        .find(|e| e.kind == ElementKind::Aggregate)
        .unwrap();
    assert_eq!(agg.root.as_deref(), Some(order.id.as_str()));
    let attrs: Vec<_> = m.attributes_of(&order.id).collect();
    let types: Vec<_> = attrs.iter().map(|a| a.data_type).collect();
    use DataType::*;
    assert_eq!(
        types,
        [
            Text,
            Integer,
            Decimal,
            Boolean,
            Reference,
            Enumeration,
            Reference
        ]
    );
    assert!(attrs[0].identifier);
    assert_eq!(attrs[3].kept.as_deref(), Some("nullable"));
    assert!(attrs[4].list);
    assert_eq!(attrs[6].type_name.as_deref(), Some("Mystery"));
    assert!(attrs[6].target.is_none());
    assert_eq!(imp.warnings.len(), 1, "{:?}", imp.warnings);
    assert!(imp.warnings[0].message.contains("Mystery"));
    assert_eq!(imp.warnings[0].line, 11);
    let problems = model::domain::validate(&m);
    assert!(
        problems
            .iter()
            .any(|p| p.code == model::domain::DomainProblemCode::UnresolvedType)
    );
    // Round trip.
    let again = model(&export(&m)).model;
    assert_eq!(again, m, "{}", export(&m));
}

#[test]
fn syntax_errors_name_line_and_column() {
    let e = import(b"BoundedContext A {\n  Aggregate B {\n    Entity C {\n  }\n").unwrap_err();
    assert_eq!((e.line, e.column), (5, 1), "{e}");
    let e = import(b"ContextMap {\n  A ~> B\n}").unwrap_err();
    assert_eq!((e.line, e.column), (2, 5), "{e}");
    let e = import(b"BoundedContext A {\n \"open\n}").unwrap_err();
    assert_eq!((e.line, e.column), (2, 2), "{e}");
    let e = import(b"ContextMap {\n A [U,XX]->[D] B\n}").unwrap_err();
    assert_eq!((e.line, e.column), (2, 7), "{e}");
    assert!(e.message.contains("XX"));
}

#[test]
fn binary_and_invalid_utf8_are_refused() {
    let e = import(b"\x89PNG\r\n\x1a\n\0\0\0").unwrap_err();
    assert_eq!(e.line, 1, "{e}");
    let e = import(b"BoundedContext A\n// caf\xe9\n").unwrap_err();
    assert_eq!((e.line, e.column), (2, 7), "{e}");
    assert!(e.message.contains("UTF-8"));
    let e = import(b"BoundedContext A\nx\0").unwrap_err();
    assert_eq!((e.line, e.column), (2, 2), "{e}");
    assert!(e.message.contains("binary"));
}

#[test]
fn kept_parts_survive_export_and_import() {
    let src = "/* The file. */\nContextMap {\n type = SYSTEM_LANDSCAPE\n contains A\n}\n\
               /* Context A. */\nBoundedContext A implements S realizes A {\n type = FEATURE\n \
               responsibilities = \"x\", \"y\"\n Module m {\n  basePackage = a.b\n  Aggregate G\n }\n}\n\
               Domain D { domainVisionStatement = \"v\" Subdomain S { type = CORE_DOMAIN } }\n\
               UseCase U {\n actor = \"me\"\n}\nUserStory Z\n";
    let m = model(src).model;
    let out = export(&m);
    for part in [
        "The file.",
        "type = SYSTEM_LANDSCAPE",
        "Context A.",
        "implements S realizes A",
        "type = FEATURE",
        "responsibilities = \"x\", \"y\"",
        "basePackage = a.b",
        "Aggregate G",
        "domainVisionStatement = \"v\"",
        "UseCase U {\n actor = \"me\"\n}",
        "UserStory Z",
    ] {
        assert!(out.contains(part), "{part:?} missing from\n{out}");
    }
    assert!(
        out.contains("basePackage = a.b\n\t\tAggregate G {"),
        "the aggregate stays in its module:\n{out}"
    );
    assert_eq!(model(&out).model, m, "{out}");
}
