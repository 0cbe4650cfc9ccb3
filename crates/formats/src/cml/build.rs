//! Declarations into records: stable ids from names, types resolved against the file's
//! enums and domain objects, a grid layout, and the extras that keep what has no record.

use std::collections::{HashMap, HashSet};

use model::domain::{
    Attribute, BoundedContext, DataType, DomainElement, DomainModel, ElementKind, Extra,
    Relationship, Subdomain, SubdomainKind,
};

use super::CmlWarning;
use super::parser::{File, ObjectDecl, Pos};

/// Extra keys (what an [`Extra`] holds, for the exporter).
pub(crate) const TOP_COMMENT: &str = "cml:topComment";
pub(crate) const CONTEXT_MAP: &str = "cml:contextMap";
pub(crate) const CONTAINS: &str = "cml:contains";
pub(crate) const COMMENT: &str = "cml:comment";
pub(crate) const HEADER: &str = "cml:header";
pub(crate) const APPLICATION: &str = "cml:application";
pub(crate) const DOMAIN: &str = "cml:domain";
pub(crate) const MODULE: &str = "cml:module";
pub(crate) const MODULE_MEMBERS: &str = "cml:moduleMembers";
pub(crate) const BLOCK: &str = "cml:block";

/// The id of the extra of `key` that belongs to record `id` (a comment, a header, an
/// Application).
pub(crate) fn extra_id(key: &str, id: &str) -> String {
    format!("{}:{id}", key.trim_start_matches("cml:"))
}

/// The size of a bounded context on the context map and the grid it is laid out in.
pub(crate) const CONTEXT_W: f64 = 240.0;
pub(crate) const CONTEXT_H: f64 = 140.0;
const CONTEXT_STEP_X: f64 = 420.0;
const CONTEXT_STEP_Y: f64 = 300.0;
/// Members of an aggregate: two columns of cells inside it.
const CELL_W: f64 = 200.0;
const CELL_H: f64 = 140.0;

struct Ids(HashSet<String>);

impl Ids {
    /// `base`, or `base~2`, `base~3`, … when taken.
    fn unique(&mut self, base: String) -> String {
        if self.0.insert(base.clone()) {
            return base;
        }
        (2..)
            .map(|n| format!("{base}~{n}"))
            .find(|c| self.0.insert(c.clone()))
            .unwrap_or(base)
    }
}

fn joined(items: Vec<String>) -> Option<String> {
    (!items.is_empty()).then(|| items.join("\n"))
}

fn warn(warnings: &mut Vec<CmlWarning>, p: Pos, message: String) {
    warnings.push(CmlWarning {
        line: p.line,
        column: p.column,
        message,
    });
}

/// Triloop's type for a CML primitive type name.
pub(crate) fn primitive(name: &str) -> Option<DataType> {
    Some(match name {
        "String" | "string" | "Text" | "char" | "Character" => DataType::Text,
        "int" | "Integer" | "long" | "Long" | "short" | "Short" | "byte" | "Byte"
        | "BigInteger" => DataType::Integer,
        "double" | "Double" | "float" | "Float" | "BigDecimal" => DataType::Decimal,
        "Date" | "LocalDate" => DataType::Date,
        "DateTime" | "Timestamp" | "LocalDateTime" | "ZonedDateTime" | "Instant" => {
            DataType::DateTime
        }
        "boolean" | "Boolean" => DataType::Boolean,
        _ => return None,
    })
}

/// An object declared in the file, for resolving attribute types by name.
struct Declared {
    id: String,
    kind: ElementKind,
    context: String,
}

