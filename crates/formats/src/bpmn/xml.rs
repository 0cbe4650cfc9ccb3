//! A namespace-aware XML reader on top of quick-xml that builds a small element tree with
//! byte offsets (for error messages), keeping everything: namespace declarations, attributes
//! in order, text, CDATA, comments and processing instructions.

use quick_xml::XmlVersion;
use quick_xml::events::attributes::AttrError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use super::error::BpmnError;
use super::model::{NsDecl, XML_NS, XmlAttr, XmlElement, XmlNode};

/// Maps byte offsets to 1-based line and column (the column counts characters).
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                starts.push(i + 1);
            }
        }
        LineIndex { text, starts }
    }

    pub(crate) fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = match self.text.get(start..offset) {
            Some(s) => s.chars().count() + 1,
            None => offset - start + 1,
        };
        (line, column)
    }
}

/// An element of the parsed tree.
pub(crate) struct PElem {
    pub ns: Option<String>,
    pub prefix: Option<String>,
    pub local: String,
    pub ns_decls: Vec<NsDecl>,
    pub attrs: Vec<XmlAttr>,
    pub children: Vec<PNode>,
    /// Byte offset of the `<` that opens the element.
    pub offset: usize,
}

pub(crate) enum PNode {
    Elem(PElem),
    /// Text, CDATA, comments and processing instructions.
    Other(XmlNode),
}

impl PElem {
    /// The name as written.
    pub(crate) fn qname(&self) -> String {
        match &self.prefix {
            Some(p) => format!("{p}:{}", self.local),
            None => self.local.clone(),
        }
    }

    pub(crate) fn into_raw(self) -> XmlElement {
        XmlElement {
            ns: self.ns,
            prefix: self.prefix,
            local: self.local,
            ns_decls: self.ns_decls,
            attrs: self.attrs,
            children: self.children.into_iter().map(PNode::into_raw).collect(),
        }
    }
}

impl PNode {
    pub(crate) fn into_raw(self) -> XmlNode {
        match self {
            PNode::Elem(e) => XmlNode::Element(e.into_raw()),
            PNode::Other(n) => n,
        }
    }
}

pub(crate) struct PDoc {
    pub prolog: Vec<XmlNode>,
    pub root: PElem,
    pub epilog: Vec<XmlNode>,
}

struct Parser<'a, 'l> {
    src: &'a str,
    lines: &'l LineIndex<'a>,
    stack: Vec<PElem>,
    text: String,
    text_offset: usize,
    prolog: Vec<XmlNode>,
    epilog: Vec<XmlNode>,
    root: Option<PElem>,
}

impl Parser<'_, '_> {
    fn err(&self, offset: usize, message: impl Into<String>) -> BpmnError {
        let (line, column) = self.lines.position(offset);
        BpmnError::Malformed {
            message: message.into(),
            line,
            column,
        }
    }

    fn lookup(&self, own: &[NsDecl], prefix: &str) -> Option<String> {
        if prefix == "xml" {
            return Some(XML_NS.to_string());
        }
        let found = own
            .iter()
            .rev()
            .chain(
                self.stack
                    .iter()
                    .rev()
                    .flat_map(|e| e.ns_decls.iter().rev()),
            )
            .find(|d| d.prefix == prefix)
            .map(|d| d.uri.clone());
        found.filter(|u| !u.is_empty())
    }

    fn push_node(&mut self, node: XmlNode, offset: usize) -> Result<(), BpmnError> {
        if let Some(top) = self.stack.last_mut() {
            top.children.push(PNode::Other(node));
            return Ok(());
        }
        match node {
            XmlNode::Comment(_) | XmlNode::ProcessingInstruction(_) => {
                if self.root.is_some() {
                    self.epilog.push(node);
                } else {
                    self.prolog.push(node);
                }
                Ok(())
            }
            _ => Err(self.err(offset, "content outside the root element")),
        }
    }

