//! Derivation and DDL times for a generated domain model of about 10,000 elements: 50
//! bounded contexts, 400 aggregates, 2,000 entities with 4 attributes each (text, number,
//! an enumeration, a reference to the previous entity of the context), 400 enumerations.
//!
//!     cargo run --release -p formats --example bench_ddl

use std::time::{Duration, Instant};

use formats::ddl::{Dialect, derive, to_sql};
use model::domain::{Attribute, BoundedContext, DataType, DomainElement, DomainModel, ElementKind};

fn generated() -> DomainModel {
    let mut m = DomainModel::default();
    for c in 0..50 {
        let ctx = format!("ctx{c}");
        m.contexts.push(BoundedContext {
            id: ctx.clone(),
            name: format!("Context{c}"),
            subdomain: None,
            vision: None,
            x: 0.0,
            y: 0.0,
            w: 240.0,
            h: 140.0,
            kept: None,
        });
        let mut previous: Option<String> = None;
        for a in 0..8 {
            let agg = format!("{ctx}/agg{a}");
            let en = format!("{agg}/status");
            let mut e = DomainElement::new(&en, &ctx, ElementKind::Enumeration, "Status", 0.0, 0.0);
            e.aggregate = Some(agg.clone());
            e.values = vec!["OPEN".into(), "CLOSED".into(), "ARCHIVED".into()];
            let mut ag = DomainElement::new(
                &agg,
                &ctx,
                ElementKind::Aggregate,
                format!("Aggregate{a}"),
                0.0,
                0.0,
            );
            ag.root = Some(format!("{agg}/e0"));
            m.elements.push(ag);
            m.elements.push(e);
            for i in 0..5 {
                let id = format!("{agg}/e{i}");
                let mut e = DomainElement::new(
                    &id,
                    &ctx,
                    ElementKind::Entity,
                    format!("Entity{a}x{i}"),
                    0.0,
                    0.0,
                );
                e.aggregate = Some(agg.clone());
                m.elements.push(e);
                let mut code =
                    Attribute::new(format!("{id}/code"), &id, "code", DataType::Text, 0.0);
                code.identifier = true;
                m.attributes.push(code);
                m.attributes.push(Attribute::new(
                    format!("{id}/n"),
                    &id,
                    "amount",
                    DataType::Decimal,
                    1.0,
                ));
                let mut st = Attribute::new(
                    format!("{id}/st"),
                    &id,
                    "status",
                    DataType::Enumeration,
                    2.0,
                );
                st.target = Some(en.clone());
                m.attributes.push(st);
                let mut r =
                    Attribute::new(format!("{id}/r"), &id, "previous", DataType::Reference, 3.0);
                r.target = previous.clone();
                r.type_name = previous.is_none().then(|| "Nothing".to_string());
                m.attributes.push(r);
                previous = Some(id);
            }
        }
    }
    DomainModel::from_records(m.into_records())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let m = generated();
    let elements = m.contexts.len() + m.elements.len() + m.attributes.len();
    let runs = 11;
    let mut derives = Vec::new();
    let mut data = derive(&m);
    for _ in 0..runs {
        let t = Instant::now();
        data = derive(&m);
        derives.push(t.elapsed());
    }
    let tables: usize = data.schemas.iter().map(|s| s.tables.len()).sum();
    let derive_time = median(derives);
    println!(
        "derive: {elements} elements ({} contexts, {} entities, {} attributes) -> {tables} tables: {:.1} ms (median of {runs})",
        m.contexts.len(),
        m.elements
            .iter()
            .filter(|e| e.kind == ElementKind::Entity)
            .count(),
        m.attributes.len(),
        derive_time.as_secs_f64() * 1e3
    );
    for d in Dialect::ALL {
        let mut times = Vec::new();
        let mut len = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let sql = to_sql(&data, d);
            times.push(t.elapsed());
            len = sql.len();
        }
        println!(
            "to_sql {}: {} KiB in {:.1} ms; derive + to_sql {:.1} ms",
            d.as_str(),
            len / 1024,
            median(times.clone()).as_secs_f64() * 1e3,
            (derive_time + median(times)).as_secs_f64() * 1e3
        );
    }
}
