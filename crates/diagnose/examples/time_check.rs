//! Scratch timing of check() (not committed).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
use cookie_doctor_cookie::Time;
use cookie_doctor_diagnose::check::check;
use cookie_doctor_diagnose::matrix::Deployment;
use cookie_doctor_profiles::builtin;
use cookie_doctor_site::{BuiltinPsl, Origin};
use std::time::Instant;
#[global_allocator]
static A: mimalloc::MiMalloc = mimalloc::MiMalloc;
fn main() {
    let lines: Vec<String> = include_str!("../../../examples/set-cookie/embedded-dashboard.txt")
        .lines()
        .map(|l| l.trim_start_matches("Set-Cookie: ").to_string())
        .collect();
    let dep = Deployment {
        url: url::Url::parse("https://app.example.com/dashboard").unwrap(),
        embedded_in: vec![Origin::parse("https://partner.example").unwrap()],
        called_from: vec![],
        headers: vec![],
    };
    let profiles = builtin();
    let n: u32 = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(check(
            &lines,
            &dep,
            &profiles,
            &BuiltinPsl,
            Time::from_unix(1_795_435_200),
        ));
    }
    println!("check: {:?} per call", t.elapsed() / n);
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(cookie_doctor_diagnose::matrix::delivery_matrix(
            &lines,
            &dep,
            &profiles,
            &BuiltinPsl,
            Time::from_unix(1_795_435_200),
        ));
    }
    println!("matrix: {:?} per call", t.elapsed() / n);
}
