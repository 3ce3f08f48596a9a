//! The reading floor of `cookie-doctor har`: the time serde_json takes merely
//! to parse a HAR file into a `serde_json::Value` (the whole file read into
//! memory first, then `from_slice`, serde_json's fastest path). Prints one line:
//! `serde_json Value: BYTES bytes, ENTRIES entries, S s`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("a HAR file");
    let start = Instant::now();
    let bytes = std::fs::read(&path).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let entries = value["log"]["entries"].as_array().map_or(0, Vec::len);
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "serde_json Value: {} bytes, {entries} entries, {seconds:.3} s",
        bytes.len()
    );
}
