//! `check --format sarif` validates against the official SARIF 2.1.0 schema
//! (OASIS; vendored under tests/data/, see its README for provenance), with
//! formats asserted (`helpUri` and `informationUri` must be absolute URIs).
//! Reports: every `check` fixture (tests/check-fixtures/*.toml, so rules added
//! later are covered), a clean report, and hand-built ones with findings with
//! and without fixes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cookie_doctor_cookie::{Reason, Time};
use cookie_doctor_diagnose::check::{
    CheckReport, CookieReport, DeploymentReport, Outcome, Verdict, check,
};
use cookie_doctor_diagnose::finding::{Edit, Finding, Fix, Safety, Severity};
use cookie_doctor_diagnose::matrix::Deployment;
use cookie_doctor_diagnose::rules;
use cookie_doctor_report::sarif::render_sarif;
use cookie_doctor_site::{BuiltinPsl, Origin};
use serde_json::Value;

const NOW: Time = Time::from_unix(1_795_435_200);

fn official_schema() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The pattern of `run.language` in the official schema has an unescaped `]`
/// (`…-[a-zA-Z]{2}]?$`). ECMA-262 regexes (what JSON Schema patterns are) read
/// it as a literal `]`; the Rust regex engine behind `jsonschema` rejects it,
/// and the crate refuses a schema whose pattern is not a valid `regex`. So the
/// loaded copy escapes that one bracket (`\]`): the same language, nothing else
/// changed. (cookie-doctor writes no `language`.)
const LANGUAGE_PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
const LANGUAGE_PATTERN_ESCAPED: &str = r"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\]?$";

/// The official schema (with [`LANGUAGE_PATTERN`] escaped), formats asserted.
fn validator() -> jsonschema::Validator {
    let mut schema = official_schema();
    let escaped = escape_language_patterns(&mut schema);
    // `run.language` and `toolComponent.language`.
    assert_eq!(escaped, 2, "the schema's language patterns changed");
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

/// Escapes every `pattern` equal to [`LANGUAGE_PATTERN`]; how many.
fn escape_language_patterns(value: &mut Value) -> usize {
    match value {
        Value::Object(map) => {
            let mut n = 0;
            for (key, v) in map.iter_mut() {
                if key == "pattern" && v == LANGUAGE_PATTERN {
                    *v = Value::from(LANGUAGE_PATTERN_ESCAPED);
                    n += 1;
                } else {
                    n += escape_language_patterns(v);
                }
            }
            n
        }
        Value::Array(items) => items.iter_mut().map(escape_language_patterns).sum(),
        _ => 0,
    }
}

fn assert_valid(validator: &jsonschema::Validator, what: &str, sarif: &str) -> Value {
    let log: Value =
        serde_json::from_str(sarif).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: SARIF invalid:\n{}",
        errors.join("\n")
    );
    log
}

fn run_check(
    url: &str,
    embedded_in: &[&str],
    called_from: &[&str],
    headers: &[&str],
    lines: &[&str],
) -> CheckReport {
    let deployment = Deployment {
        url: url::Url::parse(url).unwrap(),
        embedded_in: embedded_in
            .iter()
            .map(|o| Origin::parse(o).unwrap())
            .collect(),
        called_from: called_from
            .iter()
            .map(|o| Origin::parse(o).unwrap())
            .collect(),
        headers: headers.iter().map(|h| h.to_string()).collect(),
    };
    let lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    check(
        &lines,
        &deployment,
        &cookie_doctor_profiles::builtin(),
        &BuiltinPsl,
        NOW,
    )
}

#[derive(serde::Deserialize)]
struct Fixture {
    url: String,
    #[serde(default)]
    embedded_in: Vec<String>,
    #[serde(default)]
    called_from: Vec<String>,
    #[serde(default)]
    headers: Vec<String>,
    lines: Vec<String>,
}

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/check-fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

fn verdict(
    browser: &str,
    context: &str,
    stored: bool,
    sent: bool,
    reasons: Vec<Reason>,
) -> Verdict {
    Verdict {
        browser: browser.into(),
        context: context.to_string().into(),
        stored,
        sent,
        reasons: reasons.into(),
    }
}

