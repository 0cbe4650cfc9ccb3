//! A generated domain model of a chosen size, laid out for its canvases: for benchmarks
//! (`triloop gen-domain`, `bench_edit`, `bench_ddl`) and tests of large models.
//!
//! Per bounded context, `aggregates` aggregates, each a frame holding `entities` entity cards
//! (4 attributes: an identifier, an amount, a status enumeration, a reference to the previous
//! entity) and its status enumeration, with a command the aggregate handles and the event the
//! command emits below the frame. The contexts sit in rows on the context map, grouped into a
//! core, a supporting and a generic subdomain, each related to the one before it.

use crate::domain::{
    Attribute, BoundedContext, DataType, DomainElement, DomainModel, ElementKind, Relationship,
    RelationshipPattern, Subdomain, SubdomainKind,
};

/// The size of a generated model.
#[derive(Clone, Copy, Debug)]
pub struct Size {
    pub contexts: usize,
    pub aggregates: usize,
    pub entities: usize,
}

impl Size {
    /// About 10,000 records: 50 contexts, 8 aggregates each with 5 entities (2,000 entities,
    /// 8,000 attributes), 400 enumerations, 400 commands and 400 events.
    pub const TEN_THOUSAND: Size = Size {
        contexts: 50,
        aggregates: 8,
        entities: 5,
    };

    /// The size whose record count is about `n` (contexts, elements and attributes), at
    /// 50 contexts (fewer for small `n`) and 5 entities per aggregate.
    pub fn about(n: usize) -> Size {
        // Per aggregate: itself, 5 entities with 4 attributes, an enumeration, a command, an event.
        let per_aggregate = 1 + 5 * 5 + 3;
        let contexts = (n / (per_aggregate * 2)).clamp(1, 50);
        let aggregates =
            ((n as f64 / contexts as f64 / per_aggregate as f64).round() as usize).max(1);
        Size {
            contexts,
            aggregates,
            entities: 5,
        }
    }
}

const CARD_W: f64 = 180.0;
const CARD_H: f64 = 120.0;
const GAP: f64 = 20.0;
const FRAME_TOP: f64 = 50.0;

/// A generated model of `size` (names in Chinese, as a bank's workshop would write them).
pub fn generated(size: Size) -> DomainModel {
    let mut m = DomainModel::default();
    let kinds = [
        ("sd-core", "核心业务", SubdomainKind::Core),
        ("sd-supporting", "支撑业务", SubdomainKind::Supporting),
        ("sd-generic", "通用能力", SubdomainKind::Generic),
    ];
    for (id, name, kind) in kinds {
        m.subdomains.push(Subdomain {
            id: id.into(),
            name: name.into(),
            kind,
            domain: None,
            description: None,
            kept: None,
        });
    }
    let per_row = 10;
    // The first fifth core, the next two fifths supporting, the rest generic; each group starts
    // a row, with room between groups for the subdomain's name.
    let group_of = |c: usize| [0, 1, 1, 2, 2][(c * 5 / size.contexts.max(1)).min(4)];
    let (mut row, mut col, mut last_group) = (0usize, 0usize, 0usize);
    for c in 0..size.contexts {
        let group = group_of(c);
        if group != last_group || col == per_row {
            row += 1;
            col = 0;
            last_group = group;
        }
        let (k, r) = (col, row);
        col += 1;
        let ctx = format!("ctx{c}");
        m.contexts.push(BoundedContext {
            id: ctx.clone(),
            name: format!("上下文{c}"),
            subdomain: Some(kinds[group].0.into()),
            vision: Some(format!("上下文{c}的领域愿景")),
            x: k as f64 * 320.0,
            y: r as f64 * 230.0 + group as f64 * 90.0,
            w: 240.0,
            h: 150.0,
            kept: None,
        });
        if c > 0 {
            m.relationships.push(Relationship {
                id: format!("rel{c}"),
                pattern: RelationshipPattern::CustomerSupplier,
                upstream: format!("ctx{}", c - 1),
                downstream: ctx.clone(),
                upstream_roles: Vec::new(),
                downstream_roles: Vec::new(),
                name: None,
                kept: None,
            });
        }
        add_context_elements(&mut m, &ctx, size);
    }
    m
}

