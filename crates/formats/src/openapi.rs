//! OpenAPI 3.1 for the services a sandbox prototype's actions imply: a pure function over
//! the prototype and the domain models it is bound to.
//!
//! - One `POST /commands/{command}` operation per domain command an action calls. Its
//!   request body is the command's attributes, or (for a command without attributes) the
//!   entity of the form around the calling button (else the form bound on the calling
//!   screen); its response is the aggregate's root entity. A `400` carries a `Problem`.
//! - One `POST /capabilities/{operation}` operation per shelf capability an action uses,
//!   from the contract the step carries: request and response fields, and a `422` whose
//!   `code` is one of the contract's errors.
//! - Component schemas for the entities, value objects and enumerations these name,
//!   transitively: properties by attribute name, `required` from the model's flags, lists as
//!   arrays, references and value objects as `$ref`, enumerations as string enums. Schema
//!   keys are made of the elements' ids where the names are not `[A-Za-z0-9._-]` (OpenAPI's
//!   rule for component keys); the names stay in `title`.

use std::collections::{BTreeMap, BTreeSet};

use model::domain::{Attribute, DataType, DomainElement, DomainModel, ElementKind};
use model::prototype::{ActionStep, Component, ComponentKind, ContractField, FieldType, Prototype};
use serde_json::{Map, Value, json};

/// Domain models by document id.
pub type DomainModels = BTreeMap<String, DomainModel>;

/// The OpenAPI 3.1 document (JSON) for `prototype`, titled `title`.
pub fn to_openapi(title: &str, prototype: &Prototype, domains: &DomainModels) -> Value {
    let mut b = Builder {
        domains,
        keys: BTreeMap::new(),
        used_keys: BTreeSet::new(),
        schemas: Map::new(),
        todo: Vec::new(),
    };
    let comps: BTreeMap<&str, &Component> = prototype
        .components
        .iter()
        .map(|c| (c.id.as_str(), c))
        .collect();
    let mut paths = Map::new();
    let mut operation_ids = BTreeSet::new();
    let mut done = BTreeSet::new();
    let mut tags: BTreeMap<String, String> = BTreeMap::new();
    for a in &prototype.actions {
        for step in &a.steps {
            match step {
                ActionStep::Command { document, command } => {
                    if !done.insert(("command", document.clone(), command.clone())) {
                        continue;
                    }
                    let Some(m) = domains.get(document) else {
                        continue;
                    };
                    let Some(cmd) = m
                        .element(command)
                        .filter(|e| e.kind == ElementKind::Command)
                    else {
                        continue;
                    };
                    let op_id = unique(&mut operation_ids, &ident(&cmd.name, &cmd.id));
                    let aggregate = cmd
                        .handled_by
                        .as_deref()
                        .or(cmd.aggregate.as_deref())
                        .and_then(|g| m.element(g));
                    let root = aggregate
                        .and_then(|g| g.root.as_deref())
                        .and_then(|r| m.element(r));
                    let request = if m.attributes_of(&cmd.id).next().is_some() {
                        Some(b.schema_ref(document, cmd))
                    } else {
                        form_entity(prototype, &comps, &a.component)
                            .filter(|(d, _)| d == document)
                            .and_then(|(d, e)| {
                                let e = domains.get(&d)?.element(&e)?;
                                Some(b.schema_ref(&d, e))
                            })
                    };
                    let response = match root {
                        Some(r) => b.schema_ref(document, r),
                        None => json!({"type": "object"}),
                    };
                    let mut op = Map::new();
                    op.insert("operationId".into(), json!(op_id));
                    op.insert("summary".into(), json!(cmd.name));
                    if let Some(d) = &cmd.description {
                        op.insert("description".into(), json!(d));
                    }
                    if let Some(g) = aggregate {
                        tags.insert(g.name.clone(), format!("聚合 {}", g.name));
                        op.insert("tags".into(), json!([g.name]));
                    }
                    if let Some(schema) = request {
                        op.insert(
                            "requestBody".into(),
                            json!({
                                "required": true,
                                "content": {"application/json": {"schema": schema}}
                            }),
                        );
                    }
                    op.insert(
                        "responses".into(),
                        json!({
                            "200": {
                                "description": match root {
                                    Some(r) => format!("{} 处理后的 {}", aggregate.map_or("", |g| g.name.as_str()), r.name),
                                    None => "OK".to_string(),
                                },
                                "content": {"application/json": {"schema": response}}
                            },
                            "400": {
                                "description": "请求不符合模型（类型、必填）",
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
                            }
                        }),
                    );
                    paths.insert(
                        format!("/commands/{op_id}"),
                        json!({ "post": Value::Object(op) }),
                    );
                }
                ActionStep::Capability { part, contract } => {
                    if !done.insert(("capability", part.clone(), contract.operation.clone())) {
                        continue;
                    }
                    let op_id = unique(&mut operation_ids, &ident(&contract.operation, part));
                    let errors: Vec<&str> =
                        contract.errors.iter().map(|e| e.code.as_str()).collect();
                    let error_text = contract
                        .errors
                        .iter()
                        .map(|e| format!("{}: {} / {}", e.code, e.message_zh, e.message_en))
                        .collect::<Vec<_>>()
                        .join("; ");
                    let mut failure = json!({
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"}
                        }
                    });
                    if !errors.is_empty() {
                        failure["properties"]["code"]["enum"] = json!(errors);
                    }
                    tags.insert("capabilities".into(), "能力货架 / Capability shelf".into());
                    let mut op = json!({
                        "operationId": op_id,
                        "summary": contract.summary.clone().unwrap_or_else(|| contract.operation.clone()),
                        "tags": ["capabilities"],
                        "x-triloop-part": part,
                        "responses": {
                            "200": {
                                "description": "OK",
                                "content": {"application/json": {"schema": fields_schema(&contract.response)}}
                            },
                            "422": {
                                "description": if error_text.is_empty() { "The capability failed".to_string() } else { error_text },
                                "content": {"application/json": {"schema": failure}}
                            }
                        }
                    });
                    if !contract.request.is_empty() {
                        op["requestBody"] = json!({
                            "required": true,
                            "content": {"application/json": {"schema": fields_schema(&contract.request)}}
                        });
                    }
                    paths.insert(format!("/capabilities/{op_id}"), json!({ "post": op }));
                }
                _ => {}
            }
        }
    }
    b.finish();
    let mut schemas = b.schemas;
    schemas.insert(
        "Problem".into(),
        json!({
            "type": "object",
            "required": ["message"],
            "properties": {
                "message": {"type": "string"},
                "field": {"type": "string", "description": "the attribute at fault"}
            }
        }),
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": if title.trim().is_empty() { "Prototype" } else { title },
            "version": "0.1.0",
            "description": "由 Triloop 沙箱原型的交互推导出的服务接口 / The services a Triloop sandbox prototype's actions imply"
        },
        "tags": tags.into_iter().map(|(name, description)| json!({"name": name, "description": description})).collect::<Vec<_>>(),
        "paths": paths,
        "components": {"schemas": schemas}
    })
}

