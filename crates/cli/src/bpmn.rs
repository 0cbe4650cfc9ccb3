//! `triloop bpmn check|roundtrip`: BPMN 2.0 XML files on their own, without the store.

use std::path::Path;

use api::{ApiError, ErrorCode};
use formats::bpmn;
use model::validate::validate;

use crate::{BpmnCommand, CheckReport};

/// A flow problem as `bpmn check` prints it: with its severity and the bpmnlint rules it
/// stands for.
#[derive(serde::Serialize)]
struct ProblemOut {
    code: model::validate::ProblemCode,
    element: String,
    severity: model::validate::Severity,
    message: String,
    /// The bpmnlint rules the code stands for (empty for Triloop's own checks).
    rules: &'static [&'static str],
}

pub fn run(cmd: &BpmnCommand) -> Result<(), ApiError> {
    match cmd {
        BpmnCommand::Check { file } => {
            let model = import(file)?;
            let problems = validate(&bpmn::validation_graph(&model))
                .into_iter()
                .map(|p| ProblemOut {
                    message: p.code.message(&p.element, false),
                    rules: p.code.rules(),
                    code: p.code,
                    element: p.element,
                    severity: p.severity,
                })
                .collect();
            let report = CheckReport {
                file: file.display().to_string(),
                counts: model.counts(),
                problems,
                warnings: &model.warnings,
            };
            report.print();
            Ok(())
        }
        BpmnCommand::Roundtrip { input, output } => {
            crate::write_atomically(output, &bpmn::export(&import(input)?))
        }
        BpmnCommand::Svg { input, output } => {
            crate::write_atomically(output, &bpmn::to_svg(&import(input)?))
        }
    }
}

fn import(file: &Path) -> Result<bpmn::BpmnModel, ApiError> {
    let bytes = crate::read_input(file)?;
    bpmn::import(&bytes)
        .map_err(|e| ApiError::new(ErrorCode::BadFile, format!("{}: {e}", file.display())))
}