pub(crate) fn build(f: File, warnings: &mut Vec<CmlWarning>) -> DomainModel {
    let mut m = DomainModel::default();
    let mut ids = Ids(HashSet::new());
    let mut extra_order = 0.0;
    let mut extra = |m: &mut DomainModel, id: String, key: &str, source: String| {
        m.extras.push(Extra {
            id,
            key: key.to_string(),
            source,
            order: extra_order,
        });
        extra_order += 1.0;
    };

    if let Some(c) = f.top_comment {
        extra(&mut m, "topComment".into(), TOP_COMMENT, c);
    }

    // Subdomains first: contexts name them.
    let mut subdomain_ids: HashMap<String, String> = HashMap::new();
    let domain_names: HashSet<String> = f.domains.iter().map(|d| d.name.clone()).collect();
    // A domain declared twice is one domain (its record is keyed by name): its parts are
    // merged in file order, so that the export writes it once.
    let mut domains: Vec<super::parser::DomainDecl> = Vec::new();
    for d in f.domains {
        match domains.iter_mut().find(|e| e.name == d.name) {
            Some(e) => {
                e.kept.extend(d.kept);
                e.subdomains.extend(d.subdomains);
            }
            None => domains.push(d),
        }
    }
    for d in domains {
        let mut source = format!("Domain {}", d.name);
        if !d.kept.is_empty() {
            source.push('\n');
            source.push_str(&d.kept.join("\n"));
        }
        extra(&mut m, extra_id(DOMAIN, &d.name), DOMAIN, source);
        for s in d.subdomains {
            let id = ids.unique(format!("sub:{}", s.name));
            subdomain_ids.entry(s.name.clone()).or_insert(id.clone());
            let kind = s.kind.unwrap_or_else(|| {
                warn(
                    warnings,
                    s.pos,
                    format!(
                        "subdomain {} has no type; imported as a generic subdomain",
                        s.name
                    ),
                );
                SubdomainKind::Generic
            });
            if let Some(h) = s.header {
                extra(&mut m, extra_id(HEADER, &id), HEADER, h);
            }
            m.subdomains.push(Subdomain {
                id,
                name: s.name,
                kind,
                domain: Some(d.name.clone()),
                description: s.vision,
                kept: joined(s.kept),
            });
        }
    }

    // Contexts, on a grid.
    let cols = (f.contexts.len() as f64).sqrt().ceil().max(1.0) as usize;
    let mut context_ids: HashMap<String, String> = HashMap::new();
    // Each context's own id, in file order (a name defined twice has two ids).
    let mut context_order: Vec<String> = Vec::new();
    for (i, c) in f.contexts.iter().enumerate() {
        let id = ids.unique(format!("ctx:{}", c.name));
        context_order.push(id.clone());
        if context_ids.insert(c.name.clone(), id.clone()).is_some() {
            warn(
                warnings,
                c.pos,
                format!("bounded context {} is defined twice", c.name),
            );
        }
        let subdomain = c.implements.as_ref().and_then(|(n, p)| {
            let found = subdomain_ids.get(n).cloned();
            if found.is_none() && !domain_names.contains(n) {
                warn(
                    warnings,
                    *p,
                    format!(
                        "bounded context {} implements {n}, which this file does not define",
                        c.name
                    ),
                );
            }
            found
        });
        // A header naming what the file does not define as a subdomain is kept as written.
        let header = c.header.clone().or_else(|| {
            c.implements
                .as_ref()
                .filter(|_| subdomain.is_none())
                .map(|(n, _)| format!("implements {n}"))
        });
        if let Some(h) = header {
            extra(&mut m, extra_id(HEADER, &id), HEADER, h);
        }
        if let Some(text) = &c.comment {
            extra(&mut m, extra_id(COMMENT, &id), COMMENT, text.clone());
        }
        m.contexts.push(BoundedContext {
            id,
            name: c.name.clone(),
            subdomain,
            vision: c.vision.clone(),
            x: 40.0 + (i % cols) as f64 * CONTEXT_STEP_X,
            y: 40.0 + (i / cols) as f64 * CONTEXT_STEP_Y,
            w: CONTEXT_W,
            h: CONTEXT_H,
            kept: joined(c.kept.clone()),
        });
    }

    // Every domain object, by name, for resolving types.
    let mut declared: HashMap<String, Vec<Declared>> = HashMap::new();
    // Element ids in declaration order (the order of objects in `f`).
    let mut object_ids: Vec<String> = Vec::new();
    for (ci, c) in f.contexts.iter().enumerate() {
        let ctx = &context_order[ci];
        // Aggregates of modules first (the exporter writes modules before the others).
        let objects = c
            .modules
            .iter()
            .flat_map(|m| m.aggregates.iter())
            .chain(c.aggregates.iter())
            .flat_map(|a| a.objects.iter())
            .chain(c.application.iter().flat_map(|a| a.objects.iter()));
        for o in objects {
            let id = ids.unique(format!("{}:{}/{}", o.kind.as_str(), c.name, o.name));
            object_ids.push(id.clone());
            declared.entry(o.name.clone()).or_default().push(Declared {
                id,
                kind: o.kind,
                context: ctx.clone(),
            });
        }
    }

    let mut next_object = object_ids.into_iter();
    let mut attributes = Vec::new();
    for (ci, c) in f.contexts.into_iter().enumerate() {
        let ctx = context_order[ci].clone();
        let mut y = 40.0;
        let mut row_h: f64 = 0.0;
        let mut module_of = Vec::new();
        let mut all = Vec::new();
        for (i, module) in c.modules.into_iter().enumerate() {
            // A module declared twice in a context keeps both (its record is keyed by name).
            let key = ids.unique(format!("module:{ctx}/{}", module.name));
            let key = key.trim_start_matches("module:");
            extra(&mut m, extra_id(MODULE, &key), MODULE, module.text);
            module_of.extend(std::iter::repeat_n(Some(i), module.aggregates.len()));
            all.extend(module.aggregates);
        }
        module_of.extend(std::iter::repeat_n(None, c.aggregates.len()));
        all.extend(c.aggregates);
        let mut module_members: Vec<Vec<String>> = Vec::new();
        for (k, a) in all.into_iter().enumerate() {
            let agg_id = ids.unique(format!("agg:{}/{}", c.name, a.name));
            if let Some(i) = module_of[k] {
                module_members.resize(module_members.len().max(i + 1), Vec::new());
                module_members[i].push(agg_id.clone());
            }
            let rows = a.objects.len().div_ceil(2).max(1);
            let (w, h) = (2.0 * CELL_W + 40.0, 60.0 + rows as f64 * CELL_H);
            let x = 40.0 + (k % 2) as f64 * (w + 40.0);
            if k % 2 == 0 && k > 0 {
                y += row_h + 40.0;
                row_h = 0.0;
            }
            row_h = row_h.max(h);
            let mut agg = DomainElement::new(&agg_id, &ctx, ElementKind::Aggregate, &a.name, x, y);
            agg.w = w;
            agg.h = h;
            agg.description = a.comment;
            agg.kept = joined(a.kept);
            let mut roots = Vec::new();
            let mut members = Vec::new();
            for (i, o) in a.objects.into_iter().enumerate() {
                let id = next_object.next().unwrap_or_default();
                let (ox, oy) = (
                    x + 20.0 + (i % 2) as f64 * CELL_W,
                    y + 50.0 + (i / 2) as f64 * CELL_H,
                );
                if o.root {
                    roots.push((id.clone(), o.pos, o.name.clone()));
                }
                let e = element(
                    o,
                    &id,
                    &ctx,
                    Some(&agg_id),
                    (ox, oy),
                    &declared,
                    &mut attributes,
                    &mut m,
                    warnings,
                );
                members.push(e);
            }
            if roots.len() > 1 {
                warn(
                    warnings,
                    roots[1].1,
                    format!(
                        "aggregate {} has more than one aggregateRoot; {} is its root",
                        a.name, roots[0].2
                    ),
                );
            }
            agg.root = roots.first().map(|r| r.0.clone());
            m.elements.push(agg);
            m.elements.extend(members);
        }
        // Which aggregates each module holds, by id (after the modules, in their order).
        let modules: Vec<String> = m
            .extras
            .iter()
            .filter(|e| e.key == MODULE && e.id.starts_with(&format!("module:{ctx}/")))
            .map(|e| e.id.clone())
            .collect();
        for (i, module) in modules.into_iter().enumerate() {
            let list = module_members
                .get(i)
                .cloned()
                .unwrap_or_default()
                .join("\n");
            extra(
                &mut m,
                extra_id(MODULE_MEMBERS, &module),
                MODULE_MEMBERS,
                list,
            );
        }
        if let Some(app) = c.application {
            let base_y = y + row_h + 80.0;
            for (i, o) in app.objects.into_iter().enumerate() {
                let id = next_object.next().unwrap_or_default();
                let pos = (
                    40.0 + (i % 4) as f64 * 160.0,
                    base_y + (i / 4) as f64 * 100.0,
                );
                let e = element(
                    o,
                    &id,
                    &ctx,
                    None,
                    pos,
                    &declared,
                    &mut attributes,
                    &mut m,
                    warnings,
                );
                m.elements.push(e);
            }
            extra(
                &mut m,
                extra_id(APPLICATION, &ctx),
                APPLICATION,
                app.kept.join("\n"),
            );
        }
    }
    m.attributes = attributes;

    // The context map.
    if let Some(map) = f.map {
        let mut source = map.header.clone();
        for k in &map.kept {
            source.push('\n');
            source.push_str(k);
        }
        let mut contained = Vec::new();
        let mut unknown_contains = Vec::new();
        for (name, p) in &map.contains {
            match context_ids.get(name) {
                Some(id) => contained.push(id.clone()),
                None => {
                    warn(
                        warnings,
                        *p,
                        format!("the context map contains {name}, which this file does not define"),
                    );
                    unknown_contains.push(name.clone());
                }
            }
        }
        if !unknown_contains.is_empty() {
            source.push_str(&format!("\ncontains {}", unknown_contains.join(", ")));
        }
        let mut rel_ids = Ids(HashSet::new());
        for r in map.relationships {
            let (Some(up), Some(down)) =
                (context_ids.get(&r.upstream), context_ids.get(&r.downstream))
            else {
                let missing = [&r.upstream, &r.downstream]
                    .into_iter()
                    .filter(|n| !context_ids.contains_key(*n))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" and ");
                warn(
                    warnings,
                    r.pos,
                    format!(
                        "a relationship names {missing}, which this file does not define; it is kept as written"
                    ),
                );
                source.push('\n');
                source.push_str(&r.text);
                continue;
            };
            if up == down {
                warn(
                    warnings,
                    r.pos,
                    format!(
                        "a relationship connects {} to itself; it is kept as written",
                        r.upstream
                    ),
                );
                source.push('\n');
                source.push_str(&r.text);
                continue;
            }
            m.relationships.push(Relationship {
                id: rel_ids.unique(format!("rel:{}/{}", r.upstream, r.downstream)),
                pattern: r.pattern,
                upstream: up.clone(),
                downstream: down.clone(),
                upstream_roles: r.upstream_roles,
                downstream_roles: r.downstream_roles,
                name: r.name,
                kept: joined(r.kept),
            });
        }
        // The ends of relationships are on the map too (the exporter names them in
        // `contains`, as Context Mapper wants).
        for r in &m.relationships {
            for end in [&r.upstream, &r.downstream] {
                if !contained.contains(end) {
                    contained.push(end.clone());
                }
            }
        }
        extra(&mut m, "contextMap".into(), CONTEXT_MAP, source);
        extra(&mut m, "contains".into(), CONTAINS, contained.join("\n"));
    }

    for block in f.others {
        let n = m.extras.len();
        extra(&mut m, format!("block:{n}"), BLOCK, block);
    }
    DomainModel::from_records(m.into_records())
}