/// A report with one finding of each kind: an error with a safe fix and
/// snippets, a warning with an unsafe fix, an info without a fix nor a cookie,
/// and a finding of an unknown code (no ruleIndex).
fn hand_built() -> CheckReport {
    let mut snippets = BTreeMap::new();
    snippets.insert(
        "express".to_string(),
        "res.cookie(\"sid\", \"abc\", { path: \"/\", secure: true, sameSite: \"none\" });"
            .to_string(),
    );
    let code = rules::all()
        .first()
        .map(|r| r.doc().code.to_string())
        .unwrap_or_else(|| "samesite-none-without-secure".into());
    CheckReport {
        url: "https://app.example.com/login?next=%2F".into(),
        cookies: vec![CookieReport {
            line: "sid=abc; SameSite=None".into(),
            name: "sid".into(),
            stored_as: None,
            outcome: Outcome::Rejected,
            removed_existing: None,
            notes: vec![],
            verdicts: vec![
                verdict(
                    "chrome",
                    "same-site",
                    false,
                    false,
                    vec![Reason::SameSiteNoneInsecure],
                ),
                verdict(
                    "safari",
                    "iframe",
                    true,
                    false,
                    vec![Reason::ThirdPartyBlockedOnSend],
                ),
            ],
        }],
        findings: vec![
            Finding {
                code: code.clone(),
                severity: Severity::Error,
                message: "`sid` is dropped in chrome.".into(),
                cookie: Some("sid".into()),
                browsers: vec!["chrome".into(), "firefox".into()],
                evidence: vec![
                    "Set-Cookie: sid=abc; SameSite=None".into(),
                    "reason samesite-none-insecure".into(),
                ],
                fix: Some(Fix {
                    header: "Set-Cookie: sid=abc; SameSite=None; Secure".into(),
                    safety: Safety::Safe,
                    reason: String::new(),
                    snippets,
                    edit: Edit::ReplaceLine(0),
                }),
            },
            Finding {
                code,
                severity: Severity::Warning,
                message: "Over http.".into(),
                cookie: Some("sid".into()),
                browsers: vec![],
                evidence: vec![],
                fix: Some(Fix {
                    header: "Set-Cookie: sid=abc; SameSite=None; Secure".into(),
                    safety: Safety::Unsafe,
                    reason: "serve the app over https first".into(),
                    snippets: BTreeMap::new(),
                    edit: Edit::None,
                }),
            },
            Finding {
                code: "some-advice-not-a-rule".into(),
                severity: Severity::Info,
                message: "Advice with \"quotes\" and <html>.".into(),
                cookie: None,
                browsers: vec![],
                evidence: vec!["Access-Control-Allow-Origin: *".into()],
                fix: None,
            },
        ],
        deployment: DeploymentReport {
            embedded_in: vec!["https://partner.example".into()],
            called_from: vec![],
            headers: vec!["X-Frame-Options: DENY".into()],
            browsers: vec!["chrome".into(), "safari".into()],
        },
    }
}

#[test]
fn the_vendored_schema_is_the_oasis_sarif_2_1_0_schema() {
    let schema = official_schema();
    assert_eq!(
        schema["$id"],
        "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"
    );
    assert_eq!(schema["properties"]["version"]["enum"][0], "2.1.0");
    // The validator really rejects a bad log (it is not vacuous).
    let v = validator();
    assert!(!v.is_valid(&serde_json::json!({"version": "2.1.0", "runs": [{"tool": {}}]})));
    assert!(v.is_valid(
        &serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}}]})
    ));
    // The escaped pattern means what the published one means in ECMA-262.
    assert!(v.is_valid(&serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "language": "en-US"}]})));
    assert!(!v.is_valid(&serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "language": "e"}]})));
    assert!(!v.is_valid(&serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x", "informationUri": "not a uri"}}}]})));
}

#[test]
fn a_clean_report_validates_and_lists_every_rule() {
    let v = validator();
    let report = run_check(
        "https://app.example.com/",
        &[],
        &[],
        &[],
        &["sid=abc; Secure; HttpOnly; SameSite=Lax; Path=/"],
    );
    let log = assert_valid(&v, "clean", &render_sarif(&report));
    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(run["tool"]["driver"]["name"], "cookie-doctor");
    assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));
    let listed: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let codes: Vec<&str> = rules::all().iter().map(|r| r.doc().code).collect();
    assert_eq!(listed, codes);
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        let id = rule["id"].as_str().unwrap();
        assert!(
            rule["helpUri"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/docs/rules/{id}.md")),
            "{id}: helpUri {}",
            rule["helpUri"]
        );
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("## How to fix it")
        );
    }
    assert_eq!(
        run["results"].as_array().map(Vec::len),
        Some(report.findings.len())
    );
}

