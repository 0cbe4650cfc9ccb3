//! Triloop's exchange formats: pure functions between bytes or text and model types. No I/O.
//!
//! - [`bpmn`]: BPMN 2.0 XML with diagram interchange, imported into a lossless typed model
//!   and exported back.
//! - [`cml`]: Context Mapper's CML, imported into a domain model and exported back.
//! - [`ddl`]: the data model derived from a domain model, and its SQL DDL.
//! - [`openapi`]: OpenAPI 3.1 for the services a sandbox prototype's actions imply.

pub mod bpmn;
pub mod cml;
pub mod ddl;
pub mod openapi;