/// One domain object as an element, with its attributes (pushed to `attributes`) and its
/// header kept as an extra.
#[allow(clippy::too_many_arguments)]
fn element(
    o: ObjectDecl,
    id: &str,
    ctx: &str,
    aggregate: Option<&str>,
    (x, y): (f64, f64),
    declared: &HashMap<String, Vec<Declared>>,
    attributes: &mut Vec<Attribute>,
    m: &mut DomainModel,
    warnings: &mut Vec<CmlWarning>,
) -> DomainElement {
    let mut e = DomainElement::new(id, ctx, o.kind, &o.name, x, y);
    e.aggregate = aggregate.map(str::to_string);
    e.description = o.comment;
    e.values = o.values;
    e.kept = joined(o.kept);
    if let Some(h) = o.header {
        let order = m.extras.len() as f64;
        m.extras.push(Extra {
            id: extra_id(HEADER, id),
            key: HEADER.to_string(),
            source: h,
            order: 1000.0 + order,
        });
    }
    let mut attr_ids = Ids(HashSet::new());
    for (i, a) in o.attributes.into_iter().enumerate() {
        let aid = attr_ids.unique(format!("attr:{id}/{}", a.name));
        let mut attr = Attribute::new(&aid, id, &a.name, DataType::Text, i as f64);
        attr.list = a.list;
        attr.identifier = a.key;
        attr.required = a.required;
        attr.kept = joined(a.kept);
        if let Some(t) = primitive(&a.type_name) {
            attr.data_type = t;
        } else {
            let found = declared.get(&a.type_name).and_then(|cands| {
                cands
                    .iter()
                    .filter(|d| {
                        matches!(
                            d.kind,
                            ElementKind::Entity
                                | ElementKind::ValueObject
                                | ElementKind::Enumeration
                                | ElementKind::DomainEvent
                                | ElementKind::Command
                        )
                    })
                    .min_by_key(|d| d.context != ctx)
            });
            match found {
                Some(d) => {
                    attr.data_type = if d.kind == ElementKind::Enumeration {
                        DataType::Enumeration
                    } else {
                        DataType::Reference
                    };
                    attr.target = Some(d.id.clone());
                }
                None => {
                    attr.data_type = DataType::Reference;
                    attr.type_name = Some(a.type_name.clone());
                    warn(
                        warnings,
                        a.pos,
                        format!(
                            "the type {} of {}.{} names nothing this file defines",
                            a.type_name, o.name, a.name
                        ),
                    );
                }
            }
        }
        attributes.push(attr);
    }
    e
}
