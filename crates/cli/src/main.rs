//! `triloop`: the command line over the same local store as the app, without a window.

use std::path::PathBuf;
use std::process::ExitCode;

use api::{
    ApiError, Config, Core, DocKind, EdgeKind, ErrorCode, FlowEdge, FlowNode, FlowOp, Lane,
    NodeKind, SqlDialect,
};
use clap::{Parser, Subcommand};

mod bpmn;
mod cml;

#[derive(Parser)]
#[command(
    name = "triloop",
    version,
    about = "Triloop on the command line: workspaces without a window"
)]
struct Cli {
    /// The data folder holding triloop.db (default: $TRILOOP_DATA_DIR, else the app-data folder).
    #[arg(long, global = true, value_name = "PATH")]
    data_dir: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the workspaces in the store.
    Workspaces,
    /// List the documents of a workspace (by id or exact name).
    Documents { workspace: String },
    /// Export a workspace to a folder of JSON files.
    Export { workspace: String, dir: PathBuf },
    /// Import an exported folder as a new workspace.
    Import { dir: PathBuf },
    /// BPMN 2.0 XML files: check, round-trip, draw and lay them out.
    #[command(subcommand)]
    Bpmn(BpmnCli),
    /// Context Mapper CML files: check, round-trip, derive SQL DDL, draw the context map.
    #[command(subcommand)]
    Cml(CmlCommand),
    /// Domain models in the store.
    #[command(subcommand)]
    Domain(DomainCommand),
    /// Sandbox prototypes in the store: their OpenAPI, their self-contained HTML.
    #[command(subcommand)]
    Prototype(PrototypeCommand),
    /// Create a workspace with one generated business flow (for benchmarks).
    #[command(hide = true)]
    GenFlow {
        #[arg(long)]
        nodes: usize,
        #[arg(long, default_value = "Benchmark")]
        name: String,
    },
    /// Create a workspace with one generated sandbox prototype (for benchmarks).
    #[command(hide = true)]
    GenPrototype {
        #[arg(long, default_value_t = 200)]
        screens: usize,
        /// Components per screen.
        #[arg(long, default_value_t = 50)]
        components: usize,
        #[arg(long, default_value = "Benchmark")]
        name: String,
    },
    /// Create a workspace with one generated domain model of about this many records (for benchmarks).
    #[command(hide = true)]
    GenDomain {
        #[arg(long)]
        records: usize,
        #[arg(long, default_value = "Benchmark")]
        name: String,
    },
}

#[derive(Subcommand)]
enum BpmnCli {
    #[command(flatten)]
    File(BpmnCommand),
    /// Lay out what has no diagram information in IN and export to OUT.
    ///
    /// Gives every element that has no shape or edge in the first diagram one (automatic
    /// layout, left to right; the diagram is created when there is none); existing shapes and
    /// edges are kept. Prints a one-line summary to stderr (the report as JSON on stdout with
    /// --json).
    Layout {
        #[arg(value_name = "IN")]
        input: PathBuf,
        #[arg(value_name = "OUT")]
        output: PathBuf,
        /// Drop the existing diagrams first and lay out everything.
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Subcommand)]
enum BpmnCommand {
    /// Import FILE and print, as JSON, the count of each element type, the structural
    /// problems and the import warnings. Exits 0 when the file imported (problems or not).
    Check { file: PathBuf },
    /// Draw IN's diagram as an SVG picture into OUT.
    Svg {
        #[arg(value_name = "IN")]
        input: PathBuf,
        #[arg(value_name = "OUT")]
        output: PathBuf,
    },
    /// Import IN and export it to OUT.
    Roundtrip {
        #[arg(value_name = "IN")]
        input: PathBuf,
        #[arg(value_name = "OUT")]
        output: PathBuf,
    },
}

