//! The recursive-descent parser: tokens into declarations (`File`), close to the text. What
//! Triloop models is parsed into fields; every other item of a body is captured verbatim
//! (from its first to its last token, with the indentation of its line) so that the
//! exporter can write it back unchanged.

use super::CmlError;
use super::lexer::{Lexed, Tok, Token};
use model::domain::{
    DownstreamRole, ElementKind, RelationshipPattern, SubdomainKind, UpstreamRole,
};

/// Where a declaration starts (1-based line and column).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Pos {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Default)]
pub(crate) struct File {
    pub top_comment: Option<String>,
    pub map: Option<MapDecl>,
    pub contexts: Vec<ContextDecl>,
    pub domains: Vec<DomainDecl>,
    /// Top-level blocks Triloop does not model (use cases, user stories, stakeholders, …),
    /// verbatim.
    pub others: Vec<String>,
}

#[derive(Debug, Default)]
pub(crate) struct MapDecl {
    /// `ContextMap` or `ContextMap Name`.
    pub header: String,
    pub kept: Vec<String>,
    pub contains: Vec<(String, Pos)>,
    pub relationships: Vec<RelDecl>,
}

#[derive(Debug)]
pub(crate) struct RelDecl {
    pub pos: Pos,
    pub pattern: RelationshipPattern,
    pub upstream: String,
    pub downstream: String,
    pub upstream_roles: Vec<UpstreamRole>,
    pub downstream_roles: Vec<DownstreamRole>,
    pub name: Option<String>,
    pub kept: Vec<String>,
    /// The relationship as written, for keeping it when an end is not defined.
    pub text: String,
}

#[derive(Debug, Default)]
pub(crate) struct ContextDecl {
    pub name: String,
    pub pos: Pos,
    pub comment: Option<String>,
    /// The first name after `implements`.
    pub implements: Option<(String, Pos)>,
    /// The header after the name when it is more than `implements OneName`.
    pub header: Option<String>,
    pub vision: Option<String>,
    pub kept: Vec<String>,
    pub aggregates: Vec<AggregateDecl>,
    /// The modules, each with its aggregates.
    pub modules: Vec<ModuleDecl>,
    pub application: Option<ApplicationDecl>,
}

#[derive(Debug, Default)]
pub(crate) struct ModuleDecl {
    pub name: String,
    /// The module as written without its aggregates (header, settings, other content, the
    /// closing brace).
    pub text: String,
    pub aggregates: Vec<AggregateDecl>,
}

#[derive(Debug, Default)]
pub(crate) struct ApplicationDecl {
    pub objects: Vec<ObjectDecl>,
    pub kept: Vec<String>,
}

#[derive(Debug, Default)]
pub(crate) struct AggregateDecl {
    pub name: String,
    pub comment: Option<String>,
    pub kept: Vec<String>,
    pub objects: Vec<ObjectDecl>,
}

#[derive(Debug)]
pub(crate) struct ObjectDecl {
    pub kind: ElementKind,
    pub name: String,
    pub pos: Pos,
    pub comment: Option<String>,
    /// `extends …`, `with …` after the name.
    pub header: Option<String>,
    pub root: bool,
    pub attributes: Vec<AttributeDecl>,
    pub values: Vec<String>,
    pub kept: Vec<String>,
}

#[derive(Debug)]
pub(crate) struct AttributeDecl {
    pub name: String,
    pub pos: Pos,
    /// The type as written (`String`, `HandlingEvent.Type`), without the collection.
    pub type_name: String,
    pub list: bool,
    pub key: bool,
    pub required: bool,
    pub kept: Vec<String>,
}

#[derive(Debug, Default)]
pub(crate) struct DomainDecl {
    pub name: String,
    pub kept: Vec<String>,
    pub subdomains: Vec<SubdomainDecl>,
}

#[derive(Debug)]
pub(crate) struct SubdomainDecl {
    pub name: String,
    pub pos: Pos,
    pub kind: Option<SubdomainKind>,
    pub header: Option<String>,
    pub vision: Option<String>,
    pub kept: Vec<String>,
}

/// Options an attribute or reference may carry after its name (the tactic grammar's), so
/// that they are not mistaken for the next attribute.
const ATTRIBUTE_OPTIONS: &[&str] = &[
    "key",
    "changeable",
    "required",
    "nullable",
    "index",
    "assertFalse",
    "assertTrue",
    "hint",
    "creditCardNumber",
    "digits",
    "email",
    "future",
    "past",
    "max",
    "min",
    "decimalMax",
    "decimalMin",
    "notEmpty",
    "notBlank",
    "pattern",
    "range",
    "size",
    "length",
    "scriptAssert",
    "url",
    "validate",
    "transient",
    "databaseColumn",
    "databaseType",
    "cascade",
    "fetch",
    "cache",
    "inverse",
    "databaseJoinTable",
    "databaseJoinColumn",
    "valid",
    "orderby",
    "orderColumn",
    "opposite",
    "not",
];

