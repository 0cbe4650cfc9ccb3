//! Triloop's exchange formats: pure functions between bytes or text and model types. No I/O.
//!
//! - [`bpmn`]: BPMN 2.0 XML with diagram interchange, imported into a lossless typed model
//!   and exported back.

pub mod bpmn;