#[derive(Subcommand)]
enum CmlCommand {
    /// Import FILE and print, as JSON, the count of each element kind, the domain model's
    /// problems and the import warnings. Exits 0 when the file imported (problems or not).
    Check { file: PathBuf },
    /// Import IN and export it to OUT (what Triloop does not model is written back).
    Roundtrip {
        #[arg(value_name = "IN")]
        input: PathBuf,
        #[arg(value_name = "OUT")]
        output: PathBuf,
    },
    /// Derive the data model of IN and print its SQL DDL.
    Ddl {
        #[arg(value_name = "IN")]
        input: PathBuf,
        /// The SQL dialect.
        #[arg(long, value_parser = ["postgres", "mysql", "sqlite", "oracle"])]
        dialect: String,
    },
    /// Draw IN's context map as an SVG picture into OUT.
    Svg {
        #[arg(value_name = "IN")]
        input: PathBuf,
        #[arg(value_name = "OUT")]
        output: PathBuf,
    },
}

#[derive(Subcommand)]
enum DomainCommand {
    /// Print the SQL DDL of DOCUMENT's data model (a domain model of WORKSPACE, by id or
    /// exact title), with the overrides made in the app.
    Ddl {
        workspace: String,
        document: String,
        /// The SQL dialect.
        #[arg(long, value_parser = ["postgres", "mysql", "sqlite", "oracle"])]
        dialect: String,
    },
}

#[derive(Subcommand)]
enum PrototypeCommand {
    /// Print, as JSON, the OpenAPI 3.1 document of the services DOCUMENT's actions imply (a
    /// sandbox prototype of WORKSPACE, by id or exact title; both by id or exact name).
    Openapi { workspace: String, document: String },
    /// Write DOCUMENT as one self-contained clickable HTML file to OUT.
    Html {
        workspace: String,
        document: String,
        #[arg(value_name = "OUT")]
        output: PathBuf,
        /// The seed of the sample data.
        #[arg(long, default_value_t = 1)]
        seed: u32,
    },
}

/// What `bpmn check` and `cml check` print: the file, its counts, the model's problems
/// (`C` is the kind's problem code) and the import's warnings (`W`).
#[derive(serde::Serialize)]
struct CheckReport<'a, P, W> {
    file: String,
    counts: std::collections::BTreeMap<String, usize>,
    problems: Vec<P>,
    warnings: &'a [W],
}

#[derive(serde::Serialize)]
struct ProblemOut<C> {
    code: C,
    element: String,
    message: String,
}

impl<P: serde::Serialize, W: serde::Serialize> CheckReport<'_, P, W> {
    fn print(&self) {
        println!("{}", serde_json::to_string_pretty(self).unwrap_or_default());
    }
}

/// The bytes of an input file (a clear error naming it when it cannot be read).
fn read_input(file: &std::path::Path) -> Result<Vec<u8>, ApiError> {
    std::fs::read(file)
        .map_err(|e| ApiError::new(ErrorCode::BadFile, format!("{}: {e}", file.display())))
}

