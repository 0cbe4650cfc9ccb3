//! The DDL derived from every CML fixture (and from a Chinese-named model) executes on the
//! real engines: SQLite through rusqlite, PostgreSQL in a throwaway cluster on a Unix
//! socket that the test starts and stops (PLATFORM.md). Without PostgreSQL the test fails
//! and says to run scripts/setup: it is never skipped silently.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::cml_fixtures;
use formats::cml;
use formats::ddl::{DataModel, Dialect, derive, to_sql};

/// A model with Chinese names everywhere, a reserved word as a name, and a long name.
const CHINESE: &str = "ContextMap { contains 客户管理, 贷款审批\n 客户管理 [U,OHS]->[D,ACL] 贷款审批 }\n\
BoundedContext 客户管理 {\n Aggregate 客户聚合 {\n  Entity 客户 {\n   aggregateRoot\n   String 客户编号 key\n   \
String 姓名 required\n   - 地址 住址\n   - 客户等级 等级\n   - List<地址> 曾用地址\n   Date order\n  }\n  \
ValueObject 地址 { String 省份\n String 城市\n String 非常非常非常非常非常非常非常非常长的街道名称字段 }\n  \
enum 客户等级 { 普通, 白金, 钻石 }\n }\n}\n\
BoundedContext 贷款审批 {\n Aggregate 贷款申请 {\n  Entity 申请 {\n   aggregateRoot\n   BigDecimal 金额\n   \
- 审批人 审批人\n   - List<审批人> 会签人\n  }\n  Entity 审批人 { String 工号 key\n boolean 在职 }\n }\n}\n";