/// Settings of a domain object's body that are not attributes.
const OBJECT_SETTINGS: &[&str] = &[
    "package",
    "optimisticLocking",
    "auditable",
    "cache",
    "gap",
    "nogap",
    "scaffold",
    "hint",
    "databaseTable",
    "discriminatorValue",
    "discriminatorColumn",
    "discriminatorType",
    "discriminatorLength",
    "inheritanceType",
    "validate",
    "persistent",
    "immutable",
    "belongsTo",
    "not",
    "def",
    "Repository",
    "public",
    "private",
    "protected",
];

const OBJECT_KEYWORDS: &[(&str, ElementKind)] = &[
    ("Entity", ElementKind::Entity),
    ("ValueObject", ElementKind::ValueObject),
    ("DomainEvent", ElementKind::DomainEvent),
    ("Event", ElementKind::DomainEvent),
    ("Command", ElementKind::Command),
    ("CommandEvent", ElementKind::Command),
    ("enum", ElementKind::Enumeration),
    ("Service", ElementKind::DomainService),
];

pub(crate) struct Parser<'a> {
    lx: &'a Lexed<'a>,
    at: usize,
    /// Tolerable oddities met while parsing (line, column, message).
    pub warnings: Vec<(Pos, String)>,
}

type Result<T> = std::result::Result<T, CmlError>;

/// A header clause: its keyword, the name it gives, and where that name is.
type Clause = (String, String, Pos);

impl<'a> Parser<'a> {
    pub fn new(lx: &'a Lexed<'a>) -> Self {
        Parser {
            lx,
            at: 0,
            warnings: Vec::new(),
        }
    }

