//! Fuzz target: the scenario reader (DESIGN.md §5) and the engine behind it.
//!
//! Arbitrary text goes through `parse_scenario`: it must answer with a scenario or
//! an error naming the file, never panic; a scenario it accepts names only known
//! browsers and has at least one step, and simulating it in every built-in
//! profile never panics and yields one run per profile with one trace per step.
#![no_main]

use cookie_doctor_cookie::Time;
use cookie_doctor_inputs::{KNOWN_BROWSERS, parse_scenario};
use cookie_doctor_site::BuiltinPsl;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match parse_scenario(text, "fuzz.toml") {
        Ok(scenario) => {
            assert!(!scenario.steps.is_empty());
            assert!(scenario.browsers.iter().all(|b| KNOWN_BROWSERS.contains(&b.as_str())));
            // Long scenarios are valid but slow; the engine's cost is linear.
            if scenario.steps.len() <= 64 {
                let profiles = cookie_doctor_profiles::builtin();
                let trace = cookie_doctor_engine::simulate(
                    &scenario,
                    &profiles,
                    &BuiltinPsl,
                    Time::from_unix(1_795_435_200),
                );
                assert_eq!(trace.runs.len(), profiles.len());
                for run in &trace.runs {
                    assert_eq!(run.steps.len(), scenario.steps.len());
                }
            }
        }
        Err(e) => assert_eq!(e.file, "fuzz.toml"),
    }
});
