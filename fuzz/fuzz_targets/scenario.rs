//! Fuzz target: the scenario reader (DESIGN.md §5).
//!
//! Arbitrary text goes through `parse_scenario`: it must answer with a scenario or
//! an error naming the file, never panic; a scenario it accepts names only known
//! browsers and has at least one step.
#![no_main]

use cookie_doctor_inputs::{KNOWN_BROWSERS, parse_scenario};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match parse_scenario(text, "fuzz.toml") {
        Ok(scenario) => {
            assert!(!scenario.steps.is_empty());
            assert!(scenario.browsers.iter().all(|b| KNOWN_BROWSERS.contains(&b.as_str())));
        }
        Err(e) => assert_eq!(e.file, "fuzz.toml"),
    }
});
