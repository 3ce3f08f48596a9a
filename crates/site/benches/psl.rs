//! Registrable-domain lookups: cookie-doctor's `BuiltinPsl` (behind the
//! `PublicSuffixList` trait) against the `psl` crate used directly
//! (`psl::domain`), on the same ~50 realistic hosts, in the same run.
//!
//! After criterion's report, a plain timing loop (median of several rounds, the
//! two interleaved) prints one summary line with ns/host and the ratio:
//!
//! ```text
//! psl: cookie-doctor X ns/host, psl crate Y ns/host, ratio Y/X = Z×
//! ```
//!
//! Run with `cargo bench -p cookie-doctor-site --bench psl`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use cookie_doctor_site::{BuiltinPsl, PublicSuffixList};
use criterion::{Criterion, Throughput};

/// Hosts as a cookie jar meets them: ICANN suffixes of one and more labels,
/// PRIVATE-section suffixes, wildcard rules, unknown TLDs, public suffixes
/// themselves, IDNA A-labels and a trailing dot.
const HOSTS: &[&str] = &[
    "www.example.com",
    "example.com",
    "api.example.com",
    "static.cdn.example.net",
    "a.b.example.co.uk",
    "www.bbc.co.uk",
    "shop.example.com.au",
    "www.gov.uk",
    "news.yahoo.co.jp",
    "city.kawasaki.jp",
    "www.example.kawasaki.jp",
    "mail.google.com",
    "accounts.google.com",
    "www.amazon.de",
    "m.facebook.com",
    "static.xx.fbcdn.net",
    "www.wikipedia.org",
    "en.m.wikipedia.org",
    "stats.g.doubleclick.net",
    "www.googletagmanager.com",
    "region1.google-analytics.com",
    "a.github.io",
    "b.github.io",
    "docs.user.github.io",
    "x.vercel.app",
    "my-app-git-main-team.vercel.app",
    "myapp.herokuapp.com",
    "bucket.s3.amazonaws.com",
    "bucket.s3.us-west-2.amazonaws.com",
    "d111111abcdef8.cloudfront.net",
    "project.web.app",
    "project.firebaseapp.com",
    "site.netlify.app",
    "blog.blogspot.com",
    "user.pages.dev",
    "foo.azurewebsites.net",
    "app.example.appspot.com",
    "www.example.edu",
    "portal.example.ac.uk",
    "www.example.com.br",
    "www.example.co.in",
    "shop.example.com.cn",
    "www.example.xn--p1ai",
    "xn--80ak6aa92e.com",
    "www.web-platform.test",
    "intranet.corp.internal",
    "app.localhost",
    "www.example.com.",
    "github.io",
    "co.uk",
    "com",
];

fn ours(hosts: &[&str]) -> usize {
    let psl = BuiltinPsl;
    let mut found = 0;
    for host in hosts {
        let domain = psl.registrable_domain(black_box(host));
        found += usize::from(domain.is_some());
        black_box(domain);
    }
    found
}

fn psl_crate(hosts: &[&str]) -> usize {
    let mut found = 0;
    for host in hosts {
        let domain = psl::domain(black_box(host.as_bytes()));
        found += usize::from(domain.is_some());
        black_box(domain);
    }
    found
}

fn criterion_benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("registrable-domain");
    group
        .throughput(Throughput::Elements(HOSTS.len() as u64))
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("cookie-doctor", |b| b.iter(|| ours(HOSTS)));
    group.bench_function("psl-crate", |b| b.iter(|| psl_crate(HOSTS)));
    group.finish();
}

/// Nanoseconds per host of `f`, over `iters` passes of the list.
fn ns_per_host(f: fn(&[&str]) -> usize, iters: u32) -> f64 {
    let start = Instant::now();
    for _ in 0..iters {
        black_box(f(black_box(HOSTS)));
    }
    start.elapsed().as_nanos() as f64 / f64::from(iters) / HOSTS.len() as f64
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs.get(xs.len() / 2).copied().unwrap_or(f64::NAN)
}

fn summary(measure: bool) {
    // The two must agree on what they find, or the comparison means nothing.
    let psl = BuiltinPsl;
    let disagreements: Vec<&str> = HOSTS
        .iter()
        .copied()
        .filter(|h| {
            let direct =
                psl::domain(h.as_bytes()).and_then(|d| std::str::from_utf8(d.as_bytes()).ok());
            psl.registrable_domain(h) != direct
        })
        .collect();
    println!(
        "psl: {} hosts; registrable domain found by cookie-doctor {}, by the psl crate {}; differing: {disagreements:?}",
        HOSTS.len(),
        ours(HOSTS),
        psl_crate(HOSTS)
    );
    if !measure {
        println!("psl: test mode, no timings (run `cargo bench` to measure)");
        return;
    }
    let (rounds, target) = (11, Duration::from_millis(200));
    let probe = ns_per_host(ours, 100).max(1.0);
    let iters = ((target.as_nanos() as f64 / (probe * HOSTS.len() as f64)) as u32).max(1);
    let mut x = Vec::new();
    let mut y = Vec::new();
    for _ in 0..rounds {
        x.push(ns_per_host(ours, iters));
        y.push(ns_per_host(psl_crate, iters));
    }
    let (x, y) = (median(x), median(y));
    println!(
        "psl: cookie-doctor {x:.1} ns/host, psl crate {y:.1} ns/host, ratio Y/X = {:.2}× (median of {rounds} rounds of {iters} passes)",
        y / x
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not, and then
    // criterion runs each benchmark once and the summary only checks the mix.
    let measure = std::env::args().any(|a| a == "--bench");
    let mut c = Criterion::default().configure_from_args();
    criterion_benches(&mut c);
    c.final_summary();
    summary(measure);
}
