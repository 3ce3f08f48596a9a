//! Scratch: Auditor over a corpus, single thread (not committed).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
use cookie_doctor_cookie::Time;
use cookie_doctor_diagnose::audit::{AuditResponse, Auditor};
use std::io::BufRead;
use std::sync::Arc;
use std::time::Instant;
#[global_allocator]
static A: mimalloc::MiMalloc = mimalloc::MiMalloc;
#[derive(serde::Deserialize)]
struct Line {
    url: String,
    #[serde(default)]
    headers: Vec<String>,
    #[serde(default)]
    embedded_in: Vec<String>,
    #[serde(default)]
    called_from: Vec<String>,
}
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let rs: Vec<AuditResponse> = std::io::BufReader::new(std::fs::File::open(path).unwrap())
        .lines()
        .map_while(Result::ok)
        .filter_map(|l| serde_json::from_str::<Line>(&l).ok())
        .map(|l| AuditResponse {
            url: l.url,
            status: None,
            headers: l.headers,
            embedded_in: l.embedded_in,
            called_from: l.called_from,
        })
        .collect();
    let a = Auditor::new(
        cookie_doctor_profiles::builtin(),
        Arc::new(cookie_doctor_site::BuiltinPsl),
        Time::from_unix(1_795_435_200),
    );
    let t = Instant::now();
    let mut nf = 0;
    for r in &rs {
        nf += a.audit(r).map(|f| f.len()).unwrap_or(0);
    }
    println!(
        "{} responses, {nf} findings, {:.3} s, {:?}",
        rs.len(),
        t.elapsed().as_secs_f64(),
        a.stats()
    );
}