/// The entity of the form a trigger is in (the nearest form around it), else of a bound
/// form on the trigger's screen.
fn form_entity(
    p: &Prototype,
    comps: &BTreeMap<&str, &Component>,
    trigger: &str,
) -> Option<(String, String)> {
    let t = comps.get(trigger)?;
    let mut at = Some(*t);
    let mut steps = 0;
    while let Some(c) = at {
        if c.kind == ComponentKind::Form
            && let Some(b) = &c.binding
        {
            return Some((b.document.clone(), b.entity.clone()));
        }
        steps += 1;
        if steps > comps.len() {
            break;
        }
        at = c.parent.as_deref().and_then(|id| comps.get(id).copied());
    }
    p.components
        .iter()
        .filter(|c| c.screen == t.screen && c.kind == ComponentKind::Form)
        .find_map(|c| {
            c.binding
                .as_ref()
                .map(|b| (b.document.clone(), b.entity.clone()))
        })
}

struct Builder<'a> {
    domains: &'a DomainModels,
    /// (document, element) -> schema key.
    keys: BTreeMap<(String, String), String>,
    used_keys: BTreeSet<String>,
    schemas: Map<String, Value>,
    todo: Vec<(String, String)>,
}

impl Builder<'_> {
    /// A `$ref` to the schema of element `e` of `document` (written by `finish`).
    fn schema_ref(&mut self, document: &str, e: &DomainElement) -> Value {
        let k = (document.to_string(), e.id.clone());
        let key = match self.keys.get(&k) {
            Some(key) => key.clone(),
            None => {
                let key = unique(&mut self.used_keys, &key_of(&e.name, &e.id));
                self.keys.insert(k.clone(), key.clone());
                self.todo.push(k);
                key
            }
        };
        json!({ "$ref": format!("#/components/schemas/{key}") })
    }

    fn finish(&mut self) {
        while let Some((doc, id)) = self.todo.pop() {
            let Some(m) = self.domains.get(&doc) else {
                continue;
            };
            let Some(e) = m.element(&id) else { continue };
            let key = self.keys[&(doc.clone(), id.clone())].clone();
            let schema = if e.kind == ElementKind::Enumeration {
                json!({"type": "string", "title": e.name, "enum": e.values})
            } else {
                let mut props = Map::new();
                let mut required = Vec::new();
                let attrs: Vec<&Attribute> = m.attributes_of(&e.id).collect();
                for a in attrs {
                    let mut s = self.attribute_schema(&doc, m, a);
                    if let Some(d) = &a.description
                        && let Some(o) = s.as_object_mut()
                    {
                        o.insert("description".into(), json!(d));
                    }
                    if a.required || a.identifier {
                        required.push(a.name.clone());
                    }
                    props.insert(a.name.clone(), s);
                }
                let mut s = json!({"type": "object", "title": e.name, "properties": props});
                if !required.is_empty() {
                    s["required"] = json!(required);
                }
                if let Some(d) = &e.description {
                    s["description"] = json!(d);
                }
                s
            };
            self.schemas.insert(key, schema);
        }
    }

    fn attribute_schema(&mut self, doc: &str, m: &DomainModel, a: &Attribute) -> Value {
        let one = match a.data_type {
            DataType::Text => json!({"type": "string"}),
            DataType::Integer => json!({"type": "integer", "format": "int64"}),
            DataType::Decimal => json!({"type": "number"}),
            DataType::Money => json!({"type": "number", "format": "decimal", "multipleOf": 0.01}),
            DataType::Date => json!({"type": "string", "format": "date"}),
            DataType::DateTime => json!({"type": "string", "format": "date-time"}),
            DataType::Boolean => json!({"type": "boolean"}),
            DataType::Enumeration | DataType::Reference => {
                match a.target.as_deref().and_then(|t| m.element(t)) {
                    Some(t) => self.schema_ref(doc, t),
                    // An unresolved type is still a value; the model's validation says why.
                    None => json!({"type": "string", "description": "unresolved type"}),
                }
            }
        };
        if a.list {
            json!({"type": "array", "items": one})
        } else {
            one
        }
    }
}

