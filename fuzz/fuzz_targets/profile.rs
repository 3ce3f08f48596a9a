//! Fuzz target: the browser-profile reader (`--profile-file`, data/profiles/*.toml).
//!
//! Arbitrary text goes through `Profile::from_toml`: it must answer with a
//! profile or an error naming the file, never panic; an accepted profile runs a
//! small scenario (a login, a cross-site iframe with a partitioned and an
//! evicting cookie burst, a fetch) without panicking, whatever its knobs.
#![no_main]

use std::sync::OnceLock;

use cookie_doctor_cookie::Time;
use cookie_doctor_inputs::{Scenario, parse_scenario};
use cookie_doctor_profiles::Profile;
use cookie_doctor_site::BuiltinPsl;
use libfuzzer_sys::fuzz_target;

fn scenario() -> Option<&'static Scenario> {
    static SCENARIO: OnceLock<Option<Scenario>> = OnceLock::new();
    SCENARIO
        .get_or_init(|| {
            let cookies: Vec<String> = (0..12)
                .map(|i| format!("\"Set-Cookie: c{i}=v; Path=/; Secure; SameSite=None; Partitioned\""))
                .collect();
            let text = format!(
                r#"name = "fuzz"
[[response]]
url = "https://app.example/login"
headers = ["Set-Cookie: sid=1; Secure; SameSite=Lax", "Set-Cookie: n=1; Secure; SameSite=None"]
[[response]]
url = "https://app.example/embed"
headers = [{}]
[[step]]
do = "open"
url = "https://app.example/login"
[[step]]
do = "open"
url = "https://partner.example/"
[[step]]
do = "iframe"
name = "f"
url = "https://app.example/embed"
[[step]]
do = "fetch"
from = "f"
url = "https://app.example/api"
credentials = "include"
[[step]]
do = "js-read"
from = "f"
"#,
                cookies.join(", ")
            );
            parse_scenario(&text, "fuzz.toml").ok()
        })
        .as_ref()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Profile::from_toml(text, "fuzz.toml") {
        Ok(profile) => {
            if let Some(scenario) = scenario() {
                let run = cookie_doctor_engine::run(scenario, &profile, &BuiltinPsl, Time::from_unix(1_795_435_200));
                assert_eq!(run.steps.len(), scenario.steps.len());
            }
        }
        Err(e) => assert!(e.to_string().starts_with("fuzz.toml")),
    }
});
