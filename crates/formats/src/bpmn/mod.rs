//! BPMN 2.0 XML import and export with diagram interchange (BPMNDI).
//!
//! [`import`] reads a `definitions` document into a [`BpmnModel`]: the flow elements, lanes,
//! data, artifacts, collaborations and DI shapes and edges are typed; everything else is kept
//! as raw XML where it appeared, so [`export`] writes the same document back (same elements,
//! ids, attributes, extensions and layout; formatting and namespace prefixes of typed elements
//! may differ).

mod error;
mod export;
pub mod flowdoc;
mod import;
pub mod layout;
mod model;
mod svg;
mod validation;
mod xml;

pub use error::BpmnError;
pub use export::export;
pub use import::import;
pub use model::*;
pub use svg::to_svg;
pub use validation::validation_graph;

#[cfg(test)]
mod tests;