fn fields_schema(fields: &[ContractField]) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for f in fields {
        let mut s = match f.field_type {
            FieldType::String => json!({"type": "string"}),
            FieldType::Integer => json!({"type": "integer", "format": "int64"}),
            FieldType::Number => json!({"type": "number"}),
            FieldType::Boolean => json!({"type": "boolean"}),
            FieldType::Date => json!({"type": "string", "format": "date"}),
            FieldType::DateTime => json!({"type": "string", "format": "date-time"}),
            FieldType::Binary => json!({"type": "string", "contentEncoding": "base64"}),
        };
        if let Some(d) = &f.description {
            s["description"] = json!(d);
        }
        if let Some(x) = &f.example {
            s["examples"] = json!([x]);
        }
        if f.required {
            required.push(f.name.clone());
        }
        props.insert(f.name.clone(), s);
    }
    let mut s = json!({"type": "object", "properties": props});
    if !required.is_empty() {
        s["required"] = json!(required);
    }
    s
}

/// A component key: the name where it fits `[A-Za-z0-9._-]+`, else the id with what does
/// not fit replaced by `_`.
fn key_of(name: &str, id: &str) -> String {
    let fits = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    };
    if fits(name) {
        return name.to_string();
    }
    let cleaned: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.is_empty() {
        "Schema".into()
    } else {
        cleaned
    }
}

/// An identifier for an operation: the name where it is one, else the id made into one.
fn ident(name: &str, id: &str) -> String {
    let fits = |s: &str| {
        !s.is_empty()
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !s.starts_with(|c: char| c.is_ascii_digit())
    };
    if fits(name) {
        return name.to_string();
    }
    let cleaned: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if cleaned.is_empty() || cleaned.starts_with(|c: char| c.is_ascii_digit()) {
        format!("op_{cleaned}")
    } else {
        cleaned
    }
}

fn unique(used: &mut BTreeSet<String>, want: &str) -> String {
    let mut s = want.to_string();
    let mut n = 2;
    while !used.insert(s.clone()) {
        s = format!("{want}_{n}");
        n += 1;
    }
    s
}