    fn flush_text(&mut self) -> Result<(), BpmnError> {
        if self.text.is_empty() {
            return Ok(());
        }
        let text = std::mem::take(&mut self.text);
        if self.stack.is_empty() {
            if text.chars().all(is_xml_space) {
                return Ok(());
            }
            let what = if self.root.is_some() {
                "text after the end of the root element"
            } else {
                "text before the root element"
            };
            let start = self.src.get(self.text_offset..).unwrap_or("");
            let skip = start.find(|c: char| !is_xml_space(c)).unwrap_or(0);
            return Err(self.err(self.text_offset + skip, what));
        }
        self.push_node(XmlNode::Text(text), self.text_offset)
    }

    fn start(&mut self, e: &BytesStart<'_>, offset: usize) -> Result<PElem, BpmnError> {
        if self.stack.is_empty() && self.root.is_some() {
            return Err(self.err(offset, "a second root element: a document has exactly one"));
        }
        let name = e.name().0;
        if !is_qname(name) {
            return Err(self.err(offset + 1, format!("invalid element name \"{name}\"")));
        }
        let mut ns_decls = Vec::new();
        let mut raw_attrs: Vec<(String, String, usize)> = Vec::new();
        for a in e.attributes() {
            let a = a.map_err(|err| {
                let (pos, msg) = attr_error(&err);
                let at = offset + 1 + pos;
                let near = name_at(self.src, at);
                let msg = if near.is_empty() {
                    msg.to_string()
                } else {
                    format!("{msg} (\"{near}\")")
                };
                self.err(at, format!("in <{name}>: {msg}"))
            })?;
            let key = a.key.0;
            let key_offset = attr_offset(self.src, offset, key);
            if !is_qname(key) {
                return Err(self.err(
                    key_offset,
                    format!("in <{name}>: invalid attribute name \"{key}\""),
                ));
            }
            let value = a.normalized_value(XmlVersion::Implicit1_0).map_err(|err| {
                self.err(
                    key_offset,
                    format!("in <{name}>: attribute \"{key}\" has an invalid value: {err}"),
                )
            })?;
            if let Some(c) = value.chars().find(|c| !is_xml_char(*c)) {
                return Err(self.err(
                    key_offset,
                    format!(
                        "in <{name}>: attribute \"{key}\" refers to the character U+{:04X}, which is not allowed in XML",
                        c as u32
                    ),
                ));
            }
            if key == "xmlns" {
                ns_decls.push(NsDecl {
                    prefix: String::new(),
                    uri: value.into_owned(),
                });
            } else if let Some(prefix) = key.strip_prefix("xmlns:") {
                if value.is_empty() {
                    return Err(self.err(
                        key_offset,
                        format!("in <{name}>: the namespace prefix \"{prefix}\" is bound to an empty URI"),
                    ));
                }
                if (prefix == "xml") != (value == XML_NS) || prefix == "xmlns" {
                    return Err(self.err(
                        key_offset,
                        format!(
                            "in <{name}>: the reserved prefix \"{prefix}\" is bound to \"{value}\""
                        ),
                    ));
                }
                ns_decls.push(NsDecl {
                    prefix: prefix.to_string(),
                    uri: value.into_owned(),
                });
            } else {
                raw_attrs.push((key.to_string(), value.into_owned(), key_offset));
            }
        }
        let (prefix, local) = split_qname(name);
        let ns = match prefix {
            Some(p) => Some(self.lookup(&ns_decls, p).ok_or_else(|| {
                self.err(
                    offset + 1,
                    format!("the namespace prefix \"{p}\" of <{name}> is not declared"),
                )
            })?),
            None => self.lookup(&ns_decls, ""),
        };
        let mut attrs: Vec<XmlAttr> = Vec::with_capacity(raw_attrs.len());
        for (key, value, key_offset) in raw_attrs {
            let (p, l) = split_qname(&key);
            let ans = match p {
                Some(p) => Some(self.lookup(&ns_decls, p).ok_or_else(|| {
                    self.err(
                        key_offset,
                        format!(
                            "in <{name}>: the namespace prefix \"{p}\" of the attribute \"{key}\" is not declared"
                        ),
                    )
                })?),
                None => None,
            };
            if attrs.iter().any(|a| a.ns == ans && a.local == l) {
                return Err(self.err(
                    key_offset,
                    format!("in <{name}>: the attribute \"{key}\" is given twice"),
                ));
            }
            attrs.push(XmlAttr {
                ns: ans,
                prefix: p.map(str::to_string),
                local: l.to_string(),
                value,
            });
        }
        Ok(PElem {
            ns,
            prefix: prefix.map(str::to_string),
            local: local.to_string(),
            ns_decls,
            attrs,
            children: Vec::new(),
            offset,
        })
    }