    fn tok(&self, k: usize) -> Option<&'a Token> {
        self.lx.tokens.get(self.at + k)
    }

    fn pos(&self) -> Pos {
        match self.tok(0) {
            Some(t) => Pos {
                line: t.line,
                column: t.column,
            },
            None => Pos {
                line: self.lx.eof_line,
                column: self.lx.eof_column,
            },
        }
    }

    fn error<T>(&self, message: impl Into<String>) -> Result<T> {
        let p = self.pos();
        let found = match self.tok(0) {
            None => "the end of the file".to_string(),
            Some(t) => format!("`{}`", &self.lx.src[t.start..t.end]),
        };
        Err(CmlError::new(
            p.line,
            p.column,
            format!("{}, found {found}", message.into()),
        ))
    }

    fn is_ident(&self, k: usize, word: &str) -> bool {
        matches!(self.tok(k), Some(Token { tok: Tok::Ident(w), .. }) if w == word)
    }

    fn is_punct(&self, k: usize, p: &str) -> bool {
        matches!(self.tok(k), Some(Token { tok: Tok::Punct(q), .. }) if *q == p)
    }

    fn ident_at(&self, k: usize) -> Option<&'a str> {
        match self.tok(k) {
            Some(Token {
                tok: Tok::Ident(w), ..
            }) => Some(w),
            _ => None,
        }
    }

    /// Whether token `k` is a string that documents the declaration after it: it starts its
    /// line and does not continue what the line before left open (after a `=` or `,`), so
    /// that a setting ending with a string is never read as a description.
    fn doc_string(&self, k: usize) -> bool {
        let Some(t) = self.tok(k) else { return false };
        if !matches!(t.tok, Tok::Str(_)) {
            return false;
        }
        match (self.at + k).checked_sub(1).map(|i| &self.lx.tokens[i]) {
            None => true,
            Some(prev) => {
                prev.end_line < t.line && !matches!(prev.tok, Tok::Punct("=") | Tok::Punct(","))
            }
        }
    }

    fn bump(&mut self) -> &'a Token {
        let t = &self.lx.tokens[self.at];
        self.at += 1;
        t
    }

    fn eat_punct(&mut self, p: &str) -> bool {
        if self.is_punct(0, p) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    /// In a block's body: false once its `}` is consumed, an error at the end of the file
    /// (`what` names the block), true while items remain.
    fn more(&mut self, what: &str) -> Result<bool> {
        if self.eat_punct("}") {
            return Ok(false);
        }
        if self.tok(0).is_none() {
            return self.error(format!("expected `}}` to close {what}"));
        }
        Ok(true)
    }

    fn expect_punct(&mut self, p: &str, context: &str) -> Result<()> {
        if self.eat_punct(p) {
            Ok(())
        } else {
            self.error(format!("expected `{p}` {context}"))
        }
    }

    fn name(&mut self, what: &str) -> Result<(String, Pos)> {
        let pos = self.pos();
        match self.ident_at(0) {
            Some(w) => {
                self.at += 1;
                Ok((w.to_string(), pos))
            }
            None => self.error(format!("expected the name of {what}")),
        }
    }

    fn string(&mut self, what: &str) -> Result<String> {
        match self.tok(0) {
            Some(Token {
                tok: Tok::Str(s), ..
            }) => {
                self.at += 1;
                Ok(s.clone())
            }
            _ => self.error(format!("expected a \"string\" for {what}")),
        }
    }

    /// A setting's value after its keyword: an optional `=` and then a string.
    fn setting_string(&mut self, what: &str) -> Result<String> {
        self.bump();
        self.eat_punct("=");
        self.string(what)
    }

    /// The comment directly before the current token, if any.
    fn comment(&self) -> Option<String> {
        self.tok(0)
            .and_then(|t| t.comment)
            .map(|c| self.lx.comments[c].text.clone())
    }

    /// The source text of tokens `from..self.at`, with the indentation of the first one's
    /// line when it starts the line.
    fn text_from(&self, from: usize) -> String {
        let src = self.lx.src;
        let first = &self.lx.tokens[from];
        let last = &self.lx.tokens[self.at - 1];
        let line_start = src[..first.start].rfind('\n').map_or(0, |i| i + 1);
        let indent = &src[line_start..first.start];
        let lead = if indent.trim().is_empty() { indent } else { "" };
        format!("{lead}{}", &src[first.start..last.end])
    }

    /// Consumes one item that Triloop does not model and returns its text. An item ends with
    /// a balanced block, a `;`, or the end of its line (unless the line ends with, or the next
    /// one starts with, a `,`, `=` or `{`); it also ends before a token for which `stop` holds.
    fn skip_item(&mut self, stop: &dyn Fn(&Parser) -> bool) -> Result<String> {
        let from = self.at;
        let mut stack: Vec<(&str, Pos)> = Vec::new();
        loop {
            let Some(t) = self.tok(0) else {
                if let Some((open, p)) = stack.last() {
                    return Err(CmlError::new(
                        p.line,
                        p.column,
                        format!("`{open}` opened here is never closed"),
                    ));
                }
                break;
            };
            if stack.is_empty() && self.at > from && stop(self) {
                break;
            }
            let mut closed_block = false;
            if let Tok::Punct(p) = t.tok {
                match p {
                    "{" | "(" | "[" => stack.push((p, self.pos())),
                    "}" | ")" | "]" => {
                        let want = match p {
                            "}" => "{",
                            ")" => "(",
                            _ => "[",
                        };
                        match stack.pop() {
                            None => break,
                            Some((open, _)) if open == want => closed_block = stack.is_empty(),
                            Some((open, op)) => {
                                return self.error(format!(
                                    "`{p}` does not close the `{open}` opened at line {}, column {}",
                                    op.line, op.column
                                ));
                            }
                        }
                    }
                    ";" if stack.is_empty() => {
                        self.at += 1;
                        break;
                    }
                    _ => {}
                }
            }
            self.at += 1;
            if !stack.is_empty() {
                continue;
            }
            if closed_block && p_is(t, "}") {
                break;
            }
            let Some(next) = self.tok(0) else { break };
            if next.line > t.end_line {
                let joins = |x: &Token| {
                    matches!(x.tok, Tok::Punct(",") | Tok::Punct("=") | Tok::Punct("{"))
                };
                if !(joins(t) || joins(next)) {
                    break;
                }
            }
        }
        if self.at == from {
            return self.error("unexpected token");
        }
        // An item kept as text is written back on lines of its own: one that starts or ends
        // with a dangling `=` or `,` would join what is written next to it, so it is not
        // kept (CML has no such item).
        for (i, what) in [(from, "before"), (self.at - 1, "after")] {
            let t = &self.lx.tokens[i];
            if let Tok::Punct(p @ ("=" | ",")) = t.tok {
                let need = if what == "before" {
                    "a name"
                } else {
                    "a value"
                };
                return Err(CmlError::new(
                    t.line,
                    t.column,
                    format!("expected {need} {what} `{p}`"),
                ));
            }
        }
        Ok(self.text_from(from))
    }

    /// [`Self::skip_item`] in a body whose declarations may start with a documentation
    /// string: a string alone would document the declaration written after it.
    fn skip_body_item(&mut self, stop: &dyn Fn(&Parser) -> bool) -> Result<String> {
        let from = self.at;
        let item = self.skip_item(stop)?;
        if self.at == from + 1 && matches!(self.lx.tokens[from].tok, Tok::Str(_)) {
            let t = &self.lx.tokens[from];
            return Err(CmlError::new(
                t.line,
                t.column,
                "a string here documents nothing; expected a declaration after it".into(),
            ));
        }
        Ok(item)
    }

    // ---- the file ---------------------------------------------------------------------

    pub fn file(&mut self) -> Result<File> {
        let mut f = File::default();
        while self.tok(0).is_some() {
            let doc_then = |p: &Parser, w: &str| {
                matches!(
                    p.tok(0),
                    Some(Token {
                        tok: Tok::Str(_),
                        ..
                    })
                ) && p.is_ident(1, w)
            };
            if self.is_ident(0, "ContextMap") {
                if f.map.is_some() {
                    return self.error("a file has at most one ContextMap; expected no second one");
                }
                f.map = Some(self.context_map()?);
            } else if self.is_ident(0, "BoundedContext") {
                let c = self.context()?;
                f.contexts.push(c);
            } else if self.is_ident(0, "Domain") && !doc_then(self, "Domain") {
                f.domains.push(self.domain()?);
            } else {
                let stop = |p: &Parser| {
                    p.is_ident(0, "ContextMap")
                        || p.is_ident(0, "BoundedContext")
                        || p.is_ident(0, "Domain")
                };
                f.others.push(self.skip_item(&stop)?);
            }
        }
        // The first comment is the file's own unless it describes the first context.
        if let Some(c) = self.lx.first_comment {
            let first = &self.lx.tokens.first();
            let describes_context = first.is_some_and(|t| {
                t.comment == Some(c) && matches!(&t.tok, Tok::Ident(w) if w == "BoundedContext")
            });
            if !describes_context {
                f.top_comment = Some(self.lx.comments[c].text.clone());
            }
        }
        Ok(f)
    }

    fn context_map(&mut self) -> Result<MapDecl> {
        let from = self.at;
        self.bump();
        if self.ident_at(0).is_some() {
            self.bump();
        }
        let mut map = MapDecl {
            header: self.text_from(from).trim().to_string(),
            ..MapDecl::default()
        };
        self.expect_punct("{", "to open the ContextMap")?;
        while self.more("the ContextMap")? {
            if (self.is_ident(0, "type") || self.is_ident(0, "state")) && self.tok(1).is_some() {
                let from = self.at;
                self.bump();
                self.eat_punct("=");
                self.name("the map's type or state")?;
                map.kept.push(self.text_from(from));
            } else if self.is_ident(0, "contains") {
                self.bump();
                loop {
                    let (n, p) = self.name("a bounded context after `contains`")?;
                    map.contains.push((n, p));
                    if !self.eat_punct(",") {
                        break;
                    }
                }
            } else {
                map.relationships.push(self.relationship()?);
            }
        }
        Ok(map)
    }

    /// `[A, B]` role lists: the names, each with its position.
    fn roles(&mut self) -> Result<Vec<(String, Pos)>> {
        let mut out = Vec::new();
        if !self.eat_punct("[") {
            return Ok(out);
        }
        loop {
            if self.eat_punct("]") {
                break;
            }
            out.push(self.name("a relationship role (U, D, S, C, OHS, PL, ACL, CF, P, SK)")?);
            if !self.eat_punct(",") {
                self.expect_punct("]", "to close the role list")?;
                break;
            }
        }
        Ok(out)
    }

    fn relationship(&mut self) -> Result<RelDecl> {
        let from = self.at;
        let pos = self.pos();
        let mut left_roles = self.roles()?;
        let (left, _) = self.name("a bounded context (a relationship starts with one)")?;
        left_roles.extend(self.roles()?);
        // The connector: an arrow or a keyword such as `Shared-Kernel`.
        let connector = if let Some(Token {
            tok: Tok::Punct(p @ ("->" | "<-" | "<->")),
            ..
        }) = self.tok(0)
        {
            self.bump();
            p.to_string()
        } else if self.is_ident(0, "Partnership") {
            self.bump();
            "Partnership".to_string()
        } else if let (Some(a), true, Some(b)) =
            (self.ident_at(0), self.is_punct(1, "-"), self.ident_at(2))
        {
            let word = format!("{a}-{b}");
            let known = [
                "Shared-Kernel",
                "Customer-Supplier",
                "Supplier-Customer",
                "Upstream-Downstream",
                "Downstream-Upstream",
            ];
            if !known.contains(&word.as_str()) {
                return self.error(format!(
                    "`{word}` is not a relationship; expected `->`, `<-`, `<->`, Partnership, \
                     Shared-Kernel, Customer-Supplier, Supplier-Customer, Upstream-Downstream or \
                     Downstream-Upstream"
                ));
            }
            self.at += 3;
            word
        } else {
            return self.error(format!(
                "expected a relationship connector (`->`, `<-`, `<->` or a keyword) after `{left}`"
            ));
        };
        let mut right_roles = self.roles()?;
        let (right, _) = self.name("the second bounded context of the relationship")?;
        right_roles.extend(self.roles()?);
        let name = if self.eat_punct(":") {
            Some(self.name("the relationship")?.0)
        } else {
            None
        };
        let mut kept = Vec::new();
        if self.eat_punct("{") {
            while self.more("the relationship")? {
                kept.push(self.skip_item(&|_| false)?);
            }
        }
        let text = self.text_from(from);
        let has = |roles: &[(String, Pos)], r: &str| roles.iter().any(|(n, _)| n == r);
        let symmetric =
            connector == "<->" || connector == "Partnership" || connector == "Shared-Kernel";
        if symmetric {
            let p = connector == "Partnership" || has(&left_roles, "P") || has(&right_roles, "P");
            for (r, rp) in left_roles.iter().chain(&right_roles) {
                if r != "P" && r != "SK" {
                    return Err(CmlError::new(
                        rp.line,
                        rp.column,
                        format!("role `{r}` on a symmetric relationship; expected P or SK"),
                    ));
                }
            }
            return Ok(RelDecl {
                pos,
                pattern: if p {
                    RelationshipPattern::Partnership
                } else {
                    RelationshipPattern::SharedKernel
                },
                upstream: left,
                downstream: right,
                upstream_roles: Vec::new(),
                downstream_roles: Vec::new(),
                name,
                kept,
                text,
            });
        }
        let left_is_upstream = matches!(
            connector.as_str(),
            "->" | "Upstream-Downstream" | "Supplier-Customer"
        );
        let (up, down, up_roles, down_roles) = if left_is_upstream {
            (left, right, left_roles, right_roles)
        } else {
            (right, left, right_roles, left_roles)
        };
        let customer_supplier =
            connector.contains("Customer") || has(&up_roles, "S") || has(&down_roles, "C");
        let mut upstream_roles = Vec::new();
        for (r, rp) in &up_roles {
            match r.as_str() {
                "U" | "S" => {}
                "OHS" => upstream_roles.push(UpstreamRole::OpenHostService),
                "PL" => upstream_roles.push(UpstreamRole::PublishedLanguage),
                _ => {
                    return Err(CmlError::new(
                        rp.line,
                        rp.column,
                        format!("`{r}` is not an upstream role; expected U, S, OHS or PL"),
                    ));
                }
            }
        }
        let mut downstream_roles = Vec::new();
        for (r, rp) in &down_roles {
            match r.as_str() {
                "D" | "C" => {}
                "ACL" => downstream_roles.push(DownstreamRole::AnticorruptionLayer),
                "CF" => downstream_roles.push(DownstreamRole::Conformist),
                _ => {
                    return Err(CmlError::new(
                        rp.line,
                        rp.column,
                        format!("`{r}` is not a downstream role; expected D, C, ACL or CF"),
                    ));
                }
            }
        }
        Ok(RelDecl {
            pos,
            pattern: if customer_supplier {
                RelationshipPattern::CustomerSupplier
            } else {
                RelationshipPattern::UpstreamDownstream
            },
            upstream: up,
            downstream: down,
            upstream_roles,
            downstream_roles,
            name,
            kept,
            text,
        })
    }

    /// The header clauses after a name (`implements A, B realizes C`, `extends X with T`):
    /// keywords from `words`, each followed by a comma list of names (with optional `@`).
    fn header(&mut self, words: &[&str]) -> Result<Option<(String, Vec<Clause>)>> {
        let from = self.at;
        let mut clauses = Vec::new();
        while let Some(w) = self.ident_at(0).filter(|w| words.contains(w)) {
            self.bump();
            loop {
                self.eat_punct("@");
                let (mut n, p) = self.name(&format!("what `{w}` names"))?;
                while self.is_punct(0, ".") && self.ident_at(1).is_some() {
                    self.bump();
                    n = format!("{n}.{}", self.bump_ident());
                }
                clauses.push((w.to_string(), n, p));
                if !self.eat_punct(",") {
                    break;
                }
            }
        }
        if self.at == from {
            return Ok(None);
        }
        Ok(Some((self.text_from(from).trim().to_string(), clauses)))
    }

    fn bump_ident(&mut self) -> String {
        match &self.bump().tok {
            Tok::Ident(w) => w.clone(),
            _ => String::new(),
        }
    }

    fn context(&mut self) -> Result<ContextDecl> {
        let comment = self.comment();
        self.bump();
        let (name, pos) = self.name("the bounded context")?;
        let mut c = ContextDecl {
            name,
            pos,
            comment,
            ..ContextDecl::default()
        };
        if let Some((text, clauses)) = self.header(&["implements", "realizes", "refines"])? {
            c.implements = clauses
                .iter()
                .find(|(w, _, _)| w == "implements")
                .map(|(_, n, p)| (n.clone(), *p));
            let simple = clauses.len() == 1 && clauses[0].0 == "implements";
            if !simple {
                c.header = Some(text);
            }
        }
        if !self.eat_punct("{") {
            return Ok(c);
        }
        let starts = |p: &Parser| {
            p.is_ident(0, "domainVisionStatement")
                || p.is_ident(0, "Aggregate")
                || p.is_ident(0, "Module")
                || p.is_ident(0, "Application")
        };
        let what = format!(
            "bounded context {} (opened at line {}, column {})",
            c.name, c.pos.line, c.pos.column
        );
        while self.more(&what)? {
            // A missing brace shows where the next top-level declaration starts.
            if ["BoundedContext", "ContextMap", "Domain"]
                .iter()
                .any(|w| self.is_ident(0, w))
            {
                return self.error(format!("expected `}}` to close {what}"));
            }
            let doc_aggregate = self.doc_string(0) && self.is_ident(1, "Aggregate");
            if self.is_ident(0, "domainVisionStatement") {
                c.vision = Some(self.setting_string("domainVisionStatement")?);
            } else if self.is_ident(0, "Aggregate") || doc_aggregate {
                let a = self.aggregate()?;
                c.aggregates.push(a);
            } else if self.is_ident(0, "Module") {
                let m = self.module()?;
                c.modules.push(m);
            } else if self.is_ident(0, "Application") {
                if c.application.is_some() {
                    return self.error("a bounded context has at most one Application");
                }
                c.application = Some(self.application()?);
            } else {
                c.kept.push(self.skip_body_item(&starts)?);
            }
        }
        Ok(c)
    }

    /// A module: its aggregates, and the rest of it as text to keep.
    fn module(&mut self) -> Result<ModuleDecl> {
        let from = self.at;
        self.bump();
        let (name, _) = self.name("the module")?;
        let mut m = ModuleDecl {
            name,
            ..ModuleDecl::default()
        };
        if !self.is_punct(0, "{") {
            m.text = self.text_from(from);
            return Ok(m);
        }
        self.bump();
        let mut text = self.text_from(from);
        loop {
            if self.is_punct(0, "}") {
                let close = self.at;
                self.bump();
                let t = &self.lx.tokens[close];
                let line_start = self.lx.src[..t.start].rfind('\n').map_or(0, |i| i + 1);
                let indent = &self.lx.src[line_start..t.start];
                text.push('\n');
                if indent.trim().is_empty() {
                    text.push_str(indent);
                }
                text.push('}');
                m.text = text;
                return Ok(m);
            }
            if self.tok(0).is_none() {
                return self.error("expected `}` to close the module");
            }
            if self.is_ident(0, "Aggregate") {
                let a = self.aggregate()?;
                m.aggregates.push(a);
            } else {
                let item = self.skip_item(&|p| p.is_ident(0, "Aggregate"))?;
                text.push('\n');
                text.push_str(&item);
            }
        }
    }

    fn application(&mut self) -> Result<ApplicationDecl> {
        self.bump();
        let mut app = ApplicationDecl::default();
        if !self.eat_punct("{") {
            return Ok(app);
        }
        let starts = |p: &Parser| {
            ["Command", "CommandEvent", "DomainEvent", "Event"]
                .iter()
                .any(|w| p.is_ident(0, w))
        };
        while self.more("the Application")? {
            if starts(self) {
                app.objects.push(self.object()?);
            } else {
                app.kept.push(self.skip_item(&starts)?);
            }
        }
        Ok(app)
    }

    fn object_start(&self) -> bool {
        let k = usize::from(self.doc_string(0));
        let k = if self.is_ident(k, "abstract") {
            k + 1
        } else {
            k
        };
        OBJECT_KEYWORDS.iter().any(|(w, _)| self.is_ident(k, w))
    }

    fn aggregate(&mut self) -> Result<AggregateDecl> {
        let mut comment = self.comment();
        if let Some(Token {
            tok: Tok::Str(doc), ..
        }) = self.tok(0)
        {
            comment = Some(doc.clone());
            self.bump();
        }
        self.bump();
        let (name, pos) = self.name("the aggregate")?;
        let mut a = AggregateDecl {
            name,
            comment,
            ..AggregateDecl::default()
        };
        if !self.eat_punct("{") {
            return Ok(a);
        }
        let what = format!(
            "aggregate {} (opened at line {}, column {})",
            a.name, pos.line, pos.column
        );
        while self.more(&what)? {
            if self.object_start() {
                a.objects.push(self.object()?);
            } else {
                a.kept.push(self.skip_body_item(&|p| p.object_start())?);
            }
        }
        Ok(a)
    }

    fn object(&mut self) -> Result<ObjectDecl> {
        let mut comment = self.comment();
        if let Some(Token {
            tok: Tok::Str(doc), ..
        }) = self.tok(0)
        {
            comment = Some(doc.clone());
            self.bump();
        }
        if self.is_ident(0, "abstract") {
            self.warnings.push((
                self.pos(),
                "`abstract` is not kept: the object is imported as a concrete one".into(),
            ));
            self.bump();
        }
        let keyword = self.bump_ident();
        let kind = OBJECT_KEYWORDS
            .iter()
            .find(|(w, _)| *w == keyword)
            .map(|(_, k)| *k)
            .unwrap_or(ElementKind::Entity);
        let (name, pos) = self.name(&format!("the {keyword}"))?;
        let header = self.header(&["extends", "with"])?.map(|(t, _)| t);
        let mut o = ObjectDecl {
            kind,
            name,
            pos,
            comment,
            header,
            root: false,
            attributes: Vec::new(),
            values: Vec::new(),
            kept: Vec::new(),
        };
        if !self.eat_punct("{") {
            return Ok(o);
        }
        if kind == ElementKind::Enumeration {
            self.enum_body(&mut o)?;
            return Ok(o);
        }
        let what = format!(
            "{keyword} {} (opened at line {}, column {})",
            o.name, o.pos.line, o.pos.column
        );
        while self.more(&what)? {
            if kind == ElementKind::DomainService {
                o.kept.push(self.skip_item(&|_| false)?);
                continue;
            }
            if self.is_ident(0, "aggregateRoot") && kind == ElementKind::Entity {
                self.bump();
                o.root = true;
            } else if self.is_punct(0, "-") {
                let from = self.at;
                self.bump();
                match self.attribute()? {
                    Some(a) => o.attributes.push(a),
                    None => {
                        self.at = from;
                        return self.error("expected a reference `- Type name`");
                    }
                }
            } else if self.attribute_start() {
                let from = self.at;
                match self.attribute()? {
                    Some(a) => o.attributes.push(a),
                    None => {
                        self.at = from;
                        o.kept
                            .push(self.skip_item(&|p| p.attribute_start() || p.is_punct(0, "-"))?);
                    }
                }
            } else {
                o.kept.push(self.skip_item(&|_| false)?);
            }
        }
        // Settings come before attributes in CML, operations and the repository after: keep
        // them in that order so that the exporter can write them around the attributes.
        let (mut settings, trailing): (Vec<String>, Vec<String>) =
            o.kept.drain(..).partition(|k| !is_trailing(k));
        settings.extend(trailing);
        o.kept = settings;
        Ok(o)
    }

    /// Whether the tokens ahead look like `Type name` (or `List<Type> name`).
    fn attribute_start(&self) -> bool {
        let Some(w) = self.ident_at(0) else {
            return false;
        };
        if OBJECT_SETTINGS.contains(&w) || w == "aggregateRoot" {
            return false;
        }
        // `Type name`, `A.B name`, `List<T> name`, starting on one line.
        let same_line =
            matches!((self.tok(0), self.tok(1)), (Some(a), Some(b)) if a.line == b.line);
        same_line && (self.ident_at(1).is_some() || self.is_punct(1, ".") || self.is_punct(1, "<"))
    }

    /// `Type name options [;]` (after the `-` of a reference). `None` when the tokens are
    /// not an attribute after all (the caller keeps them verbatim).
    fn attribute(&mut self) -> Result<Option<AttributeDecl>> {
        let pos = self.pos();
        for v in ["public", "private", "protected", "package"] {
            if self.is_ident(0, v) {
                self.bump();
            }
        }
        let mut list = false;
        self.eat_punct("@");
        let Some(first) = self.ident_at(0) else {
            return Ok(None);
        };
        self.bump();
        let mut type_name = first.to_string();
        if self.is_punct(0, "<") {
            list = true;
            self.bump();
            self.eat_punct("@");
            let (inner, _) = self.name("the element type of the collection")?;
            type_name = inner;
            while self.eat_punct(".") {
                type_name = format!("{type_name}.{}", self.name("a type")?.0);
            }
            self.expect_punct(">", "to close the collection type")?;
        } else {
            while self.is_punct(0, ".") {
                self.bump();
                type_name = format!("{type_name}.{}", self.name("a type")?.0);
            }
        }
        let Some(name) = self.ident_at(0) else {
            return Ok(None);
        };
        let line = self.tok(0).map(|t| t.line).unwrap_or(0);
        // The name belongs to the type's line; anything else is not an attribute.
        if line != pos.line {
            return Ok(None);
        }
        self.bump();
        let mut a = AttributeDecl {
            name: name.to_string(),
            pos,
            type_name,
            list,
            key: false,
            required: false,
            kept: Vec::new(),
        };
        // Options: on the same line, from the grammar's list.
        loop {
            let same_line = self.tok(0).is_some_and(|t| t.line == line);
            if !same_line {
                break;
            }
            if self.eat_punct(";") {
                break;
            }
            let negated = self.is_punct(0, "!") || self.is_ident(0, "not");
            let k = usize::from(negated);
            let Some(opt) = self.ident_at(k).filter(|w| ATTRIBUTE_OPTIONS.contains(w)) else {
                break;
            };
            let from = self.at;
            self.at += k + 1;
            if self.is_punct(0, "=") {
                self.bump();
                if matches!(
                    self.tok(0),
                    Some(Token {
                        tok: Tok::Str(_),
                        ..
                    })
                ) {
                    self.bump();
                } else {
                    self.name("the option's value")?;
                }
            } else if opt == "opposite" {
                self.name("the opposite reference")?;
            }
            match (opt, negated, self.at - from) {
                ("key", false, 1) => a.key = true,
                ("required", false, 1) => a.required = true,
                _ => {
                    let t = self.text_from(from);
                    a.kept.push(t.trim().to_string());
                }
            }
        }
        Ok(Some(a))
    }

    fn enum_body(&mut self, o: &mut ObjectDecl) -> Result<()> {
        let what = format!("enum {}", o.name);
        while self.more(&what)? {
            let next_is_value_sep = self.is_punct(1, ",")
                || self.is_punct(1, "}")
                || self.is_punct(1, ";")
                || self.is_punct(1, "(");
            if ["aggregateLifecycle", "ordinal", "hint", "package"]
                .iter()
                .any(|w| self.is_ident(0, w))
                && !next_is_value_sep
            {
                o.kept.push(self.skip_item(&|_| false)?);
                continue;
            }
            let (v, _) = self.name("an enum value")?;
            if self.is_punct(0, "(") {
                let p = self.pos();
                self.skip_item(&|_| false)?;
                self.warnings
                    .push((p, format!("the parameters of enum value {v} are not kept")));
            }
            o.values.push(v);
            if !self.eat_punct(",") {
                self.eat_punct(";");
            }
        }
        Ok(())
    }

    fn domain(&mut self) -> Result<DomainDecl> {
        self.bump();
        let (name, _) = self.name("the domain")?;
        let mut d = DomainDecl {
            name,
            ..DomainDecl::default()
        };
        if !self.eat_punct("{") {
            return Ok(d);
        }
        let what = format!("domain {}", d.name);
        while self.more(&what)? {
            if self.is_ident(0, "Subdomain") {
                d.subdomains.push(self.subdomain()?);
            } else {
                d.kept
                    .push(self.skip_item(&|p| p.is_ident(0, "Subdomain"))?);
            }
        }
        Ok(d)
    }

    fn subdomain(&mut self) -> Result<SubdomainDecl> {
        self.bump();
        let (name, pos) = self.name("the subdomain")?;
        let header = self.header(&["supports"])?.map(|(t, _)| t);
        let mut s = SubdomainDecl {
            name,
            pos,
            kind: None,
            header,
            vision: None,
            kept: Vec::new(),
        };
        if !self.eat_punct("{") {
            return Ok(s);
        }
        let starts = |p: &Parser| p.is_ident(0, "type") || p.is_ident(0, "domainVisionStatement");
        let what = format!("subdomain {}", s.name);
        while self.more(&what)? {
            if self.is_ident(0, "type") {
                self.bump();
                self.eat_punct("=");
                let p = self.pos();
                let (t, _) = self.name("the subdomain type")?;
                s.kind = match t.as_str() {
                    "CORE_DOMAIN" => Some(SubdomainKind::Core),
                    "SUPPORTING_DOMAIN" => Some(SubdomainKind::Supporting),
                    "GENERIC_SUBDOMAIN" => Some(SubdomainKind::Generic),
                    "UNDEFINED" => None,
                    _ => {
                        return Err(CmlError::new(
                            p.line,
                            p.column,
                            format!(
                                "`{t}` is not a subdomain type; expected CORE_DOMAIN, \
                                 SUPPORTING_DOMAIN, GENERIC_SUBDOMAIN or UNDEFINED"
                            ),
                        ));
                    }
                };
            } else if self.is_ident(0, "domainVisionStatement") {
                s.vision = Some(self.setting_string("domainVisionStatement")?);
            } else {
                s.kept.push(self.skip_item(&starts)?);
            }
        }
        Ok(s)
    }
}

fn p_is(t: &Token, p: &str) -> bool {
    matches!(t.tok, Tok::Punct(q) if q == p)
}

/// Whether a kept item of a domain object goes after its attributes (an operation or the
/// repository) rather than before them (a setting).
pub(crate) fn is_trailing(item: &str) -> bool {
    let t = item.trim_start();
    t.starts_with("def ") || t.starts_with('*') || t.starts_with("Repository") || t.starts_with('"')
}
