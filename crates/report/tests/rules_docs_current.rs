//! docs/rules/<code>.md (one per rule) and docs/rules/README.md (the index)
//! are generated from the rules' definitions; this test fails when one is
//! stale or missing, or when a page has no rule (an orphan). Regenerate with
//! `UPDATE_DOCS=1 cargo test -p cookie-doctor-report --test rules_docs_current`
//! (which also deletes orphans).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use cookie_doctor_diagnose::rules;
use cookie_doctor_report::rules_doc::{render_rule_doc, render_rules_index, rule_doc_file};

const INDEX: &str = "README.md";

fn dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rules"))
}

#[test]
fn rule_docs_are_current() {
    let docs: Vec<_> = rules::all().into_iter().map(|r| r.doc()).collect();
    let mut expected: BTreeMap<String, String> = docs
        .iter()
        .map(|d| (rule_doc_file(d), render_rule_doc(d)))
        .collect();
    expected.insert(INDEX.to_string(), render_rules_index(&docs));

    let dir = dir();
    let on_disk: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".md"))
                .collect()
        })
        .unwrap_or_default();

    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for name in &on_disk {
            if !expected.contains_key(name) {
                std::fs::remove_file(dir.join(name)).unwrap();
            }
        }
        for (name, text) in &expected {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }

    let hint = "run UPDATE_DOCS=1 cargo test -p cookie-doctor-report --test rules_docs_current";
    let mut problems = Vec::new();
    for (name, text) in &expected {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(actual) if actual == *text => {}
            Ok(_) => problems.push(format!("docs/rules/{name} is out of date")),
            Err(_) => problems.push(format!("docs/rules/{name} is missing")),
        }
    }
    let on_disk: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".md"))
                .collect()
        })
        .unwrap_or_default();
    for name in on_disk {
        if !expected.contains_key(&name) {
            problems.push(format!("docs/rules/{name} documents no rule (orphan)"));
        }
    }
    assert!(problems.is_empty(), "{}\n{hint}", problems.join("\n"));
}
