//! `triloop cml check|roundtrip|ddl|svg`: Context Mapper CML files on their own, without
//! the store.

use std::path::Path;

use api::{ApiError, ErrorCode};
use formats::{cml, ddl};
use model::domain::validate;

use crate::{CheckReport, CmlCommand, ProblemOut};

pub fn run(cmd: &CmlCommand) -> Result<(), ApiError> {
    match cmd {
        CmlCommand::Check { file } => {
            let imported = import(file)?;
            let m = &imported.model;
            // Problems name the element by its name where it has one (ids are derived).
            let problems = validate(m)
                .into_iter()
                .map(|p| {
                    let shown = display_name(m, &p.element);
                    ProblemOut {
                        message: p.code.message(&shown, false),
                        code: p.code,
                        element: p.element,
                    }
                })
                .collect();
            let report = CheckReport {
                file: file.display().to_string(),
                counts: cml::counts(m),
                problems,
                warnings: &imported.warnings,
            };
            report.print();
            Ok(())
        }
        CmlCommand::Roundtrip { input, output } => {
            crate::write_atomically(output, &cml::export(&import(input)?.model))
        }
        CmlCommand::Ddl { input, dialect } => {
            let dialect = ddl::Dialect::parse(dialect).ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidInput,
                    format!(
                        "unknown dialect {dialect:?}: expected postgres, mysql, sqlite or oracle"
                    ),
                )
            })?;
            print!(
                "{}",
                ddl::to_sql(&ddl::derive(&import(input)?.model), dialect)
            );
            Ok(())
        }
        CmlCommand::Svg { input, output } => {
            crate::write_atomically(output, &cml::to_svg(&import(input)?.model))
        }
    }
}

/// `Context.Element` or `Element.attribute` for a problem's record, else its id.
fn display_name(m: &model::domain::DomainModel, id: &str) -> String {
    if let Some(e) = m.element(id) {
        let ctx = m.context(&e.context).map_or("", |c| c.name.as_str());
        return format!("{ctx}.{}", e.name);
    }
    if let Some(a) = m.attributes.iter().find(|a| a.id == id) {
        let owner = m.element(&a.owner).map_or("", |e| e.name.as_str());
        return format!("{owner}.{}", a.name);
    }
    id.to_string()
}

fn import(file: &Path) -> Result<cml::Imported, ApiError> {
    let bytes = crate::read_input(file)?;
    cml::import(&bytes)
        .map_err(|e| ApiError::new(ErrorCode::BadFile, format!("{}: {e}", file.display())))
}