/// Writes through a temporary file and a rename: OUT is never left half written.
fn write_atomically(output: &std::path::Path, text: &str) -> Result<(), ApiError> {
    let tmp = output.with_extension("tmp");
    std::fs::write(&tmp, text)
        .and_then(|_| std::fs::rename(&tmp, output))
        .map_err(|e| ApiError::new(ErrorCode::Storage, format!("{}: {e}", output.display())))?;
    eprintln!("wrote {}", output.display());
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("triloop: error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("triloop: error: {}", e.detail);
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), ApiError> {
    // BPMN files are checked without opening the store.
    if let Command::Bpmn(cmd) = &cli.command {
        return match cmd {
            BpmnCli::File(cmd) => bpmn::run(cmd),
            BpmnCli::Layout {
                input,
                output,
                replace,
            } => bpmn_layout(input, output, *replace, cli.json),
        };
    }
    // So are CML files.
    if let Command::Cml(cmd) = &cli.command {
        return cml::run(cmd);
    }
    let mut config = Config::resolve(cli.data_dir)?;
    config.seed_demo = false;
    let core = Core::open(config).await?;
    let result = command(&core, cli.command, cli.json).await;
    core.close().await;
    result
}

async fn command(core: &Core, command: Command, json: bool) -> Result<(), ApiError> {
    match command {
        Command::Workspaces => {
            let list = core.list_workspaces().await?;
            if json {
                print_json(&list);
            } else if list.is_empty() {
                println!("no workspaces");
            } else {
                for w in list {
                    println!("{}\t{}\t{} documents", w.id, w.name, w.document_count);
                }
            }
        }
        Command::Documents { workspace } => {
            let id = find_workspace(core, &workspace).await?;
            let view = core.open_workspace(&id).await?;
            if json {
                print_json(&view.documents);
            } else {
                for d in view.documents {
                    println!("{}\t{}\t{}", d.id, d.kind.as_str(), d.title);
                }
            }
        }
        Command::Export { workspace, dir } => {
            let id = find_workspace(core, &workspace).await?;
            let files = core.export_folder(&id, &dir).await?;
            if json {
                print_json(&files);
            } else {
                println!("exported {} files to {}", files.len(), dir.display());
            }
        }
        Command::Import { dir } => {
            let ws = core.import_folder(&dir).await?;
            if json {
                print_json(&ws);
            } else {
                println!(
                    "imported workspace {} ({}) with {} documents",
                    ws.name, ws.id, ws.document_count
                );
            }
        }
        Command::Bpmn(_) | Command::Cml(_) => unreachable!("handled before the store opens"),
        Command::Domain(DomainCommand::Ddl {
            workspace,
            document,
            dialect,
        }) => {
            let id = find_workspace(core, &workspace).await?;
            let view = core.open_workspace(&id).await?;
            let doc = view
                .documents
                .iter()
                .find(|d| {
                    d.kind == DocKind::DomainModel && (d.id == document || d.title == document)
                })
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::NotFound,
                        format!("workspace {} has no domain model {document:?}", view.name),
                    )
                })?;
            let dialect = match dialect.as_str() {
                "postgres" => SqlDialect::Postgres,
                "mysql" => SqlDialect::Mysql,
                "sqlite" => SqlDialect::Sqlite,
                _ => SqlDialect::Oracle,
            };
            print!("{}", core.domain_ddl(&doc.id, dialect).await?);
        }
        Command::Prototype(PrototypeCommand::Openapi {
            workspace,
            document,
        }) => {
            let doc = find_document(core, &workspace, &document, DocKind::SandboxPrototype).await?;
            println!("{}", core.prototype_openapi(&doc).await?);
        }
        Command::Prototype(PrototypeCommand::Html {
            workspace,
            document,
            output,
            seed,
        }) => {
            let doc = find_document(core, &workspace, &document, DocKind::SandboxPrototype).await?;
            let html = core.prototype_html(&doc, seed).await?;
            write_atomically(&output, &html)?;
        }
        Command::GenPrototype {
            screens,
            components,
            name,
        } => {
            let ws = core.create_workspace(&name).await?;
            let doc = core
                .create_document(
                    &ws.id,
                    DocKind::SandboxPrototype,
                    &format!("{screens} x {components}"),
                )
                .await?;
            let all = model::prototype_gen::generated(screens, components).into_records();
            for chunk in all.chunks(2000) {
                let ops = chunk
                    .iter()
                    .cloned()
                    .map(|record| model::record::RecordOp::Add { record })
                    .collect();
                core.edit_document(&doc.id, api::DocOps::SandboxPrototype(ops))
                    .await?;
            }
            println!("{}\t{}", ws.id, doc.id);
        }
        Command::GenFlow { nodes, name } => {
            let ws = core.create_workspace(&name).await?;
            let doc = core
                .create_document(&ws.id, DocKind::BusinessFlow, &format!("{nodes} nodes"))
                .await?;
            core.edit_flow(&doc.id, generated_flow(nodes)).await?;
            println!("{}\t{}", ws.id, doc.id);
        }
        Command::GenDomain { records, name } => {
            let ws = core.create_workspace(&name).await?;
            let doc = core
                .create_document(&ws.id, DocKind::DomainModel, &format!("{records} records"))
                .await?;
            let all = model::domain_gen::generated(model::domain_gen::Size::about(records))
                .into_records();
            for chunk in all.chunks(2000) {
                let ops = chunk
                    .iter()
                    .cloned()
                    .map(|record| model::record::RecordOp::Add { record })
                    .collect();
                core.edit_document(&doc.id, api::DocOps::DomainModel(ops))
                    .await?;
            }
            println!("{}\t{}", ws.id, doc.id);
        }
    }
    Ok(())
}

