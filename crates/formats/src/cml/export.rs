//! A model as CML: the context map, the bounded contexts with their Application and
//! aggregates, the domains with their subdomains, then the top-level blocks kept from the
//! imported file. Kept text is written back as it was read.

use std::collections::HashMap;
use std::fmt::Write;

use model::domain::{
    Attribute, DataType, DomainElement, DomainModel, DownstreamRole, ElementKind, Extra,
    RelationshipPattern, SubdomainKind, UpstreamRole,
};

use super::build::{
    APPLICATION, BLOCK, COMMENT, CONTAINS, CONTEXT_MAP, DOMAIN, HEADER, MODULE, MODULE_MEMBERS,
    TOP_COMMENT, extra_id,
};

/// Words of CML that a name must escape with `^` to be read as a name.
const KEYWORDS: &[&str] = &[
    "Aggregate",
    "Application",
    "BoundedContext",
    "Command",
    "CommandEvent",
    "ContextMap",
    "DataTransferObject",
    "Domain",
    "DomainEvent",
    "Entity",
    "Event",
    "Flow",
    "Module",
    "Repository",
    "Service",
    "Subdomain",
    "Trait",
    "UseCase",
    "UserStory",
    "ValueObject",
    "BasicType",
    "Stakeholders",
    "ValueRegister",
    "abstract",
    "aggregateRoot",
    "contains",
    "def",
    "description",
    "domainVisionStatement",
    "enum",
    "extends",
    "hint",
    "implements",
    "key",
    "nullable",
    "package",
    "persistent",
    "realizes",
    "refines",
    "required",
    "state",
    "type",
    "with",
    "not",
    "index",
    "length",
    "size",
    "cache",
    "gap",
    "nogap",
    "scaffold",
    "validate",
    "transient",
    "changeable",
    "owner",
    "responsibilities",
    "knowledgeLevel",
    "implementationTechnology",
    "exposedAggregates",
    "downstreamRights",
    "supports",
    "void",
    "event",
    "command",
    "operation",
    "emits",
    "triggers",
    "delegates",
    "to",
    "for",
    "in",
    "a",
    "an",
    "X",
    "x",
    "O",
    "o",
    "U",
    "D",
    "S",
    "C",
    "P",
    "SK",
    "OHS",
    "PL",
    "ACL",
    "CF",
    "Partnership",
    "belongsTo",
    "inverse",
    "opposite",
    "email",
    "past",
    "future",
    "min",
    "max",
    "pattern",
    "range",
    "url",
    "digits",
    "throws",
    "public",
    "private",
    "protected",
    "read",
    "write",
    "create",
    "update",
    "delete",
    "scope",
    "level",
    "actor",
    "benefit",
    "interactions",
    "useCases",
    "userStories",
    "features",
];

fn name(n: &str) -> String {
    if KEYWORDS.contains(&n) {
        format!("^{n}")
    } else {
        n.to_string()
    }
}

fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A description as a comment above what it describes (`*/` cannot occur inside).
fn comment(out: &mut String, indent: &str, text: &str) {
    let _ = writeln!(out, "{indent}/* {} */", text.replace("*/", "* /"));
}

/// Kept text, item by item as imported (each carries its own indentation).
fn kept(out: &mut String, text: Option<&str>) {
    if let Some(t) = text.filter(|t| !t.is_empty()) {
        out.push_str(t);
        out.push('\n');
    }
}

fn primitive_name(t: DataType) -> &'static str {
    match t {
        DataType::Text => "String",
        DataType::Integer => "int",
        DataType::Decimal | DataType::Money => "BigDecimal",
        DataType::Date => "Date",
        DataType::DateTime => "DateTime",
        DataType::Boolean => "boolean",
        DataType::Enumeration | DataType::Reference => "String",
    }
}

struct Writer<'a> {
    m: &'a DomainModel,
    extras: HashMap<&'a str, &'a Extra>,
    elements: HashMap<&'a str, &'a DomainElement>,
    attributes: HashMap<&'a str, Vec<&'a Attribute>>,
    out: String,
}

impl<'a> Writer<'a> {
    fn extra(&self, key: &str, id: &str) -> Option<&'a str> {
        self.extras
            .get(extra_id(key, id).as_str())
            .map(|e| e.source.as_str())
    }

    fn context_name(&self, id: &str) -> Option<&'a str> {
        self.m.context(id).map(|c| c.name.as_str())
    }
}

