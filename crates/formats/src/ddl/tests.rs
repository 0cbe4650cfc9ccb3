//! Small models and what they derive.

use model::domain::{ColumnOverride, DomainModel};

use super::*;
use crate::cml;

fn model(src: &str) -> DomainModel {
    cml::import(src.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"))
        .model
}

const ORDERS: &str = "BoundedContext Sales {\n Aggregate Orders {\n  Entity Order {\n   aggregateRoot\n   \
    String number key\n   int count required\n   - Address shipTo\n   - List<Line> lines\n   \
    - Status status\n   - Customer buyer\n   List<String> tags\n  }\n  \
    ValueObject Address { String street\n String city }\n  ValueObject Line { String sku\n int quantity }\n  \
    enum Status { OPEN, DONE }\n  Entity Customer { String name }\n }\n}\n";

fn table<'a>(d: &'a DataModel, name: &str) -> &'a Table {
    d.schemas
        .iter()
        .flat_map(|s| &s.tables)
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no table {name} in {d:#?}"))
}

fn names(t: &Table) -> Vec<&str> {
    t.columns.iter().map(|c| c.name.as_str()).collect()
}

#[test]
fn tables_columns_and_keys() {
    let d = derive(&model(ORDERS));
    assert_eq!(d.schemas.len(), 1);
    assert_eq!(d.schemas[0].name, "sales");
    let order = table(&d, "order");
    assert_eq!(
        names(order),
        [
            "number",
            "count",
            "ship_to_street",
            "ship_to_city",
            "status",
            "buyer_id"
        ]
    );
    assert_eq!(order.primary_key, ["number"]);
    assert!(!order.columns[1].nullable, "required");
    assert!(order.columns[2].nullable);
    assert_eq!(order.checks[0].values, ["OPEN", "DONE"]);
    assert_eq!(order.foreign_keys[0].table, "customer");
    assert_eq!(order.foreign_keys[0].references, ["id"]);
    assert_eq!(order.indexes[0].columns, ["buyer_id"]);
    let customer = table(&d, "customer");
    assert_eq!(names(customer), ["id", "name"]);
    assert!(customer.columns[0].generated);
    let lines = table(&d, "order_lines");
    assert_eq!(
        names(lines),
        ["order_number", "position", "sku", "quantity"]
    );
    assert_eq!(lines.primary_key, ["order_number", "position"]);
    assert!(lines.foreign_keys[0].cascade);
    let tags = table(&d, "order_tags");
    assert_eq!(names(tags), ["order_number", "position", "value"]);
}

#[test]
fn overrides_survive_renames_and_rederivation() {
    let mut m = model(ORDERS);
    let order = m
        .elements
        .iter()
        .find(|e| e.name == "Order")
        .unwrap()
        .id
        .clone();
    let city = m
        .attributes
        .iter()
        .find(|a| a.name == "city")
        .unwrap()
        .id
        .clone();
    let ship = m
        .attributes
        .iter()
        .find(|a| a.name == "shipTo")
        .unwrap()
        .id
        .clone();
    let buyer = m
        .attributes
        .iter()
        .find(|a| a.name == "buyer")
        .unwrap()
        .id
        .clone();
    let d = derive(&m);
    let t = table(&d, "order");
    let city_key = t
        .columns
        .iter()
        .find(|c| c.name == "ship_to_city")
        .unwrap()
        .key
        .clone();
    assert_eq!(city_key, format!("c:{ship}/{city}"));
    m.overrides = vec![
        ColumnOverride {
            id: "o1".into(),
            table: t.key.clone(),
            column: None,
            name: Some("orders".into()),
            sql_type: None,
            length: None,
            index: None,
        },
        ColumnOverride {
            id: "o2".into(),
            table: t.key.clone(),
            column: Some(city_key),
            name: Some("town".into()),
            sql_type: Some("varchar".into()),
            length: Some(80),
            index: Some(true),
        },
        ColumnOverride {
            id: "o3".into(),
            table: t.key.clone(),
            column: Some(format!("c:{buyer}")),
            name: None,
            sql_type: None,
            length: None,
            index: Some(false),
        },
    ];
    // The model changes: the entity and the attribute are renamed, an attribute is added.
    for e in &mut m.elements {
        if e.id == order {
            e.name = "PurchaseOrder".into();
        }
    }
    for a in &mut m.attributes {
        if a.id == city {
            a.name = "locality".into();
        }
    }
    let d = derive(&m);
    let t = table(&d, "orders");
    let town = t.columns.iter().find(|c| c.name == "town").unwrap();
    assert_eq!(town.length, Some(80));
    assert_eq!(
        t.indexes
            .iter()
            .map(|i| i.columns.clone())
            .collect::<Vec<_>>(),
        [vec!["town".to_string()]],
        "the buyer's index is off, the town's on"
    );
    // Other tables refer to the renamed one.
    assert_eq!(
        table(&d, "purchase_order_lines").foreign_keys[0].table,
        "orders"
    );
}

#[test]
fn snake_case_names() {
    assert_eq!(snake("CargoBookingContext"), "cargo_booking_context");
    assert_eq!(snake("HTTPServer"), "http_server");
    assert_eq!(snake("customer id"), "customer_id");
    assert_eq!(snake("客户 信息"), "客户_信息");
    assert_eq!(snake("Leg2Stop"), "leg2_stop");
    assert_eq!(snake("--"), "x");
}

#[test]
fn long_names_are_cut_with_a_hash() {
    let long = "客户".repeat(30);
    let a = names::fit(&format!("{long}a"), 63);
    let b = names::fit(&format!("{long}b"), 63);
    assert!(a.len() <= 63 && b.len() <= 63);
    assert_ne!(a, b);
}

#[test]
fn every_dialect_writes_every_table() {
    let d = derive(&model(ORDERS));
    for dialect in Dialect::ALL {
        let sql = to_sql(&d, dialect);
        assert_eq!(sql.matches("CREATE TABLE").count(), 4, "{sql}");
        assert!(sql.contains("IN ('OPEN', 'DONE')"), "{sql}");
        match dialect {
            Dialect::Postgres => assert!(sql.contains("\"sales\".\"order\"")),
            Dialect::Mysql => assert!(sql.contains("`sales`.`order`")),
            Dialect::Sqlite => assert!(sql.contains("\"sales__order\"")),
            Dialect::Oracle => assert!(sql.contains("\"SALES__ORDER\"")),
        }
    }
}