fn models() -> Vec<(String, DataModel)> {
    let mut out: Vec<(String, DataModel)> = cml_fixtures()
        .into_iter()
        .map(|f| {
            let m = cml::import(&std::fs::read(&f).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", f.display()))
                .model;
            (
                f.file_name().unwrap().to_string_lossy().to_string(),
                derive(&m),
            )
        })
        .collect();
    let m = cml::import(CHINESE.as_bytes()).unwrap().model;
    out.push(("chinese".into(), derive(&m)));
    out
}

fn table_count(d: &DataModel) -> usize {
    d.schemas.iter().map(|s| s.tables.len()).sum()
}

#[test]
fn sqlite_executes_the_ddl_of_every_model() {
    let mut total = 0;
    for (name, d) in models() {
        let sql = to_sql(&d, Dialect::Sqlite);
        let db = rusqlite::Connection::open_in_memory().unwrap();
        db.execute_batch("PRAGMA foreign_keys = ON;").unwrap();
        db.execute_batch(&sql)
            .unwrap_or_else(|e| panic!("{name}: {e}\n{sql}"));
        let n: i64 = db
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let n = n as usize;
        assert_eq!(n, table_count(&d), "{name}");
        // The foreign keys point at real tables and columns.
        let broken: Vec<String> = db
            .prepare("PRAGMA foreign_key_check")
            .unwrap()
            .query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(broken.is_empty(), "{name}: {broken:?}");
        total += n;
    }
    println!("sqlite: {total} tables created");
    assert!(total > 100);
}

#[test]
fn sqlite_enforces_keys_checks_and_cascades_of_the_chinese_model() {
    let m = cml::import(CHINESE.as_bytes()).unwrap().model;
    let sql = to_sql(&derive(&m), Dialect::Sqlite);
    let db = rusqlite::Connection::open_in_memory().unwrap();
    db.execute_batch("PRAGMA foreign_keys = ON;").unwrap();
    db.execute_batch(&sql).unwrap();
    db.execute(
        "INSERT INTO \"客户管理__客户\" (\"客户编号\", \"姓名\", \"等级\") VALUES ('c1', '张三', '白金')",
        [],
    )
    .unwrap();
    let bad_enum = db.execute(
        "INSERT INTO \"客户管理__客户\" (\"客户编号\", \"姓名\", \"等级\") VALUES ('c2', '李四', '黄金')",
        [],
    );
    assert!(
        bad_enum.is_err(),
        "the check constraint holds the enumeration's values"
    );
    let orphan = db.execute(
        "INSERT INTO \"客户管理__客户_曾用地址\" (\"客户_客户编号\", \"position\") VALUES ('nobody', 0)",
        [],
    );
    assert!(
        orphan.is_err(),
        "the child table's foreign key holds: {sql}"
    );
}

/// A PostgreSQL cluster in a temporary folder, reachable only through its Unix socket,
/// stopped when dropped.
struct Postgres {
    bin: PathBuf,
    dir: tempfile::TempDir,
}

impl Postgres {
    fn start() -> Postgres {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .and_then(|d| {
                d.filter_map(|e| e.ok().map(|e| e.path().join("bin")))
                    .filter(|p| p.join("initdb").exists())
                    .max()
            })
            .unwrap_or_else(|| {
                panic!(
                    "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run \
                     scripts/setup, which installs Debian's postgresql package"
                )
            });
        let dir = tempfile::tempdir().unwrap();
        let root = is_root();
        if root {
            // PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
            let ok = Command::new("chown")
                .args(["-R", "postgres"])
                .arg(dir.path())
                .status()
                .unwrap()
                .success();
            assert!(ok, "chown to postgres failed");
        }
        let pg = Postgres { bin, dir };
        let data = pg.dir.path().join("pg");
        pg.run_as_owner(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
            ],
        );
        let opts = format!(
            "-k {} -c listen_addresses='' -c fsync=off",
            pg.dir.path().display()
        );
        pg.run_as_owner(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-o",
                &opts,
                "-l",
                pg.dir.path().join("log").to_str().unwrap(),
                "-w",
                "start",
            ],
        );
        pg
    }

    /// `tool` of PostgreSQL's, run as the cluster's owner.
    fn as_owner(&self, tool: &str) -> Command {
        let exe = self.bin.join(tool);
        if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    fn run_as_owner(&self, tool: &str, args: &[&str]) {
        let out = self.as_owner(tool).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{tool} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Runs `sql` in a new database `db`; the error text when it fails.
    fn execute(&self, db: &str, sql: &str) -> Result<(), String> {
        let host = self.dir.path().to_str().unwrap();
        let out = Command::new(self.bin.join("createdb"))
            .args(["-h", host, "-U", "postgres", db])
            .output()
            .unwrap();
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into());
        }
        let file = self.dir.path().join(format!("{db}.sql"));
        std::fs::write(&file, sql).unwrap();
        let out = Command::new(self.bin.join("psql"))
            .args([
                "-h",
                host,
                "-U",
                "postgres",
                "-d",
                db,
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-f",
            ])
            .arg(&file)
            .output()
            .unwrap();
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into())
        }
    }

    fn query(&self, db: &str, sql: &str) -> String {
        let out = Command::new(self.bin.join("psql"))
            .args([
                "-h",
                self.dir.path().to_str().unwrap(),
                "-U",
                "postgres",
                "-d",
                db,
                "-tA",
                "-c",
                sql,
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.path().join("pg");
        let _ = self
            .as_owner("pg_ctl")
            .args(["-D", data.to_str().unwrap(), "-m", "fast", "-w", "stop"])
            .output();
    }
}

/// Whether the test runs as root (then PostgreSQL's tools run as the postgres user).
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

#[test]
fn postgres_executes_the_ddl_of_every_model() {
    let pg = Postgres::start();
    let mut failures = Vec::new();
    for (i, (name, d)) in models().into_iter().enumerate() {
        let sql = to_sql(&d, Dialect::Postgres);
        let db = format!("m{i}");
        match pg.execute(&db, &sql) {
            Ok(()) => {
                let n: usize = pg
                    .query(
                        &db,
                        "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
                    )
                    .parse()
                    .unwrap_or(usize::MAX);
                if n != table_count(&d) {
                    failures.push(format!("{name}: {n} tables, expected {}", table_count(&d)));
                }
            }
            Err(e) => failures.push(format!("{name}: {e}\n{sql}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // The Chinese model's check constraint and foreign keys hold in PostgreSQL too.
    let m = cml::import(CHINESE.as_bytes()).unwrap().model;
    pg.execute("zh", &to_sql(&derive(&m), Dialect::Postgres))
        .unwrap();
    let ok = Command::new(pg.bin.join("psql"))
        .args(["-h", pg.dir.path().to_str().unwrap(), "-U", "postgres", "-d", "zh", "-v", "ON_ERROR_STOP=1", "-c"])
        .arg("INSERT INTO \"客户管理\".\"客户\" (\"客户编号\", \"姓名\", \"等级\") VALUES ('c1', '张三', '黄金')")
        .output()
        .unwrap();
    assert!(
        !ok.status.success(),
        "a value outside the enumeration is refused"
    );
}

/// Keys and names are unique where the engines need them to be, and every quoted name in
/// the DDL fits the engine's limit.
#[test]
fn keys_and_names_are_unique_and_fit() {
    use std::collections::HashSet;
    for (name, d) in models() {
        let mut table_keys = HashSet::new();
        for s in &d.schemas {
            let mut table_names = HashSet::new();
            for t in &s.tables {
                assert!(
                    table_keys.insert(&t.key),
                    "{name}: table key {} twice",
                    t.key
                );
                assert!(
                    table_names.insert(&t.name),
                    "{name}: table {} twice",
                    t.name
                );
                let mut keys = HashSet::new();
                let mut cols = HashSet::new();
                for c in &t.columns {
                    assert!(keys.insert(&c.key), "{name}: column key {} twice", c.key);
                    assert!(cols.insert(&c.name), "{name}: {}.{} twice", t.name, c.name);
                }
                assert!(
                    !t.primary_key.is_empty(),
                    "{name}: {} has no primary key",
                    t.name
                );
            }
        }
        for (dialect, max, open, close) in [
            (Dialect::Postgres, 63, '"', '"'),
            (Dialect::Mysql, 64, '`', '`'),
            (Dialect::Oracle, 128, '"', '"'),
        ] {
            let sql = to_sql(&d, dialect);
            // Quoted names: the text between a quote and the next one (no name holds a quote).
            let mut rest = sql.as_str();
            while let Some(i) = rest.find(open) {
                let after = &rest[i + 1..];
                let j = after.find(close).unwrap();
                let ident = &after[..j];
                assert!(
                    ident.len() <= max,
                    "{name} {dialect:?}: {ident} is {} bytes",
                    ident.len()
                );
                rest = &after[j + 1..];
            }
        }
    }
}
