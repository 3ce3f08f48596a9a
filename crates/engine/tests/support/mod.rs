//! The scenario corpus and the branch sets built from it, shared by
//! `tests/branches.rs` and the engine's own unit tests (which include this
//! file by path: they reach a test switch an integration test cannot).

use std::path::PathBuf;

// The including module names the engine's `Branch` (an integration test
// imports it from the crate, a unit test from `super`).
use super::Branch;
use cookie_doctor_inputs::{Scenario, Step, parse_scenario};

/// The scenario files under `tests/scenarios/`, parsed, in name order.
pub fn corpus() -> Vec<(PathBuf, Scenario)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let scenario = parse_scenario(&text, &path.to_string_lossy()).unwrap();
            (path, scenario)
        })
        .collect()
}

/// The scenario with its steps replaced (renumbered as the parser numbers them).
pub fn with_steps(scenario: &Scenario, steps: Vec<Step>) -> Scenario {
    let steps = steps
        .into_iter()
        .enumerate()
        .map(|(index, mut s)| {
            s.index = index;
            s
        })
        .collect();
    Scenario {
        steps,
        ..scenario.clone()
    }
}

/// Every step position of each variant: what a branch keeps to be compared
/// with a plain run.
pub fn keep_all(variants: &[Scenario]) -> Vec<Vec<usize>> {
    variants
        .iter()
        .map(|v| (0..v.steps.len()).collect())
        .collect()
}

/// One branch per variant, keeping `keeps`; `whole` asks for the final jar
/// and every Set-Cookie line (else neither).
pub fn branch_set<'s>(
    variants: &'s [Scenario],
    keeps: &'s [Vec<usize>],
    whole: bool,
) -> Vec<Branch<'s>> {
    variants
        .iter()
        .zip(keeps)
        .map(|(scenario, keep)| Branch {
            scenario,
            keep,
            want_jar: whole,
            last_set_cookie: whole,
        })
        .collect()
}
