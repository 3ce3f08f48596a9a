//! scratch
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#[global_allocator]
static A: mimalloc::MiMalloc = mimalloc::MiMalloc;
use cookie_doctor_diagnose::check::check;
use cookie_doctor_diagnose::matrix::Deployment;
use cookie_doctor_site::{BuiltinPsl, Origin};
fn main() {
    let lines: Vec<String> = std::fs::read_to_string("examples/set-cookie/embedded-dashboard.txt")
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim_start_matches("Set-Cookie: ").to_string())
        .collect();
    let dep = Deployment {
        url: url::Url::parse("https://app.example.com/dashboard").unwrap(),
        embedded_in: vec![Origin::parse("https://partner.example").unwrap()],
        called_from: vec![],
        headers: vec![],
    };
    let profiles = cookie_doctor_profiles::builtin();
    let now = cookie_doctor_cookie::Time::from_unix(1_700_000_000);
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().unwrap())
        .unwrap_or(1000);
    let t = std::time::Instant::now();
    let mut k = 0;
    for _ in 0..n {
        let r = check(&lines, &dep, &profiles, &BuiltinPsl, now);
        k += r.findings.len();
        let s = serde_json::to_string(&r).unwrap();
        k += s.len();
    }
    let el = t.elapsed();
    println!("{n} checks: {:?} per check ({k})", el / n as u32);
}