    fn finish(&mut self, mut el: PElem) {
        // Whitespace between elements is not content: drop it when the element holds only
        // elements (and comments); keep every character of text and mixed content.
        let has_elem = el.children.iter().any(|c| matches!(c, PNode::Elem(_)));
        let has_content = el.children.iter().any(|c| match c {
            PNode::Other(XmlNode::Text(t)) => !t.chars().all(is_xml_space),
            PNode::Other(XmlNode::CData(_)) => true,
            _ => false,
        });
        if has_elem && !has_content {
            el.children
                .retain(|c| !matches!(c, PNode::Other(XmlNode::Text(_))));
        }
        match self.stack.last_mut() {
            Some(parent) => parent.children.push(PNode::Elem(el)),
            None => self.root = Some(el),
        }
    }
}

fn attr_error(e: &AttrError) -> (usize, &'static str) {
    match e {
        AttrError::ExpectedEq(p) => (*p, "an attribute without '=' and value"),
        AttrError::ExpectedValue(p) => (*p, "an attribute without a value"),
        AttrError::UnquotedValue(p) => (*p, "an attribute value without quotes"),
        AttrError::ExpectedQuote(p, _) => (*p, "an attribute value without a closing quote"),
        AttrError::Duplicated(p, _) => (*p, "an attribute given twice"),
    }
}

/// The attribute name that starts at `at`, for error messages.
fn name_at(src: &str, at: usize) -> &str {
    let rest = src.get(at..).unwrap_or("");
    let end = rest
        .char_indices()
        .take(40)
        .find(|&(_, c)| c.is_whitespace() || c == '=' || c == '>' || c == '/')
        .map_or_else(
            || rest.char_indices().nth(40).map_or(rest.len(), |(i, _)| i),
            |(i, _)| i,
        );
    &rest[..end]
}

/// Where the attribute `key` starts in the start tag at `tag_start` (the tag itself when it
/// cannot be found), for error messages.
fn attr_offset(src: &str, tag_start: usize, key: &str) -> usize {
    let tag = src.get(tag_start..).unwrap_or("");
    let mut from = 1;
    while let Some(i) = tag.get(from..).and_then(|t| t.find(key)) {
        let pos = from + i;
        let before = tag
            .as_bytes()
            .get(pos - 1)
            .is_some_and(|b| b.is_ascii_whitespace());
        let after = tag.get(pos + key.len()..).unwrap_or("").trim_start();
        if before && after.starts_with('=') {
            return tag_start + pos;
        }
        from = pos + key.len();
    }
    tag_start
}

pub(crate) fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

fn is_name_start(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic() || (c >= '\u{C0}' && c != '\u{D7}' && c != '\u{F7}')
}

fn is_name_char(c: char) -> bool {
    is_name_start(c) || c == '-' || c == '.' || c.is_ascii_digit() || c == '\u{B7}'
}

/// A name that is valid in namespace-aware XML: an NCName, or two NCNames joined by ':'.
fn is_qname(name: &str) -> bool {
    let ncname = |s: &str| {
        let mut chars = s.chars();
        chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
    };
    match name.split_once(':') {
        Some((p, l)) => ncname(p) && ncname(l),
        None => ncname(name),
    }
}

