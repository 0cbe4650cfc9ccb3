//! Derivation and DDL times for a generated domain model of about 10,000 elements
//! (`model::domain_gen::Size::TEN_THOUSAND`: 50 bounded contexts, 400 aggregates, 2,000
//! entities with 4 attributes each, 400 enumerations, commands and events).
//!
//!     cargo run --release -p formats --example bench_ddl

use std::time::{Duration, Instant};

use formats::ddl::{Dialect, derive, to_sql};
use model::domain::{DomainModel, ElementKind};

fn generated() -> DomainModel {
    model::domain_gen::generated(model::domain_gen::Size::TEN_THOUSAND)
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