/// The model with contexts and elements in reading order (top to bottom, left to right):
/// a document keeps its records by id, and the import lays records out in file order, so
/// this gives an untouched import's order back, and a sensible one after edits.
fn in_reading_order(model: &DomainModel) -> DomainModel {
    let mut m = model.clone();
    let key = |y: f64, x: f64| (y, x);
    m.contexts.sort_by(|a, b| {
        key(a.y, a.x)
            .partial_cmp(&key(b.y, b.x))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    m.elements.sort_by(|a, b| {
        key(a.y, a.x)
            .partial_cmp(&key(b.y, b.x))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    m
}

/// Writes `model` as CML.
pub fn export(model: &DomainModel) -> String {
    let sorted = in_reading_order(model);
    let model = &sorted;
    let mut w = Writer {
        m: model,
        extras: model.extras.iter().map(|e| (e.id.as_str(), e)).collect(),
        elements: model.elements.iter().map(|e| (e.id.as_str(), e)).collect(),
        attributes: HashMap::new(),
        out: String::new(),
    };
    for a in &model.attributes {
        w.attributes.entry(a.owner.as_str()).or_default().push(a);
    }
    if let Some(top) = model.extras.iter().find(|e| e.key == TOP_COMMENT) {
        comment(&mut w.out, "", &top.source);
        w.out.push('\n');
    }
    context_map(&mut w);
    for c in &model.contexts {
        context(&mut w, c);
    }
    domains(&mut w);
    for b in model.extras.iter().filter(|e| e.key == BLOCK) {
        w.out.push_str(&b.source);
        w.out.push_str("\n\n");
    }
    w.out
}

fn context_map(w: &mut Writer) {
    let m = w.m;
    let map = m.extras.iter().find(|e| e.key == CONTEXT_MAP);
    if map.is_none() && m.relationships.is_empty() {
        return;
    }
    let source = map.map_or("ContextMap", |e| e.source.as_str());
    let (header, settings) = source.split_once('\n').unwrap_or((source, ""));
    let _ = writeln!(w.out, "{header} {{");
    kept(&mut w.out, Some(settings));
    // The contexts on the map: those it contained (by id, so renames follow), then any
    // other end of a relationship; a map the file did not have contains every context.
    let mut contained: Vec<&str> = match m.extras.iter().find(|e| e.key == CONTAINS) {
        Some(e) => e
            .source
            .lines()
            .filter(|id| m.context(id).is_some())
            .collect(),
        None => m.contexts.iter().map(|c| c.id.as_str()).collect(),
    };
    for r in &m.relationships {
        for end in [&r.upstream, &r.downstream] {
            if !contained.contains(&end.as_str()) && m.context(end).is_some() {
                contained.push(end);
            }
        }
    }
    let names: Vec<String> = contained
        .iter()
        .filter_map(|id| w.context_name(id))
        .map(name)
        .collect();
    if !names.is_empty() {
        let _ = writeln!(w.out, "\tcontains {}", names.join(", "));
    }
    for r in &m.relationships {
        let (Some(up), Some(down)) = (w.context_name(&r.upstream), w.context_name(&r.downstream))
        else {
            continue;
        };
        let (up, down) = (name(up), name(down));
        let line = match r.pattern {
            RelationshipPattern::Partnership => format!("{up} [P]<->[P] {down}"),
            RelationshipPattern::SharedKernel => format!("{up} [SK]<->[SK] {down}"),
            RelationshipPattern::SeparateWays => {
                // CML has no Separate Ways relationship: say so rather than invent one.
                let _ = writeln!(w.out, "\t// Separate Ways: {up} and {down}");
                continue;
            }
            p => {
                let cs = p == RelationshipPattern::CustomerSupplier;
                let mut ur = vec![if cs { "U,S" } else { "U" }];
                ur.extend(r.upstream_roles.iter().map(|r| match r {
                    UpstreamRole::OpenHostService => "OHS",
                    UpstreamRole::PublishedLanguage => "PL",
                }));
                let mut dr = vec![if cs { "D,C" } else { "D" }];
                dr.extend(r.downstream_roles.iter().map(|r| match r {
                    DownstreamRole::AnticorruptionLayer => "ACL",
                    DownstreamRole::Conformist => "CF",
                }));
                format!("{up} [{}]->[{}] {down}", ur.join(","), dr.join(","))
            }
        };
        let _ = write!(w.out, "\t{line}");
        if let Some(n) = &r.name {
            let _ = write!(w.out, " : {}", name(n));
        }
        match r.kept.as_deref().filter(|k| !k.is_empty()) {
            Some(k) => {
                let _ = writeln!(w.out, " {{\n{k}\n\t}}");
            }
            None => w.out.push('\n'),
        }
    }
    w.out.push_str("}\n\n");
}

fn context(w: &mut Writer, c: &model::domain::BoundedContext) {
    if let Some(text) = w.extra(COMMENT, &c.id) {
        comment(&mut w.out, "", text);
    }
    let _ = write!(w.out, "BoundedContext {}", name(&c.name));
    if let Some(h) = w.extra(HEADER, &c.id) {
        let _ = write!(w.out, " {h}");
    } else if let Some(s) = c
        .subdomain
        .as_deref()
        .and_then(|s| w.m.subdomains.iter().find(|x| x.id == s))
    {
        let _ = write!(w.out, " implements {}", name(&s.name));
    }
    w.out.push_str(" {\n");
    if let Some(v) = &c.vision {
        let _ = writeln!(w.out, "\tdomainVisionStatement = {}", string(v));
    }
    kept(&mut w.out, c.kept.as_deref());
    let m = w.m;
    let in_context = |e: &&DomainElement| e.context == c.id;
    // Commands, events and services outside aggregates live in the Application.
    let loose: Vec<&DomainElement> = m
        .elements
        .iter()
        .filter(in_context)
        .filter(|e| e.kind != ElementKind::Aggregate && e.aggregate.is_none())
        .collect();
    let (app_objects, others): (Vec<&DomainElement>, Vec<&DomainElement>) =
        loose.into_iter().partition(|e| {
            matches!(
                e.kind,
                ElementKind::Command | ElementKind::DomainEvent | ElementKind::DomainService
            )
        });
    let app_kept = w.extra(APPLICATION, &c.id);
    if app_kept.is_some() || !app_objects.is_empty() {
        w.out.push_str("\tApplication {\n");
        for e in &app_objects {
            object(w, e, "\t\t");
        }
        kept(&mut w.out, app_kept);
        w.out.push_str("\t}\n");
    }
    // Modules with their aggregates (by id, as imported), then the other aggregates.
    let prefix = format!("module:{}/", c.id);
    let mut written: Vec<&str> = Vec::new();
    for module in m
        .extras
        .iter()
        .filter(|e| e.key == MODULE && e.id.starts_with(&prefix))
    {
        let members: Vec<&DomainElement> = w
            .extra(MODULE_MEMBERS, &module.id)
            .unwrap_or("")
            .lines()
            .filter_map(|id| w.elements.get(id).copied())
            .filter(|a| a.kind == ElementKind::Aggregate && a.context == c.id)
            .collect();
        match module.source.rsplit_once('\n') {
            Some((head, close)) if close.trim() == "}" => {
                w.out.push_str(head);
                w.out.push('\n');
                for a in &members {
                    aggregate(w, a, "\t\t");
                    written.push(&a.id);
                }
                w.out.push_str(close);
                w.out.push('\n');
            }
            _ => {
                w.out.push_str(&module.source);
                w.out.push('\n');
            }
        }
    }
    for a in m
        .elements
        .iter()
        .filter(in_context)
        .filter(|e| e.kind == ElementKind::Aggregate && !written.contains(&e.id.as_str()))
    {
        aggregate(w, a, "\t");
    }
    // Elements CML has no place for outside an aggregate: entities and value objects go
    // into one aggregate of their own; the others (policies, read models, actors, external
    // systems) are named in a comment.
    let (objects, unwritable): (Vec<&DomainElement>, Vec<&DomainElement>) =
        others.into_iter().partition(|e| {
            matches!(
                e.kind,
                ElementKind::Entity | ElementKind::ValueObject | ElementKind::Enumeration
            )
        });
    if !objects.is_empty() {
        w.out.push_str("\tAggregate Unassigned {\n");
        for e in objects {
            object(w, e, "\t\t");
        }
        w.out.push_str("\t}\n");
    }
    for e in unwritable {
        let _ = writeln!(
            w.out,
            "\t// Triloop {} {} (not expressible in CML)",
            e.kind.as_str(),
            e.name
        );
    }
    w.out.push_str("}\n\n");
}

fn aggregate(w: &mut Writer, a: &DomainElement, indent: &str) {
    if let Some(d) = &a.description {
        comment(&mut w.out, indent, d);
    }
    let _ = writeln!(w.out, "{indent}Aggregate {} {{", name(&a.name));
    kept(&mut w.out, a.kept.as_deref());
    let m = w.m;
    let inner = format!("{indent}\t");
    for e in m
        .elements
        .iter()
        .filter(|e| e.aggregate.as_deref() == Some(a.id.as_str()))
    {
        object(w, e, &inner);
    }
    let _ = writeln!(w.out, "{indent}}}");
}

fn object(w: &mut Writer, e: &DomainElement, indent: &str) {
    let keyword = match e.kind {
        ElementKind::Entity => "Entity",
        ElementKind::ValueObject => "ValueObject",
        ElementKind::DomainEvent => "DomainEvent",
        ElementKind::Command => "Command",
        ElementKind::Enumeration => "enum",
        ElementKind::DomainService => "Service",
        _ => return,
    };
    if let Some(d) = &e.description {
        comment(&mut w.out, indent, d);
    }
    let _ = write!(w.out, "{indent}{keyword} {}", name(&e.name));
    if let Some(h) = w.extra(HEADER, &e.id) {
        let _ = write!(w.out, " {h}");
    }
    w.out.push_str(" {\n");
    if e.kind == ElementKind::Enumeration {
        kept(&mut w.out, e.kept.as_deref());
        let values: Vec<String> = e.values.iter().map(|v| name(v)).collect();
        if !values.is_empty() {
            let _ = writeln!(w.out, "{indent}\t{}", values.join(", "));
        }
        let _ = writeln!(w.out, "{indent}}}");
        return;
    }
    let is_root = e.kind == ElementKind::Entity
        && e.aggregate
            .as_deref()
            .and_then(|a| w.elements.get(a))
            .is_some_and(|a| a.root.as_deref() == Some(e.id.as_str()));
    if is_root {
        let _ = writeln!(w.out, "{indent}\taggregateRoot");
    }
    // Kept settings before the attributes, operations and the repository after them.
    let (settings, trailing) = split_kept(e.kept.as_deref().unwrap_or(""));
    kept(&mut w.out, Some(settings));
    let attrs = w.attributes.get(e.id.as_str()).cloned().unwrap_or_default();
    for a in attrs {
        let target = a.target.as_deref().and_then(|t| w.elements.get(t));
        let (dash, type_name) = match (a.data_type, target) {
            (DataType::Reference | DataType::Enumeration, Some(t)) => ("- ", name(&t.name)),
            (DataType::Reference | DataType::Enumeration, None) => {
                ("", a.type_name.clone().unwrap_or_else(|| "String".into()))
            }
            (t, _) => ("", primitive_name(t).to_string()),
        };
        let ty = if a.list {
            format!("List<{type_name}>")
        } else {
            type_name
        };
        let _ = write!(w.out, "{indent}\t{dash}{ty} {}", name(&a.name));
        if a.identifier {
            w.out.push_str(" key");
        }
        if a.required {
            w.out.push_str(" required");
        }
        if let Some(k) = a.kept.as_deref().filter(|k| !k.is_empty()) {
            let _ = write!(w.out, " {}", k.replace('\n', " "));
        }
        w.out.push('\n');
    }
    kept(&mut w.out, Some(trailing));
    let _ = writeln!(w.out, "{indent}}}");
}

/// Splits an object's kept text where its first operation or repository starts (the
/// importer keeps settings first).
fn split_kept(text: &str) -> (&str, &str) {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if super::parser::is_trailing(line) {
            return (text[..at].trim_end_matches('\n'), &text[at..]);
        }
        at += line.len();
    }
    (text, "")
}

fn domains(w: &mut Writer) {
    let m = w.m;
    // Domains in the order the file had them, then those only subdomains name.
    let mut order: Vec<(String, Option<&str>)> = m
        .extras
        .iter()
        .filter(|e| e.key == DOMAIN)
        .map(|e| {
            let (header, rest) = e.source.split_once('\n').unwrap_or((&e.source, ""));
            (header.trim_start_matches("Domain ").to_string(), Some(rest))
        })
        .collect();
    for s in &m.subdomains {
        let d = s.domain.clone().unwrap_or_else(|| "Domain".into());
        if !order.iter().any(|(n, _)| *n == d) {
            order.push((d, None));
        }
    }
    for (d, rest) in order {
        let _ = writeln!(w.out, "Domain {} {{", name(&d));
        kept(&mut w.out, rest);
        for s in m
            .subdomains
            .iter()
            .filter(|s| s.domain.as_deref().unwrap_or("Domain") == d)
        {
            let _ = write!(w.out, "\tSubdomain {}", name(&s.name));
            if let Some(h) = w.extra(HEADER, &s.id) {
                let _ = write!(w.out, " {h}");
            }
            w.out.push_str(" {\n");
            let kind = match s.kind {
                SubdomainKind::Core => "CORE_DOMAIN",
                SubdomainKind::Supporting => "SUPPORTING_DOMAIN",
                SubdomainKind::Generic => "GENERIC_SUBDOMAIN",
            };
            let _ = writeln!(w.out, "\t\ttype = {kind}");
            if let Some(v) = &s.description {
                let _ = writeln!(w.out, "\t\tdomainVisionStatement = {}", string(v));
            }
            kept(&mut w.out, s.kept.as_deref());
            w.out.push_str("\t}\n");
        }
        w.out.push_str("}\n\n");
    }
}