fn split_qname(name: &str) -> (Option<&str>, &str) {
    match name.split_once(':') {
        Some((p, l)) => (Some(p), l),
        None => (None, name),
    }
}

fn predefined_entity(name: &str) -> Option<char> {
    Some(match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "apos" => '\'',
        "quot" => '"',
        _ => return None,
    })
}

/// Parses a UTF-8 document into a tree. The caller has checked the encoding.
pub(crate) fn parse(text: &str, lines: &LineIndex<'_>) -> Result<PDoc, BpmnError> {
    let mut reader = Reader::from_str(text);
    {
        let config = reader.config_mut();
        config.check_end_names = true;
        config.check_comments = true;
        config.expand_empty_elements = false;
        config.trim_text(false);
    }
    let mut p = Parser {
        src: text,
        lines,
        stack: Vec::new(),
        text: String::new(),
        text_offset: 0,
        prolog: Vec::new(),
        epilog: Vec::new(),
        root: None,
    };
    let mut first = true;
    loop {
        let offset = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) => {
                let pos = reader.error_position() as usize;
                return Err(p.err(pos, e.to_string()));
            }
        };
        let is_first = first;
        first = false;
        match event {
            Event::Start(e) => {
                p.flush_text()?;
                let el = p.start(&e, offset)?;
                p.stack.push(el);
            }
            Event::Empty(e) => {
                p.flush_text()?;
                let el = p.start(&e, offset)?;
                p.finish(el);
            }
            Event::End(_) => {
                p.flush_text()?;
                match p.stack.pop() {
                    Some(el) => p.finish(el),
                    None => return Err(p.err(offset, "an end tag without a start tag")),
                }
            }
            Event::Text(t) => {
                if p.text.is_empty() {
                    p.text_offset = offset;
                }
                p.text.push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) => {
                if p.text.is_empty() {
                    p.text_offset = offset;
                }
                let name = r.clone().into_inner();
                let ch = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => predefined_entity(&name),
                    Err(_) => None,
                };
                match ch {
                    Some(c) if is_xml_char(c) => p.text.push(c),
                    _ => {
                        return Err(p.err(
                            offset,
                            format!(
                                "unknown or invalid entity or character reference \"&{name};\""
                            ),
                        ));
                    }
                }
            }
            Event::CData(c) => {
                p.flush_text()?;
                let content = c.xml10_content().into_owned();
                p.push_node(XmlNode::CData(content), offset)?;
            }
            Event::Comment(c) => {
                p.flush_text()?;
                let content = c.xml10_content().into_owned();
                p.push_node(XmlNode::Comment(content), offset)?;
            }
            Event::PI(pi) => {
                p.flush_text()?;
                let content = pi.into_inner().into_owned();
                p.push_node(XmlNode::ProcessingInstruction(content), offset)?;
            }
            Event::Decl(d) => {
                if !is_first {
                    return Err(p.err(
                        offset,
                        "the XML declaration must be at the very start of the document",
                    ));
                }
                match d.version() {
                    Ok(v) if v == "1.0" => {}
                    Ok(v) => {
                        return Err(p.err(offset, format!("unsupported XML version \"{v}\"")));
                    }
                    Err(e) => return Err(p.err(offset, e.to_string())),
                }
            }
            Event::DocType(_) => {
                return Err(p.err(
                    offset,
                    "document type declarations (<!DOCTYPE …>) are not supported in BPMN files",
                ));
            }
            Event::Eof => {
                p.flush_text()?;
                if let Some(open) = p.stack.last() {
                    let (line, column) = lines.position(open.offset);
                    return Err(p.err(
                        text.len(),
                        format!(
                            "the document ends while <{}> (opened at line {line}, column {column}) is not closed",
                            open.qname()
                        ),
                    ));
                }
                break;
            }
        }
    }
    match p.root {
        Some(root) => Ok(PDoc {
            prolog: p.prolog,
            root,
            epilog: p.epilog,
        }),
        None => Err(p.err(text.len(), "the document has no root element")),
    }
}

/// A character allowed in an XML 1.0 document.
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}
