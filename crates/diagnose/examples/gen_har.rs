//! Writes a deterministic HAR 1.2 file of about `BYTES` bytes, shaped like a
//! Chrome DevTools export of a long browsing session: pages on many sites, each
//! page with its document, scripts, styles, images and API calls, bodies
//! included (text and base64), Set-Cookie on some responses and the Cookie
//! header a browser would send back (a tiny host-only jar is kept so that the
//! replay mostly agrees, as it would on a real export).
//!
//! `cargo run --release -p cookie-doctor-diagnose --example gen_har -- BYTES SEED > big.har`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../benches/support/corpus.rs"]
mod corpus;

use std::collections::HashMap;
use std::io::Write;

use corpus::Rng;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const LOREM: &str = "function f(a,b){return a+b}\\nvar s=\\\"hello\\\";document.title=s;\\n";

fn header(name: &str, value: &str) -> String {
    format!(
        "{{\"name\":{},\"value\":{}}}",
        corpus::json_string(name),
        corpus::json_string(value)
    )
}

fn main() {
    let mut args = std::env::args().skip(1);
    let target: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(50_000_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let mut r = Rng::new(seed);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    let mut written: u64 = 0;
    let emit = |out: &mut std::io::BufWriter<std::io::StdoutLock<'_>>, s: &str| {
        out.write_all(s.as_bytes()).unwrap();
        s.len() as u64
    };
    written += emit(
        &mut out,
        "{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"WebInspector\",\"version\":\"537.36\"},\"pages\":[],\"entries\":[\n",
    );
    // host → cookies (name, value) in creation order: host-only, Path=/.
    let mut jars: HashMap<String, Vec<(String, String)>> = HashMap::new();
    let mut first = true;
    let mut seconds = 0u64;
    while written < target {
        let site = r.below(500);
        let host = format!("www.site{site}.example");
        let page_url = format!("https://{host}/p/{}", r.below(1_000_000));
        let resources = 5 + r.below(20);
        for i in 0..=resources {
            seconds += 1;
            let (url, kind, mime) = if i == 0 {
                (page_url.clone(), "document", "text/html")
            } else {
                match r.below(4) {
                    0 => (
                        format!("https://{host}/static/{}.js", r.token(ALNUM, 8)),
                        "script",
                        "application/javascript",
                    ),
                    1 => (
                        format!("https://{host}/img/{}.png", r.token(ALNUM, 8)),
                        "image",
                        "image/png",
                    ),
                    2 => (
                        format!("https://{host}/api/items?id={}", r.below(1000)),
                        "fetch",
                        "application/json",
                    ),
                    _ => (
                        format!("https://{host}/static/{}.css", r.token(ALNUM, 8)),
                        "stylesheet",
                        "text/css",
                    ),
                }
            };
            let jar = jars.entry(host.clone()).or_default();
            let mut req_headers = vec![
                header("Host", &host),
                header(
                    "User-Agent",
                    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                ),
                header("Accept", "*/*"),
                header(
                    "Sec-Fetch-Site",
                    if i == 0 { "none" } else { "same-origin" },
                ),
                header(
                    "Sec-Fetch-Mode",
                    if i == 0 { "navigate" } else { "no-cors" },
                ),
                header(
                    "Sec-Fetch-Dest",
                    if i == 0 {
                        "document"
                    } else if kind == "fetch" {
                        "empty"
                    } else {
                        kind
                    },
                ),
            ];
            if !jar.is_empty() {
                let cookie: Vec<String> = jar.iter().map(|(n, v)| format!("{n}={v}")).collect();
                req_headers.push(header("Cookie", &cookie.join("; ")));
            }
            let mut resp_headers = vec![
                header("Content-Type", mime),
                header("Cache-Control", "private, max-age=0"),
                header("Date", "Thu, 03 Dec 2026 12:00:00 GMT"),
            ];
            if i == 0 || (kind == "fetch" && r.chance(20)) {
                let (name, value) = match r.below(3) {
                    0 => ("sid".to_string(), r.token(ALNUM, 32)),
                    1 => (
                        "_ga".to_string(),
                        format!(
                            "GA1.2.{}.{}",
                            r.below(1_000_000_000),
                            1_700_000_000 + r.below(1000)
                        ),
                    ),
                    _ => ("prefs".to_string(), format!("v{}", r.below(10))),
                };
                resp_headers.push(header(
                    "Set-Cookie",
                    &format!("{name}={value}; Path=/; Secure; HttpOnly; SameSite=Lax"),
                ));
                match jar.iter_mut().find(|(n, _)| *n == name) {
                    Some(slot) => slot.1 = value,
                    None => jar.push((name, value)),
                }
            }
            let body_len = match kind {
                "document" => 20_000 + r.below(40_000),
                "script" => 30_000 + r.below(120_000),
                "image" => 5_000 + r.below(40_000),
                "stylesheet" => 5_000 + r.below(20_000),
                _ => 200 + r.below(3_000),
            } as usize;
            let (text, encoding) = if kind == "image" {
                (r.token(B64, body_len), ",\"encoding\":\"base64\"")
            } else {
                let mut t = String::with_capacity(body_len + LOREM.len());
                while t.len() < body_len {
                    t.push_str(LOREM);
                }
                (t, "")
            };
            let entry = format!(
                "{comma}{{\"startedDateTime\":\"2026-12-03T12:{m:02}:{s:02}.000Z\",\"time\":12.5,\"_resourceType\":\"{kind}\",\"_initiator\":{{\"type\":\"{init}\"}},\"request\":{{\"method\":\"GET\",\"url\":{url},\"httpVersion\":\"http/2.0\",\"headers\":[{rq}],\"queryString\":[],\"cookies\":[],\"headersSize\":-1,\"bodySize\":0}},\"response\":{{\"status\":200,\"statusText\":\"\",\"httpVersion\":\"http/2.0\",\"headers\":[{rs}],\"cookies\":[],\"content\":{{\"size\":{size},\"mimeType\":\"{mime}\",\"text\":\"{text}\"{encoding}}},\"redirectURL\":\"\",\"headersSize\":-1,\"bodySize\":{size}}},\"cache\":{{}},\"timings\":{{\"blocked\":1,\"dns\":-1,\"ssl\":-1,\"connect\":-1,\"send\":0.1,\"wait\":10,\"receive\":1.4}}}}\n",
                comma = if first { "" } else { "," },
                m = (seconds / 60) % 60,
                s = seconds % 60,
                init = if i == 0 { "other" } else { "parser" },
                url = corpus::json_string(&url),
                rq = req_headers.join(","),
                rs = resp_headers.join(","),
                size = text.len(),
            );
            first = false;
            written += emit(&mut out, &entry);
        }
    }
    emit(&mut out, "]}}\n");
    out.flush().unwrap();
}
