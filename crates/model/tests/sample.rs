//! Sample data generated from a domain model: deterministic per seed, values that fit each
//! attribute's type and name, references to rows that exist.

use std::path::Path;

use model::domain::{DataType, DomainModel, ElementKind};
use model::sample::{self, SampleTable, SampleValue};

fn demo() -> DomainModel {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../assets/demo/documents/03-domainModel.json"),
    )
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn table<'a>(tables: &'a [SampleTable], entity: &str) -> &'a SampleTable {
    tables.iter().find(|t| t.entity == entity).unwrap()
}

fn text(v: &SampleValue) -> &str {
    match v {
        SampleValue::Text(s) => s,
        other => panic!("not text: {other:?}"),
    }
}

#[test]
fn the_same_seed_gives_the_same_rows_and_another_seed_others() {
    let m = demo();
    let a = sample::generate("dm", &m, 8, 42);
    let b = sample::generate("dm", &m, 8, 42);
    assert_eq!(a, b);
    let c = sample::generate("dm", &m, 8, 43);
    assert_ne!(a, c);
    // One table per entity, each with the rows asked for, ids stable.
    let entities = m
        .elements
        .iter()
        .filter(|e| e.kind == ElementKind::Entity)
        .count();
    assert_eq!(a.len(), entities);
    assert!(a.iter().all(|t| t.rows.len() == 8 && t.document == "dm"));
    assert_eq!(table(&a, "ent_customer").rows[2].id, "ent_customer#3");
    // Adding an entity changes no other entity's rows.
    let mut more = m.clone();
    let mut e = more
        .elements
        .iter()
        .find(|e| e.id == "ent_tag")
        .unwrap()
        .clone();
    e.id = "ent_new".into();
    more.elements.push(e);
    let d = sample::generate("dm", &more, 8, 42);
    assert_eq!(table(&d, "ent_customer"), table(&a, "ent_customer"));
}

#[test]
fn values_fit_their_attributes_types_and_names() {
    let m = demo();
    let tables = sample::generate("dm", &m, 20, 7);
    let customers = table(&tables, "ent_customer");
    let tags = table(&tables, "ent_tag");
    for row in &customers.rows {
        // Identifiers are unique per row.
        let id = text(&row.values["a_cust_id"]);
        assert!(id.ends_with(&format!(
            "{:06}",
            100_000 + row.id[13..].parse::<usize>().unwrap()
        )));
        // A Chinese name: two to three CJK characters.
        let name = text(&row.values["a_cust_name"]);
        let n = name.chars().count();
        assert!(
            (2..=3).contains(&n) && name.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{name}"
        );
        // Required enumeration: one of its values.
        let auth = text(&row.values["a_cust_auth"]);
        assert!(
            ["未认证", "认证中", "已认证", "认证失败"].contains(&auth),
            "{auth}"
        );
        // A mobile number, when present: 1[3-9] and nine digits.
        if let Some(v) = row.values.get("a_cust_mobile") {
            let s = text(v);
            let b = s.as_bytes();
            assert!(
                s.len() == 11
                    && b[0] == b'1'
                    && (b'3'..=b'9').contains(&b[1])
                    && s.bytes().all(|c| c.is_ascii_digit()),
                "{s}"
            );
        }
        // An ID-card number with a valid check digit.
        if let Some(v) = row.values.get("a_cust_idno") {
            let s = text(v);
            assert_eq!(s.len(), 18, "{s}");
            let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
            let sum: u32 = s[..17]
                .chars()
                .zip(w)
                .map(|(c, w)| c.to_digit(10).unwrap() * w)
                .sum();
            assert_eq!(
                s.chars().last().unwrap(),
                ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize]
            );
        }
        // A value object is nested in place with its own attributes.
        if let Some(SampleValue::Object(addr)) = row.values.get("a_cust_addr") {
            assert!(addr.keys().all(|k| k.starts_with("a_addr_")));
        }
        // A list of references to rows of the tag entity that exist.
        if let Some(v) = row.values.get("a_cust_tags") {
            let SampleValue::List(items) = v else {
                panic!("not a list: {v:?}")
            };
            assert!(!items.is_empty());
            for t in items {
                assert!(tags.rows.iter().any(|r| r.id == text(t)), "{t:?}");
            }
        }
    }
    // Different people get different names (20 rows, not all one name).
    let names: std::collections::BTreeSet<&str> = customers
        .rows
        .iter()
        .map(|r| text(&r.values["a_cust_name"]))
        .collect();
    assert!(names.len() > 5);
    // Tags are named like tags, not "标签 3".
    assert!(
        tags.rows
            .iter()
            .all(|r| !text(&r.values["a_tag_name"]).starts_with("标签"))
    );
    // Money, dates and date-times.
    for row in &table(&tables, "ent_txn").rows {
        let SampleValue::Number(amount) = row.values["a_txn_amount"] else {
            panic!()
        };
        assert!(
            amount >= 100.0 && ((amount * 100.0).round() - amount * 100.0).abs() < 1e-6,
            "{amount}"
        );
        let t = text(&row.values["a_txn_time"]);
        assert_eq!(t.len(), 19, "{t}");
        assert_eq!(&t[4..5], "-");
        assert_eq!(&t[10..11], "T");
        let cust = text(&row.values["a_txn_cust"]);
        assert!(customers.rows.iter().any(|r| r.id == cust));
    }
    for row in &table(&tables, "ent_campaign").rows {
        if let Some(v) = row.values.get("a_camp_start") {
            let d = text(v);
            let (y, rest) = d.split_at(4);
            let month: u32 = rest[1..3].parse().unwrap();
            let day: u32 = rest[4..6].parse().unwrap();
            assert!(
                y == "2026" && (1..=12).contains(&month) && (1..=31).contains(&day),
                "{d}"
            );
        }
    }
    // Every required attribute of every entity has a value in every row.
    for t in &tables {
        for a in m
            .attributes_of(&t.entity)
            .filter(|a| a.required && a.data_type != DataType::Reference)
        {
            assert!(
                t.rows.iter().all(|r| r.values.contains_key(&a.id)),
                "{} {}",
                t.entity,
                a.name
            );
        }
    }
}

#[test]
fn english_attribute_names_get_english_values() {
    let mut m = demo();
    for a in m.attributes.iter_mut().filter(|a| a.id == "a_mem_name") {
        a.name = "name".into();
    }
    for e in m.elements.iter_mut().filter(|e| e.id == "ent_member") {
        e.name = "Member".into();
    }
    let tables = sample::generate("dm", &m, 5, 1);
    for row in &table(&tables, "ent_member").rows {
        let name = text(&row.values["a_mem_name"]);
        let parts: Vec<&str> = name.split(' ').collect();
        assert!(
            parts.len() == 2
                && parts
                    .iter()
                    .all(|p| p.chars().all(|c| c.is_ascii_alphabetic())),
            "{name}"
        );
    }
}
