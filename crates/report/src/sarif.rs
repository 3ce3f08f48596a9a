//! `cookie-doctor check --format sarif`: SARIF 2.1.0 for code scanning.
//!
//! One run; the driver lists every rule (with its help text and a link to
//! `docs/rules/<code>.md`), each finding is a result located at the checked URL
//! and, logically, at the cookie it concerns. A fix cannot be a SARIF `fix`
//! (those need a region of a text artifact to replace, and a response header
//! has none), so the corrected header line, its safety and the snippets are in
//! the result's `properties.fix` and the message says the line to set.

use cookie_doctor_diagnose::check::CheckReport;
use cookie_doctor_diagnose::finding::{Finding, Safety, Severity};
use cookie_doctor_diagnose::rules::{self, RuleDoc};
use serde_json::{Map, Value, json};

use crate::rules_doc::{RULES_DOC_DIR, rule_doc_body, rule_doc_file, rule_doc_text};

/// The SARIF version written.
pub const SARIF_VERSION: &str = "2.1.0";
/// The `$schema` written (the OASIS schema of SARIF 2.1.0).
pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// Used when the workspace names no repository.
const FALLBACK_REPOSITORY: &str = "https://github.com/cookie-doctor/cookie-doctor";

/// The project's home: the workspace `repository` (Cargo.toml), without a
/// trailing slash.
pub fn repository_url() -> &'static str {
    let repo = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
    if repo.starts_with("https://") || repo.starts_with("http://") {
        repo
    } else {
        FALLBACK_REPOSITORY
    }
}

/// The absolute URI of a rule's page, `docs/rules/<code>.md` in the
/// repository (SARIF `helpUri`).
pub fn rule_help_uri(doc: &RuleDoc) -> String {
    format!(
        "{}/blob/main/{RULES_DOC_DIR}/{}",
        repository_url(),
        rule_doc_file(doc)
    )
}

/// SARIF `level` for a severity.
pub fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The check report as a SARIF 2.1.0 log (pretty JSON, trailing newline).
pub fn render_sarif(report: &CheckReport) -> String {
    let docs: Vec<&'static RuleDoc> = rules::all().into_iter().map(|r| r.doc()).collect();
    let rules: Vec<Value> = docs.iter().map(|d| rule_descriptor(d)).collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result(f, report, &docs))
        .collect();
    let log = json!({
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {
                "driver": {
                    "name": "cookie-doctor",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": repository_url(),
                    "rules": rules,
                }
            },
            "invocations": [{
                "executionSuccessful": true,
                "properties": {
                    "url": report.url,
                    "embeddedIn": report.deployment.embedded_in,
                    "calledFrom": report.deployment.called_from,
                    "headers": report.deployment.headers,
                    "browsers": report.deployment.browsers,
                }
            }],
            "artifacts": [{
                "location": { "uri": report.url },
                "description": { "text": "The response whose Set-Cookie lines were checked." },
            }],
            "results": results,
        }]
    });
    crate::to_json(&log)
}

fn rule_descriptor(doc: &RuleDoc) -> Value {
    json!({
        "id": doc.code,
        "name": pascal_case(doc.code),
        "shortDescription": { "text": doc.title },
        "fullDescription": { "text": doc.what },
        "help": {
            "text": rule_doc_text(doc),
            "markdown": rule_doc_body(doc),
        },
        "helpUri": rule_help_uri(doc),
        "defaultConfiguration": { "level": sarif_level(doc.severity) },
        "properties": {
            "area": doc.area,
            "tags": tags(doc.area),
        },
    })
}

fn result(finding: &Finding, report: &CheckReport, docs: &[&'static RuleDoc]) -> Value {
    let mut message = finding.message.clone();
    if let Some(fix) = &finding.fix {
        message.push_str(&format!(
            " Fix ({}): {}",
            safety_str(fix.safety),
            fix.header
        ));
    }
    let mut location = Map::new();
    location.insert(
        "physicalLocation".into(),
        json!({ "artifactLocation": { "uri": report.url, "index": 0 } }),
    );
    if let Some(cookie) = &finding.cookie {
        location.insert(
            "logicalLocations".into(),
            json!([{
                "name": cookie,
                "fullyQualifiedName": format!("Set-Cookie {cookie}"),
                "kind": "variable",
            }]),
        );
    }
    let mut properties = Map::new();
    if let Some(cookie) = &finding.cookie {
        properties.insert("cookie".into(), json!(cookie));
    }
    properties.insert("browsers".into(), json!(finding.browsers));
    properties.insert("evidence".into(), json!(finding.evidence));
    if let Some(fix) = &finding.fix {
        properties.insert(
            "fix".into(),
            json!({
                "header": fix.header,
                "safety": safety_str(fix.safety),
                "reason": fix.reason,
                "snippets": fix.snippets,
            }),
        );
    }
    let mut result = Map::new();
    result.insert("ruleId".into(), json!(finding.code));
    if let Some(index) = docs.iter().position(|d| d.code == finding.code) {
        result.insert("ruleIndex".into(), json!(index));
    }
    result.insert("level".into(), json!(sarif_level(finding.severity)));
    result.insert("message".into(), json!({ "text": message }));
    result.insert("locations".into(), json!([Value::Object(location)]));
    result.insert(
        "partialFingerprints".into(),
        json!({
            "cookieDoctorFinding/v1": format!(
                "{}|{}|{}",
                finding.code,
                report.url,
                finding.cookie.as_deref().unwrap_or("")
            )
        }),
    );
    result.insert("properties".into(), Value::Object(properties));
    Value::Object(result)
}

/// `cookie-doctor` plus the rule's area (SARIF tags must be unique).
fn tags(area: &str) -> Vec<String> {
    let mut tags = vec!["cookie-doctor".to_string()];
    if area != "cookie-doctor" {
        tags.push(area.to_string());
    }
    tags
}

fn safety_str(safety: Safety) -> &'static str {
    match safety {
        Safety::Safe => "safe",
        Safety::Unsafe => "unsafe",
    }
}

/// The rule's SARIF `name`: each kebab-case word capitalised
/// (`samesite-none-without-secure` → `SamesiteNoneWithoutSecure`).
fn pascal_case(code: &str) -> String {
    code.split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_levels() {
        assert_eq!(
            pascal_case("samesite-none-without-secure"),
            "SamesiteNoneWithoutSecure"
        );
        assert_eq!(sarif_level(Severity::Info), "note");
        assert!(repository_url().starts_with("https://"));
    }
}
