//! Why an import failed. Every message names the problem and, where there is one, the line
//! and column (1-based; the column counts characters).

use thiserror::Error;

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum BpmnError {
    #[error("the input is empty: a BPMN file is an XML document")]
    Empty,

    #[error("the input is binary data ({what}), not a BPMN XML document")]
    Binary { what: String },

    #[error(
        "unsupported encoding \"{encoding}\" declared at line {line}, column {column}: only \
         UTF-8, US-ASCII and ISO-8859-1 are read; re-save the file as UTF-8"
    )]
    UnsupportedEncoding {
        encoding: String,
        line: usize,
        column: usize,
    },

    #[error(
        "the input is not valid UTF-8: invalid byte 0x{byte:02X} at line {line}, column \
         {column}; BPMN files must be UTF-8"
    )]
    InvalidUtf8 {
        byte: u8,
        line: usize,
        column: usize,
    },

    #[error("not an XML document: {found} at line {line}, column {column}")]
    NotXml {
        found: String,
        line: usize,
        column: usize,
    },

    #[error("malformed XML at line {line}, column {column}: {message}")]
    Malformed {
        message: String,
        line: usize,
        column: usize,
    },

    #[error(
        "not a BPMN 2.0 document: the root element <{element}> (line {line}, column {column}) is \
         {namespace}; expected <definitions> in the namespace \
         http://www.omg.org/spec/BPMN/20100524/MODEL"
    )]
    NotBpmn {
        element: String,
        namespace: String,
        line: usize,
        column: usize,
    },

    #[error(
        "duplicate id \"{id}\" at line {line}, column {column}: already used at line \
         {first_line}, column {first_column}"
    )]
    DuplicateId {
        id: String,
        line: usize,
        column: usize,
        first_line: usize,
        first_column: usize,
    },
}

impl BpmnError {
    /// The 1-based line the error points at, when it has one.
    pub fn line(&self) -> Option<usize> {
        match self {
            BpmnError::Empty | BpmnError::Binary { .. } => None,
            BpmnError::UnsupportedEncoding { line, .. }
            | BpmnError::InvalidUtf8 { line, .. }
            | BpmnError::NotXml { line, .. }
            | BpmnError::Malformed { line, .. }
            | BpmnError::NotBpmn { line, .. }
            | BpmnError::DuplicateId { line, .. } => Some(*line),
        }
    }
}