/// A grid of tasks in four lanes, each connected to the next.
fn generated_flow(n: usize) -> Vec<FlowOp> {
    let lanes = ["客户经理", "产品经理", "风险经理", "业务经理"];
    let per_lane = n.div_ceil(lanes.len()).max(1);
    let cols = (per_lane as f64).sqrt().ceil() as usize;
    let lane_h = (per_lane.div_ceil(cols) as f64) * 110.0 + 40.0;
    let mut ops: Vec<FlowOp> = lanes
        .iter()
        .enumerate()
        .map(|(i, name)| FlowOp::AddLane {
            lane: Lane::band(
                format!("lane{i}"),
                name.to_string(),
                i as f64 * lane_h,
                lane_h,
            ),
        })
        .collect();
    for i in 0..n {
        let (lane, k) = (i / per_lane, i % per_lane);
        let kind = if i == 0 {
            NodeKind::StartEvent
        } else if i == n - 1 {
            NodeKind::EndEvent
        } else {
            NodeKind::Task
        };
        ops.push(FlowOp::AddNode {
            node: FlowNode::new(
                format!("n{i}"),
                kind,
                format!("任务 {i}"),
                80.0 + (k % cols) as f64 * 170.0,
                lane as f64 * lane_h + 30.0 + (k / cols) as f64 * 110.0,
            ),
        });
        if i > 0 {
            ops.push(FlowOp::AddEdge {
                edge: FlowEdge::new(
                    format!("e{i}"),
                    EdgeKind::SequenceFlow,
                    format!("n{}", i - 1),
                    format!("n{i}"),
                ),
            });
        }
    }
    ops
}

/// A document of `kind` in a workspace (both by id or exact name/title).
async fn find_document(
    core: &Core,
    workspace: &str,
    document: &str,
    kind: DocKind,
) -> Result<String, ApiError> {
    let id = find_workspace(core, workspace).await?;
    let view = core.open_workspace(&id).await?;
    let found: Vec<_> = view
        .documents
        .iter()
        .filter(|d| d.kind == kind && (d.id == document || d.title == document))
        .collect();
    match found.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(ApiError::new(
            ErrorCode::NotFound,
            format!(
                "workspace {} has no {} {document:?}",
                view.name,
                kind.as_str()
            ),
        )),
        _ => Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "{} documents are titled {document:?}; use the id",
                found.len()
            ),
        )),
    }
}

async fn find_workspace(core: &Core, key: &str) -> Result<String, ApiError> {
    let list = core.list_workspaces().await?;
    if let Some(w) = list.iter().find(|w| w.id == key) {
        return Ok(w.id.clone());
    }
    let named: Vec<_> = list.iter().filter(|w| w.name == key).collect();
    match named.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(ApiError::new(
            ErrorCode::NotFound,
            format!("no workspace with id or name {key:?}"),
        )),
        _ => Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!("{} workspaces are named {key:?}; use the id", named.len()),
        )),
    }
}

/// `triloop bpmn layout IN OUT [--replace]`: import, lay out what has no DI, export.
fn bpmn_layout(
    input: &std::path::Path,
    output: &std::path::Path,
    replace: bool,
    json: bool,
) -> Result<(), ApiError> {
    use formats::bpmn;
    let bad = |e: &dyn std::fmt::Display| {
        ApiError::new(ErrorCode::BadFile, format!("{}: {e}", input.display()))
    };
    let bytes = std::fs::read(input).map_err(|e| bad(&e))?;
    let mut model = bpmn::import(&bytes).map_err(|e| bad(&e))?;
    if replace {
        model
            .content
            .retain(|c| !matches!(c, bpmn::DefinitionsContent::Diagram(_)));
    }
    let report = bpmn::layout::ensure_layout(&mut model);
    // Through a temporary file and a rename: OUT is never left half written.
    let tmp = output.with_extension("tmp");
    std::fs::write(&tmp, bpmn::export(&model))
        .and_then(|_| std::fs::rename(&tmp, output))
        .map_err(|e| ApiError::new(ErrorCode::Storage, format!("{}: {e}", output.display())))?;
    eprintln!(
        "laid out {} into {}: {report}",
        input.display(),
        output.display()
    );
    if json {
        print_json(&report);
    }
    Ok(())
}

fn print_json<T: serde::Serialize + ?Sized>(v: &T) {
    println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}