#[test]
fn findings_with_and_without_fixes_validate() {
    let v = validator();
    let report = hand_built();
    let log = assert_valid(&v, "hand-built", &render_sarif(&report));
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    let first = &results[0];
    assert_eq!(first["level"], "error");
    assert_eq!(first["ruleIndex"], 0);
    assert_eq!(
        first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        report.url
    );
    assert_eq!(first["locations"][0]["logicalLocations"][0]["name"], "sid");
    assert_eq!(first["properties"]["browsers"][1], "firefox");
    assert_eq!(
        first["properties"]["fix"]["header"],
        "Set-Cookie: sid=abc; SameSite=None; Secure"
    );
    assert_eq!(first["properties"]["fix"]["safety"], "safe");
    assert!(
        first["message"]["text"]
            .as_str()
            .unwrap()
            .contains("Fix (safe): Set-Cookie: sid=abc; SameSite=None; Secure")
    );
    assert_eq!(results[1]["level"], "warning");
    assert_eq!(results[1]["properties"]["fix"]["safety"], "unsafe");
    let last = &results[2];
    assert_eq!(last["level"], "note");
    assert!(
        last.get("ruleIndex").is_none(),
        "an unknown code has no ruleIndex"
    );
    assert!(last["properties"].get("fix").is_none());
    assert!(last["locations"][0].get("logicalLocations").is_none());
}

/// url, --embedded-in, --called-from, --header, lines.
type Case<'a> = (
    &'a str,
    &'a [&'a str],
    &'a [&'a str],
    &'a [&'a str],
    &'a [&'a str],
);

#[test]
fn real_checks_with_findings_validate() {
    let v = validator();
    let cases: [Case; 4] = [
        (
            "https://app.example.com/login",
            &["https://partner.example"],
            &[],
            &[],
            &["sid=abc; SameSite=None"],
        ),
        (
            "http://app.example.com/",
            &[],
            &["https://spa.example"],
            &["Access-Control-Allow-Origin: *"],
            &["sid=abc; SameSite=None", "theme=dark"],
        ),
        (
            "https://app.example.com/",
            &[],
            &[],
            &["X-Frame-Options: DENY"],
            &[
                "a=1; Domain=example.com; Max-Age=0",
                "garbage line without equals",
            ],
        ),
        ("https://app.example.com/", &[], &[], &[], &[]),
    ];
    let mut with_findings = 0;
    for (i, (url, embedded, called, headers, lines)) in cases.iter().enumerate() {
        let report = run_check(url, embedded, called, headers, lines);
        if !report.findings.is_empty() {
            with_findings += 1;
        }
        assert_valid(&v, &format!("case {i}"), &render_sarif(&report));
    }
    assert!(with_findings >= 1);
}

#[test]
fn every_check_fixture_validates() {
    let v = validator();
    let files = fixtures();
    assert!(!files.is_empty());
    for path in files {
        let f: Fixture = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let deployment = Deployment {
            url: url::Url::parse(&f.url).unwrap(),
            embedded_in: f
                .embedded_in
                .iter()
                .map(|o| Origin::parse(o).unwrap())
                .collect(),
            called_from: f
                .called_from
                .iter()
                .map(|o| Origin::parse(o).unwrap())
                .collect(),
            headers: f.headers.clone(),
        };
        let report = check(
            &f.lines,
            &deployment,
            &cookie_doctor_profiles::builtin(),
            &BuiltinPsl,
            NOW,
        );
        assert_valid(&v, &path.display().to_string(), &render_sarif(&report));
    }
}
