//! The `cookie_store` crate as a peer of `cookie-doctor audit`: per response of
//! an audit-lines file, a fresh `CookieStore`, every Set-Cookie stored at the
//! response's URL, then the Cookie header for that URL — the same work the
//! tough-cookie peer does (scripts/bench/tough-cookie.js). Prints one line:
//! `cookie_store: N responses, M cookies stored, S s`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::BufRead;
use std::time::Instant;

#[derive(serde::Deserialize)]
struct Line {
    url: String,
    #[serde(default)]
    headers: Vec<String>,
}

fn main() {
    let path = std::env::args().nth(1).expect("an audit-lines file");
    let file = std::fs::File::open(&path).unwrap();
    // Read and parse outside the timed loop, as the tough-cookie peer does.
    let responses: Vec<(url::Url, Vec<String>)> = std::io::BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .filter_map(|l| serde_json::from_str::<Line>(&l).ok())
        .filter_map(|l| {
            let url = url::Url::parse(&l.url).ok()?;
            let cookies = l
                .headers
                .iter()
                .filter_map(|h| {
                    let (name, value) = h.split_once(':')?;
                    name.trim()
                        .eq_ignore_ascii_case("set-cookie")
                        .then(|| value.trim().to_string())
                })
                .collect();
            Some((url, cookies))
        })
        .collect();
    let start = Instant::now();
    let mut stored = 0usize;
    let mut header_bytes = 0usize;
    for (url, lines) in &responses {
        let mut store = cookie_store::CookieStore::default();
        for line in lines {
            if store.parse(line, url).is_ok() {
                stored += 1;
            }
        }
        header_bytes += store
            .get_request_values(url)
            .map(|(n, v)| n.len() + v.len() + 3)
            .sum::<usize>();
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "cookie_store: {} responses, {stored} cookies stored, {header_bytes} header bytes, {seconds:.3} s",
        responses.len()
    );
}
