//! Context Mapper's CML, both ways: [`import`] reads a `.cml` file into a
//! [`DomainModel`], [`export`] writes a model as CML that Context Mapper reads, and
//! [`to_svg`] draws the context map.
//!
//! What Triloop models (context map, relationships, bounded contexts, domains and
//! subdomains, aggregates, entities, value objects, domain events, commands, enums,
//! services, attributes and references) becomes records; everything else is kept as CML
//! text: inside a record as its `kept` string (one item per line, as written), and around
//! records as [`Extra`](model::domain::Extra) records (top-level blocks such as use cases
//! and stakeholders, the map's settings, a context's header and Application, a domain's
//! settings). Ids are derived from names (`ctx:Name`, `agg:Context/Name`,
//! `entity:Context/Name`, `attr:<owner id>/name`, …) so that import → export → import gives
//! the same model. The crate's README describes the mapping in full.

mod build;
mod export;
mod lexer;
mod parser;
mod svg;

use std::collections::BTreeMap;

use model::domain::DomainModel;
use serde::Serialize;

pub use export::export;
pub use svg::to_svg;

/// Why a file did not import: nothing of it is imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct CmlError {
    /// 1-based line of the problem.
    pub line: usize,
    /// 1-based column (in characters) of the problem.
    pub column: usize,
    pub message: String,
}

impl CmlError {
    pub(crate) fn new(line: usize, column: usize, message: String) -> Self {
        CmlError {
            line,
            column,
            message,
        }
    }
}

/// Something tolerable in a file that imported (an undefined name, a construct not kept).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CmlWarning {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// An imported file: the model and what was odd about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    pub model: DomainModel,
    pub warnings: Vec<CmlWarning>,
}

/// Reads a CML file. A syntax error, binary data or text that is not UTF-8 fails with the
/// line and column; then nothing is imported.
pub fn import(bytes: &[u8]) -> Result<Imported, CmlError> {
    let text = lexer::decode(bytes)?;
    let lexed = lexer::lex(text)?;
    let mut parser = parser::Parser::new(&lexed);
    let file = parser.file()?;
    let mut warnings: Vec<CmlWarning> = parser
        .warnings
        .into_iter()
        .map(|(p, message)| CmlWarning {
            line: p.line,
            column: p.column,
            message,
        })
        .collect();
    let model = build::build(file, &mut warnings);
    Ok(Imported { model, warnings })
}

/// Counts per record type and element kind (as [`DomainModel::counts`]).
pub fn counts(model: &DomainModel) -> BTreeMap<String, usize> {
    model.counts()
}

#[cfg(test)]
mod tests;
