//! `run_branches` must give each branch exactly what `run` gives its scenario
//! alone. For every scenario under `tests/scenarios/` and every built-in
//! profile, the branches are: the whole scenario, each of its prefixes, and
//! the scenario with one middle step left out (so branches share a prefix and
//! then part); every kept step trace and every final jar is compared with a
//! plain run of the branch's own scenario.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use cookie_doctor_cookie::Time;
use cookie_doctor_engine::{Branch, StepTrace, run, run_branches};
use cookie_doctor_inputs::{Scenario, parse_scenario};
use cookie_doctor_profiles::builtin;
use cookie_doctor_site::BuiltinPsl;
use support::{branch_set, corpus, keep_all, with_steps};

const START: Time = Time::from_unix(1_795_435_200);

/// Empties the Set-Cookie list of the step's final responses (neither a
/// redirect hop nor a preflight), as `last_set_cookie: false` leaves it;
/// returns how many lines that removed.
fn clear_final_set_cookie(step: &mut StepTrace) -> usize {
    let mut cleared = 0;
    for request in &mut step.requests {
        let redirect = matches!(request.status, 301 | 302 | 303 | 307 | 308);
        if !redirect && request.method != "OPTIONS" {
            cleared += request.set_cookie.len();
            request.set_cookie.clear();
        }
    }
    cleared
}

#[test]
fn branches_equal_separate_runs_on_every_scenario() {
    let scenarios = corpus();
    assert!(scenarios.len() > 100, "expected the scenario corpus");
    let profiles = builtin();
    let refs: Vec<_> = profiles.iter().collect();
    let mut compared = 0usize;
    for (path, scenario) in &scenarios {
        let n = scenario.steps.len();
        let mut variants: Vec<Scenario> = vec![scenario.clone()];
        for k in 0..n {
            variants.push(with_steps(scenario, scenario.steps[..k].to_vec()));
        }
        if n >= 3 {
            let mut skipped = scenario.steps.clone();
            skipped.remove(n / 2);
            variants.push(with_steps(scenario, skipped));
        }
        let keeps = keep_all(&variants);
        let branches = branch_set(&variants, &keeps, true);
        let together = run_branches(&branches, &refs, &BuiltinPsl, START);
        for (profile, runs) in profiles.iter().zip(&together) {
            for (variant, branch_run) in variants.iter().zip(runs) {
                let alone = run(variant, profile, &BuiltinPsl, START);
                let kept: Vec<_> = branch_run
                    .kept
                    .iter()
                    .map(|s| s.as_deref().cloned().unwrap())
                    .collect();
                assert_eq!(
                    kept,
                    alone.steps,
                    "{}: {} steps in {}",
                    path.display(),
                    variant.steps.len(),
                    profile.name
                );
                assert_eq!(
                    branch_run.jar.as_ref(),
                    Some(&alone.jar),
                    "{}",
                    path.display()
                );
                compared += 1;
            }
        }
    }
    println!("run_branches: {compared} branch runs equal their separate runs");
}

/// A long straight stretch runs in a loop: thousands of shared steps before
/// the branches part do not grow the stack.
#[test]
fn long_shared_prefix_runs_in_constant_stack() {
    let mut toml = String::from(
        "name = \"long\"\n[[response]]\nurl = \"https://app.example/\"\nheaders = [\"Set-Cookie: sid=1; Secure\"]\n",
    );
    for _ in 0..5_000 {
        toml.push_str("[[step]]\ndo = \"open\"\nurl = \"https://app.example/\"\n");
    }
    let long = parse_scenario(&toml, "long.toml").unwrap();
    let mut shorter = long.clone();
    shorter.steps.truncate(4_000);
    let profile = builtin().into_iter().next().unwrap();
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let keep_last = [long.steps.len() - 1];
            let keep_short = [shorter.steps.len() - 1];
            let branches = [
                Branch {
                    scenario: &long,
                    keep: &keep_last,
                    want_jar: true,
                    last_set_cookie: true,
                },
                Branch {
                    scenario: &shorter,
                    keep: &keep_short,
                    want_jar: true,
                    last_set_cookie: true,
                },
            ];
            let runs = run_branches(&branches, &[&profile], &BuiltinPsl, START);
            runs[0]
                .iter()
                .all(|r| r.kept[0].is_some() && r.jar.as_ref().is_some_and(|j| j.len() == 1))
        })
        .unwrap();
    assert!(handle.join().unwrap());
}

/// A branch that does not want its last response's cookies
/// (`last_set_cookie: false`) gets the same traces as a plain run — every
/// earlier step whole, and on its last step the same requests with the same
/// cookies sent and held back, CORS and framing verdicts — except that the
/// last step's final (non-redirect) responses list no Set-Cookie. Where that
/// last step is shared with a longer branch (a prefix), it is run whole.
/// Scenarios run without their expectations (a step that checks one is never
/// skipped).
#[test]
fn skipping_the_last_set_cookie_changes_nothing_else() {
    let scenarios = corpus();
    let profiles = builtin();
    let refs: Vec<_> = profiles.iter().collect();
    let mut skipped_lines = 0usize;
    for (path, scenario) in &scenarios {
        let mut scenario = scenario.clone();
        for step in &mut scenario.steps {
            step.expect.clear();
        }
        let n = scenario.steps.len();
        // The prefixes, the whole scenario last: only its last step is the
        // last of every branch taking it.
        let variants: Vec<Scenario> = (1..=n)
            .map(|k| with_steps(&scenario, scenario.steps[..k].to_vec()))
            .collect();
        let keeps = keep_all(&variants);
        let branches = branch_set(&variants, &keeps, false);
        let together = run_branches(&branches, &refs, &BuiltinPsl, START);
        for (profile, runs) in profiles.iter().zip(&together) {
            for (k, (variant, branch_run)) in variants.iter().zip(runs).enumerate() {
                let mut alone = run(variant, profile, &BuiltinPsl, START).steps;
                if k + 1 == variants.len() {
                    skipped_lines += clear_final_set_cookie(alone.last_mut().unwrap());
                }
                let kept: Vec<_> = branch_run
                    .kept
                    .iter()
                    .map(|s| s.as_deref().cloned().unwrap())
                    .collect();
                assert_eq!(kept, alone, "{} in {}", path.display(), profile.name);
                assert_eq!(branch_run.jar, None);
            }
        }
        // Each prefix on its own: its last step is skipped.
        for (variant, branch) in variants.iter().zip(&branches) {
            let single = run_branches(std::slice::from_ref(branch), &refs, &BuiltinPsl, START);
            for (profile, runs) in profiles.iter().zip(&single) {
                let mut alone = run(variant, profile, &BuiltinPsl, START).steps;
                skipped_lines += clear_final_set_cookie(alone.last_mut().unwrap());
                let kept: Vec<_> = runs[0]
                    .kept
                    .iter()
                    .map(|s| s.as_deref().cloned().unwrap())
                    .collect();
                assert_eq!(kept, alone, "{} alone in {}", path.display(), profile.name);
            }
        }
    }
    // The corpus has last steps whose responses set cookies: the skip was
    // exercised, not vacuous.
    assert!(skipped_lines > 100, "only {skipped_lines} lines skipped");
}
