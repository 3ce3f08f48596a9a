//! The browser model: runs a scenario's steps through a browser profile and
//! writes the trace (DESIGN.md §6) — every request the browser makes, which
//! cookies it carries and why the others stay home, what each Set-Cookie did,
//! the CORS and framing verdicts, and the jar at the end.
//!
//! Pure: no I/O and no clock of its own (the start time is an argument).
//! Browser differences come only from the [`Profile`] values.
#![forbid(unsafe_code)]

mod browser;
pub mod cookies;
pub mod trace;

use cookie_doctor_cookie::Time;
use cookie_doctor_inputs::Scenario;
use cookie_doctor_profiles::Profile;
use cookie_doctor_site::PublicSuffixList;

pub use trace::{
    Blocked, CookieRef, CorsTrace, ExcludedCookie, ExpectResult, JarCookie, RequestTrace, Run,
    SetCookieTrace, StepTrace, Trace,
};

/// Runs `scenario` in one browser profile, starting at `start`.
pub fn run(scenario: &Scenario, profile: &Profile, psl: &dyn PublicSuffixList, start: Time) -> Run {
    let responses = browser::Responses::new(scenario);
    browser::Browser::new(profile, psl, &responses, start).run(scenario)
}

/// Runs `scenario` in each of the borrowed profiles (callers that pick a
/// subset of their profiles need not clone them).
pub fn simulate_refs(
    scenario: &Scenario,
    profiles: &[&Profile],
    psl: &dyn PublicSuffixList,
    start: Time,
) -> Trace {
    let responses = browser::Responses::new(scenario);
    Trace {
        scenario: scenario.name.clone(),
        runs: profiles
            .iter()
            .map(|p| browser::Browser::new(p, psl, &responses, start).run(scenario))
            .collect(),
    }
}

/// Runs `scenario` in each profile: the whole trace.
pub fn simulate(
    scenario: &Scenario,
    profiles: &[Profile],
    psl: &dyn PublicSuffixList,
    start: Time,
) -> Trace {
    let borrowed: Vec<&Profile> = profiles.iter().collect();
    simulate_refs(scenario, &borrowed, psl, start)
}