fn add_context_elements(m: &mut DomainModel, ctx: &str, size: Size) {
    let cols = 3;
    let rows = (size.entities + 1).div_ceil(cols);
    let frame_w = cols as f64 * (CARD_W + GAP) + GAP;
    let frame_h = FRAME_TOP + rows as f64 * (CARD_H + GAP);
    let cell_w = frame_w + 60.0;
    let cell_h = frame_h + 150.0;
    let mut previous: Option<String> = None;
    for a in 0..size.aggregates {
        let (fx, fy) = ((a % 4) as f64 * cell_w, (a / 4) as f64 * cell_h);
        let agg = format!("{ctx}/agg{a}");
        let mut ag = DomainElement::new(
            &agg,
            ctx,
            ElementKind::Aggregate,
            format!("聚合{a}"),
            fx,
            fy,
        );
        ag.w = frame_w;
        ag.h = frame_h;
        ag.root = Some(format!("{agg}/e0"));
        ag.invariants = vec!["金额不能为负".into()];
        m.elements.push(ag);
        let slot = |i: usize| {
            (
                fx + GAP + (i % cols) as f64 * (CARD_W + GAP),
                fy + FRAME_TOP + (i / cols) as f64 * (CARD_H + GAP),
            )
        };
        let en = format!("{agg}/status");
        let (x, y) = slot(size.entities);
        let mut e =
            DomainElement::new(&en, ctx, ElementKind::Enumeration, format!("状态{a}"), x, y);
        e.aggregate = Some(agg.clone());
        e.values = vec!["OPEN".into(), "CLOSED".into(), "ARCHIVED".into()];
        e.w = CARD_W;
        e.h = CARD_H;
        m.elements.push(e);
        for i in 0..size.entities {
            let id = format!("{agg}/e{i}");
            let (x, y) = slot(i);
            let mut e =
                DomainElement::new(&id, ctx, ElementKind::Entity, format!("实体{a}-{i}"), x, y);
            e.aggregate = Some(agg.clone());
            e.w = CARD_W;
            e.h = CARD_H;
            m.elements.push(e);
            let mut code = Attribute::new(format!("{id}/code"), &id, "编号", DataType::Text, 0.0);
            code.identifier = true;
            code.required = true;
            m.attributes.push(code);
            m.attributes.push(Attribute::new(
                format!("{id}/n"),
                &id,
                "金额",
                DataType::Money,
                1.0,
            ));
            let mut st =
                Attribute::new(format!("{id}/st"), &id, "状态", DataType::Enumeration, 2.0);
            st.target = Some(en.clone());
            m.attributes.push(st);
            if let Some(p) = &previous {
                let mut r =
                    Attribute::new(format!("{id}/r"), &id, "上一个", DataType::Reference, 3.0);
                r.target = Some(p.clone());
                m.attributes.push(r);
            } else {
                m.attributes.push(Attribute::new(
                    format!("{id}/r"),
                    &id,
                    "备注",
                    DataType::Text,
                    3.0,
                ));
            }
            previous = Some(id);
        }
        let cmd = format!("{agg}/cmd");
        let evt = format!("{agg}/evt");
        let mut k = DomainElement::new(
            &cmd,
            ctx,
            ElementKind::Command,
            format!("提交{a}"),
            fx,
            fy + frame_h + 30.0,
        );
        k.handled_by = Some(agg.clone());
        k.emits = vec![evt.clone()];
        m.elements.push(k);
        m.elements.push(DomainElement::new(
            &evt,
            ctx,
            ElementKind::DomainEvent,
            format!("已提交{a}"),
            fx + 180.0,
            fy + frame_h + 30.0,
        ));
    }
}

/// Contexts, elements and attributes: the records a generated model holds (subdomains and relationships aside).
pub fn record_count(m: &DomainModel) -> usize {
    m.contexts.len() + m.elements.len() + m.attributes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_thousand_is_about_ten_thousand_and_valid() {
        let m = generated(Size::TEN_THOUSAND);
        let n = record_count(&m);
        assert!((10_000..13_000).contains(&n), "{n} records");
        assert_eq!(m.contexts.len(), 50);
        let problems = crate::domain::validate(&m);
        assert!(
            problems.is_empty(),
            "{:?}",
            &problems[..problems.len().min(5)]
        );
        // Contexts do not overlap on the map.
        for (i, a) in m.contexts.iter().enumerate() {
            for b in &m.contexts[i + 1..] {
                let apart =
                    a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
                assert!(apart, "{} and {} overlap", a.id, b.id);
            }
        }
    }

    #[test]
    fn about_scales_with_n() {
        let small = record_count(&generated(Size::about(1_000)));
        let large = record_count(&generated(Size::about(10_000)));
        assert!((700..1_400).contains(&small), "{small}");
        assert!((8_000..13_000).contains(&large), "{large}");
    }
}
