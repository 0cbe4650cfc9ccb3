//! The OpenAPI 3.1 a prototype exports, checked by a real validator: openapi-spec-validator
//! from PyPI, installed by `scripts/setup` into `.venv-tools/` (the test fails when it is
//! missing, and fails when the validator rejects the document).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use formats::openapi::to_openapi;
use model::domain::DomainModel;
use model::prototype::Prototype;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs openapi-spec-validator on `spec`; returns whether it accepted it, and its output.
fn validate(spec: &Value) -> (bool, String) {
    let validator = root().join(".venv-tools/bin/openapi-spec-validator");
    assert!(
        validator.exists(),
        "{} is missing: run scripts/setup",
        validator.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, serde_json::to_string_pretty(spec).unwrap()).unwrap();
    let out = Command::new(&validator)
        .arg("--schema")
        .arg("3.1")
        .arg(&file)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// The demo workspace's domain model and prototype, as `assets/demo` has them.
fn demo() -> (Prototype, BTreeMap<String, DomainModel>) {
    let read = |f: &str| -> Value {
        serde_json::from_str(
            &std::fs::read_to_string(root().join("assets/demo/documents").join(f)).unwrap(),
        )
        .unwrap()
    };
    let m: DomainModel = serde_json::from_value(read("03-domainModel.json")).unwrap();
    let p: Prototype = serde_json::from_value(read("04-sandboxPrototype.json")).unwrap();
    let mut domains = BTreeMap::new();
    domains.insert("demo-domain".to_string(), m);
    (p, domains)
}

#[test]
fn the_demo_prototypes_openapi_is_valid_and_has_one_operation_per_command_and_capability() {
    let (p, domains) = demo();
    let spec = to_openapi("SCRM 沙箱原型", &p, &domains);
    let (ok, out) = validate(&spec);
    assert!(ok, "openapi-spec-validator rejected it:\n{out}");

    let paths = spec["paths"].as_object().unwrap();
    let mut ops: Vec<&str> = paths
        .values()
        .map(|v| v["post"]["summary"].as_str().unwrap())
        .collect();
    ops.sort();
    // 打客户标签, 配置复购 SOP, 登记客户 are called; the SMS capability is used.
    assert_eq!(
        ops,
        vec![
            "打客户标签",
            "校验发送到手机号的短信验证码",
            "登记客户",
            "配置复购 SOP"
        ]
    );
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    let by_title = |t: &str| {
        schemas
            .values()
            .find(|s| s["title"] == t)
            .unwrap_or_else(|| panic!("no schema titled {t}"))
    };
    // A command with attributes: its own request body, the aggregate root as the response.
    let register = paths
        .values()
        .find(|v| v["post"]["summary"] == "登记客户")
        .unwrap();
    let req = register["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .unwrap();
    let req_schema = &schemas[req.rsplit('/').next().unwrap()];
    assert_eq!(req_schema["title"], "登记客户");
    assert_eq!(req_schema["required"], serde_json::json!(["手机号"]));
    let resp =
        register["post"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap();
    assert_eq!(schemas[resp.rsplit('/').next().unwrap()]["title"], "客户");
    // A command without attributes takes the form bound on its screen (SOP).
    let sop = paths
        .values()
        .find(|v| v["post"]["summary"] == "配置复购 SOP")
        .unwrap();
    let req = sop["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .unwrap();
    assert_eq!(schemas[req.rsplit('/').next().unwrap()]["title"], "SOP");
    // Entities: required flags, enumerations as string enums, lists as arrays, references.
    let customer = by_title("客户");
    assert!(
        customer["required"]
            .as_array()
            .unwrap()
            .contains(&"姓名".into())
    );
    assert_eq!(customer["properties"]["标签"]["type"], "array");
    let auth = customer["properties"]["认证状态"]["$ref"].as_str().unwrap();
    assert_eq!(
        schemas[auth.rsplit('/').next().unwrap()]["enum"],
        serde_json::json!(["未认证", "认证中", "已认证", "认证失败"])
    );
    assert!(customer["properties"]["联系地址"]["$ref"].is_string());
    assert_eq!(by_title("地址")["type"], "object");
    // The capability's contract: request, response and its errors.
    let sms = paths
        .iter()
        .find(|(k, _)| k.starts_with("/capabilities/"))
        .unwrap()
        .1;
    assert_eq!(
        sms["post"]["requestBody"]["content"]["application/json"]["schema"]["required"],
        serde_json::json!(["mobile", "code"])
    );
    assert_eq!(
        sms["post"]["responses"]["422"]["content"]["application/json"]["schema"]["properties"]["code"]
            ["enum"],
        serde_json::json!(["CODE_MISMATCH", "CODE_EXPIRED"])
    );
}

#[test]
fn the_validator_rejects_a_broken_document() {
    let (p, domains) = demo();
    let mut spec = to_openapi("SCRM", &p, &domains);
    // A response without its description, an unknown schema type.
    let first = spec["paths"]
        .as_object()
        .unwrap()
        .keys()
        .next()
        .unwrap()
        .clone();
    spec["paths"][&first]["post"]["responses"]["200"]
        .as_object_mut()
        .unwrap()
        .remove("description");
    let (ok, _) = validate(&spec);
    assert!(!ok, "a response without a description is invalid");
    let mut spec = to_openapi("SCRM", &p, &domains);
    spec.as_object_mut().unwrap().remove("info");
    assert!(!validate(&spec).0, "a document without info is invalid");
}

#[test]
fn a_prototype_without_commands_or_with_broken_ones_still_gives_a_valid_document() {
    let (mut p, mut domains) = demo();
    // The command deleted from the model, the model's document gone for another action.
    domains
        .get_mut("demo-domain")
        .unwrap()
        .elements
        .retain(|e| e.id != "cmd_register");
    let spec = to_openapi("", &p, &domains);
    assert!(validate(&spec).0);
    assert!(
        !spec["paths"]
            .as_object()
            .unwrap()
            .values()
            .any(|v| v["post"]["summary"] == "登记客户")
    );
    p.actions.clear();
    let spec = to_openapi("空", &p, &BTreeMap::new());
    assert!(validate(&spec).0);
    assert!(spec["paths"].as_object().unwrap().is_empty());
}
