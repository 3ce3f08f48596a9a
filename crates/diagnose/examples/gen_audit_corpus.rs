//! Writes the synthetic crawl of `benches/support/corpus.rs` as audit lines v1:
//! `cargo run --release -p cookie-doctor-diagnose --example gen_audit_corpus -- N SEED > corpus.jsonl`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../benches/support/corpus.rs"]
mod corpus;

use std::io::Write;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    for line in corpus::audit_lines(n, seed) {
        writeln!(out, "{line}").unwrap();
    }
}
