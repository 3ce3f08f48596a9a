//! Simulation speed: the 20-step scenario `twenty-steps.toml` through all six
//! built-in profiles, against the peer it replaces — the real Chromium run by the
//! browser oracle on the same scenario (`twenty-steps.real-browser.toml`, the
//! harness's measured time per scenario). After criterion's report a plain
//! timing loop prints one summary line:
//!
//! ```text
//! simulate: X µs per scenario × 6 profiles (Y µs per profile); real Chromium Z s per scenario; ratio Z/Y = N×
//! ```
//!
//! Run with `cargo bench -p cookie-doctor-engine --bench simulate`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a bench: a failure is a bug

use std::hint::black_box;
use std::time::{Duration, Instant};

use cookie_doctor_cookie::Time;
use cookie_doctor_engine::simulate;
use cookie_doctor_inputs::parse_scenario;
use cookie_doctor_profiles::builtin;
use cookie_doctor_site::BuiltinPsl;
use criterion::Criterion;

const SCENARIO: &str = include_str!("twenty-steps.toml");
const REAL_BROWSER: &str = include_str!("twenty-steps.real-browser.toml");
const START: Time = Time::from_unix(1_795_435_200);

/// The median of the oracle's measured seconds per scenario.
fn real_browser_seconds() -> f64 {
    let line = REAL_BROWSER
        .lines()
        .find(|l| l.starts_with("seconds"))
        .expect("a seconds line");
    let list = line.split_once('[').unwrap().1.trim_end_matches(']');
    let mut values: Vec<f64> = list.split(',').map(|v| v.trim().parse().unwrap()).collect();
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn bench(c: &mut Criterion) {
    let scenario = parse_scenario(SCENARIO, "twenty-steps.toml").unwrap();
    assert_eq!(scenario.steps.len(), 20);
    let profiles = builtin();
    assert_eq!(profiles.len(), 6);
    let mut group = c.benchmark_group("simulate");
    group.bench_function("twenty steps × six profiles", |b| {
        b.iter(|| simulate(black_box(&scenario), &profiles, &BuiltinPsl, START));
    });
    group.bench_function("parse scenario + twenty steps × six profiles", |b| {
        b.iter(|| {
            let scenario = parse_scenario(black_box(SCENARIO), "twenty-steps.toml").unwrap();
            simulate(&scenario, &profiles, &BuiltinPsl, START)
        });
    });
    group.finish();

    // The summary: median of rounds of a plain loop.
    let rounds = 15;
    let per_round = 200;
    let mut samples = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let started = Instant::now();
        for _ in 0..per_round {
            black_box(simulate(
                black_box(&scenario),
                &profiles,
                &BuiltinPsl,
                START,
            ));
        }
        samples.push(started.elapsed() / per_round);
    }
    samples.sort();
    let median: Duration = samples.get(rounds / 2).copied().unwrap_or_default();
    let micros = median.as_secs_f64() * 1e6;
    let per_profile = micros / profiles.len() as f64;
    let real = real_browser_seconds();
    let ratio = real * 1e6 / per_profile;
    println!(
        "simulate: {micros:.0} µs per scenario × {} profiles ({per_profile:.0} µs per profile); real Chromium {real:.1} s per scenario; ratio {ratio:.0}×",
        profiles.len()
    );
}

fn main() {
    let mut c = Criterion::default()
        .configure_from_args()
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    bench(&mut c);
    c.final_summary();
}
