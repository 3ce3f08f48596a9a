//! Set-Cookie parsing: cookie-doctor's `parse_set_cookie` against the `cookie`
//! crate's `Cookie::parse`, on the same realistic mix of lines, in the same run.
//!
//! The mix holds session ids, analytics cookies, long consent strings, JWTs,
//! legacy date formats, attribute combinations and a few malformed lines. After
//! criterion's report, a plain timing loop (median of several rounds, the two
//! parsers interleaved) prints one summary line with ns/line and the ratio:
//!
//! ```text
//! parse: cookie-doctor X ns/line, cookie crate Y ns/line, ratio Y/X = Z×
//! ```
//!
//! Run with `cargo bench -p cookie-doctor-cookie --bench parse`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use cookie_doctor_cookie::parse_set_cookie;
use criterion::{Criterion, Throughput};

/// Deterministic base64url-looking text (xorshift), for tokens and consent strings.
fn token(seed: u64, len: usize) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(ALPHABET.get((state % 64) as usize).copied().unwrap_or(b'A'))
        })
        .collect()
}

/// The bench mix: what a busy site and its third parties send in a page load.
fn mix() -> Vec<String> {
    let jwt = format!(
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IjEyMyJ9.{}.{}",
        token(1, 220),
        token(2, 342)
    );
    // IAB TCF v2 consent string (~1.2 KB of base64url).
    let tcf = format!("CP{}", token(3, 1200));
    // OneTrust OptanonConsent (~1.5 KB, percent-encoded key/value list).
    let groups: Vec<String> = (1..=120).map(|i| format!("C{i:04}%3A{}", i % 2)).collect();
    let optanon = format!(
        "isGpcEnabled=0&datestamp=Wed+Jun+09+2021+12%3A18%3A14+GMT%2B0200+(Central+European+Summer+Time)&version=6.17.0&isIABGlobal=false&hosts=&consentId={}&interactionCount=1&landingPath=NotLandingPage&groups={}&AwaitingReconsent=false",
        token(4, 36),
        groups.join("%2C")
    );
    let mut lines: Vec<String> = vec![
        // Session identifiers.
        "sid=31d4d96e407aad42; Path=/; Secure; HttpOnly".into(),
        "SESSIONID=8F3B2C1D9E7A6F5B4C3D2E1F0A9B8C7D; Path=/; HttpOnly; SameSite=Lax".into(),
        "JSESSIONID=node01abcdefghij1234567890.node0; Path=/app; Secure; HttpOnly".into(),
        "PHPSESSID=9ar2f8g0jp1k5s3hq4m6t7v8d2; path=/".into(),
        "ASP.NET_SessionId=kz3wqx1y2u3v4t5s6r7q8p9o; path=/; HttpOnly; SameSite=Lax".into(),
        "connect.sid=s%3AyF2zQ7v1X9b.RkS0m%2FzT8uV3w4x5y6z7A8B9C0D1E2F3G4H5I6J7K8; Path=/; Expires=Thu, 10 Jun 2021 10:18:14 GMT; HttpOnly".into(),
        format!("__Host-session={}; Path=/; Secure; HttpOnly; SameSite=Strict", token(5, 43)),
        format!("__Secure-next-auth.session-token={}; Path=/; Secure; HttpOnly; SameSite=Lax", token(6, 180)),
        "_rails_app_session=dGhpcyBpcyBub3QgYSByZWFsIHNlc3Npb24%3D--0123456789abcdef0123456789abcdef01234567; path=/; secure; HttpOnly; SameSite=Lax".into(),
        "laravel_session=eyJpdiI6IkZ6b3JxN2p5In0%3D; expires=Wed, 09-Jun-2021 12:18:14 GMT; Max-Age=7200; path=/; httponly; samesite=lax".into(),
        // Analytics and advertising.
        "_ga=GA1.2.1234567890.1623233894; Domain=.example.com; Path=/; Expires=Fri, 09 Jun 2023 10:18:14 GMT; SameSite=Lax".into(),
        "_gid=GA1.2.987654321.1623233894; Domain=.example.com; Path=/; Expires=Thu, 10 Jun 2021 10:18:14 GMT".into(),
        "_gat_UA-12345678-1=1; Domain=example.com; Path=/; Max-Age=60".into(),
        "_ga_ABCDEF1234=GS1.1.1623233894.1.1.1623234000.0; expires=Fri, 09-Jun-2023 10:20:00 GMT; path=/; domain=.example.com".into(),
        "_fbp=fb.1.1623233894123.1234567890; Domain=.example.com; Path=/; Expires=Tue, 07 Sep 2021 10:18:14 GMT; SameSite=Lax".into(),
        "_gcl_au=1.1.1234567890.1623233894; Domain=.example.com; Path=/; Expires=Tue, 07 Sep 2021 10:18:14 GMT".into(),
        "IDE=AHWqTUl1fZ3q8cJ7bCk2xXyYz0aB1cD2eF3gH4iJ5kL6mN7oP8; expires=Fri, 09-Jun-2023 10:18:14 GMT; path=/; domain=.doubleclick.net; Secure; HttpOnly; SameSite=none".into(),
        "NID=511=kT3xZ9a8b7c6d5e4f3g2h1i0j9k8l7m6n5o4p3q2r1s0t9u8v7w6x5y4z3; expires=Thu, 09-Dec-2021 10:18:14 GMT; path=/; domain=.google.com; Secure; HttpOnly; SameSite=none".into(),
        "test_cookie=CheckForPermission; expires=Wed, 09-Jun-2021 10:33:14 GMT; path=/; domain=.doubleclick.net; Secure; SameSite=none".into(),
        "_hjSessionUser_123456=eyJpZCI6IjEyMzQ1Njc4LTkwYWItY2RlZi0xMjM0LTU2Nzg5MGFiY2RlZiJ9; Path=/; Domain=example.com; Max-Age=31536000; SameSite=Lax".into(),
        "ajs_anonymous_id=%22c0ffee00-1234-5678-9abc-def012345678%22; Path=/; Domain=example.com; Max-Age=31536000; SameSite=Lax".into(),
        "mp_abcdef0123456789_mixpanel=%7B%22distinct_id%22%3A%20%2217a0b%22%2C%22%24device_id%22%3A%20%2217a0b%22%7D; Max-Age=31536000; Path=/; Domain=.example.com".into(),
        "__cf_bm=Jd8q0xY1z2.Abc-1623233894-0-AQ1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U=; path=/; expires=Wed, 09-Jun-21 10:48:14 GMT; domain=.example.com; HttpOnly; Secure; SameSite=None".into(),
        "AWSALB=ZmFrZWF3c2FsYmNvb2tpZXZhbHVlZm9yYmVuY2htYXJraW5n; Expires=Wed, 16 Jun 2021 10:18:14 GMT; Path=/".into(),
        "AWSALBCORS=ZmFrZWF3c2FsYmNvb2tpZXZhbHVlZm9yYmVuY2htYXJraW5n; Expires=Wed, 16 Jun 2021 10:18:14 GMT; Path=/; SameSite=None; Secure".into(),
        // Consent strings (long values).
        format!("euconsent-v2={tcf}; Domain=.example.com; Path=/; Expires=Fri, 09 Jun 2023 10:18:14 GMT; Secure; SameSite=Lax"),
        format!("OptanonConsent={optanon}; expires=Thu, 09 Jun 2022 10:18:14 GMT; path=/; domain=.example.com; SameSite=Lax"),
        "OptanonAlertBoxClosed=2021-06-09T10:18:14.123Z; expires=Thu, 09 Jun 2022 10:18:14 GMT; path=/; domain=.example.com; SameSite=Lax".into(),
        format!("CookieConsent={{stamp:%27{}%27%2Cnecessary:true%2Cpreferences:true%2Cstatistics:false%2Cmarketing:false%2Cmethod:%27explicit%27%2Cver:1%2Cutc:1623233894123%2Cregion:%27de%27}}; expires=Thu, 09 Jun 2022 10:18:14 GMT; path=/; Secure; SameSite=Lax", token(7, 56)),
        // JWTs.
        format!("access_token={jwt}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=900"),
        format!("id_token={jwt}; Path=/auth; Secure; HttpOnly; SameSite=Lax; Partitioned"),
        format!("refresh_token={}; Path=/auth/refresh; Max-Age=2592000; Secure; HttpOnly; SameSite=Strict", token(8, 64)),
        // Legacy date formats.
        "lang=en-US; expires=Wednesday, 09-Jun-21 10:18:14 GMT; path=/".into(),
        "theme=dark; Expires=Wed Jun  9 10:18:14 2021; Path=/".into(),
        "tz=Europe%2FBerlin; expires=Wed, 09-Jun-2021 10:18:14 GMT; path=/".into(),
        "visited=1; Expires=Sunday, 06-Nov-94 08:49:37 GMT".into(),
        "old=1; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/".into(),
        "odd=1; expires=Wed, 9 Jun 2021 1:2:3 UTC; path=/".into(),
        // Max-Age, Domain, Path, SameSite and Partitioned combinations.
        "__Host-csrf=7f3c9a2b1e0d; Path=/; Secure; SameSite=Strict".into(),
        "__Secure-3PSID=g.a000kQj1b2c3d4e5f6; Domain=.google.com; Path=/; Secure; HttpOnly; Priority=HIGH; SameSite=none; Partitioned".into(),
        "embed_state=ok; Path=/widget; Secure; SameSite=None; Partitioned; Max-Age=86400".into(),
        "cart=item1%2Citem2%2Citem3; Max-Age=604800; Path=/shop; SameSite=Lax".into(),
        "pref=compact; Domain=app.example.com; Path=/settings/; Max-Age=31536000".into(),
        "logout=; Max-Age=0; Path=/".into(),
        "remember_me=1; Max-Age=-1; Path=/".into(),
        "flash=welcome%20back; Path=/; HttpOnly; SameSite=Lax; Max-Age=5".into(),
        "ab_test=variant_b; domain=.shop.example.co.uk; path=/; max-age=1209600; samesite=lax".into(),
        "region=eu-west-1; Version=1; Comment=\"routing\"; Path=/; Discard".into(),
        // Malformed or unusual lines.
        "justavalue; Path=/".into(),
        "=nameless; Secure".into(),
        "broken; Max-Age=; Domain=; Path=relative; SameSite=extended".into(),
        "a=b; Expires=not a date; Max-Age=1e3".into(),
        "  spaced  =  value with spaces  ; Path = / ;  Secure ".into(),
        "x=y;;; ;Path=/;;".into(),
        "quoted=\"a b c\"; Path=/".into(),
        format!("big={}; Path=/", token(9, 2100)),
    ];
    lines.shrink_to_fit();
    lines
}

fn parse_ours(lines: &[String]) -> usize {
    let mut ok = 0;
    for line in lines {
        let parsed = parse_set_cookie(black_box(line.as_bytes()));
        ok += usize::from(parsed.is_ok());
        black_box(parsed).ok();
    }
    ok
}

fn parse_cookie_crate(lines: &[String]) -> usize {
    let mut ok = 0;
    for line in lines {
        let parsed = cookie::Cookie::parse(black_box(line.as_str()));
        ok += usize::from(parsed.is_ok());
        black_box(parsed).ok();
    }
    ok
}

fn criterion_benches(c: &mut Criterion, lines: &[String]) {
    let mut group = c.benchmark_group("set-cookie-mix");
    group
        .throughput(Throughput::Elements(lines.len() as u64))
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("cookie-doctor", |b| b.iter(|| parse_ours(lines)));
    group.bench_function("cookie-crate", |b| b.iter(|| parse_cookie_crate(lines)));
    group.finish();
}

/// Nanoseconds per line of `f`, over `iters` passes of the mix.
fn ns_per_line(lines: &[String], f: fn(&[String]) -> usize, iters: u32) -> f64 {
    let start = Instant::now();
    for _ in 0..iters {
        black_box(f(black_box(lines)));
    }
    start.elapsed().as_nanos() as f64 / f64::from(iters) / lines.len() as f64
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs.get(xs.len() / 2).copied().unwrap_or(f64::NAN)
}

fn summary(lines: &[String], measure: bool) {
    let ours_ok = parse_ours(lines);
    let theirs_ok = parse_cookie_crate(lines);
    println!(
        "parse: mix of {} lines ({} bytes); accepted by cookie-doctor {ours_ok}, by the cookie crate {theirs_ok}",
        lines.len(),
        lines.iter().map(String::len).sum::<usize>()
    );
    if !measure {
        println!("parse: test mode, no timings (run `cargo bench` to measure)");
        return;
    }
    let (rounds, target) = (11, Duration::from_millis(200));
    // Calibrate the iteration count on the slower parser so that a round takes
    // about `target` for each.
    let probe = ns_per_line(lines, parse_cookie_crate, 10).max(1.0);
    let iters = ((target.as_nanos() as f64 / (probe * lines.len() as f64)) as u32).max(1);
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for _ in 0..rounds {
        ours.push(ns_per_line(lines, parse_ours, iters));
        theirs.push(ns_per_line(lines, parse_cookie_crate, iters));
    }
    let (x, y) = (median(ours), median(theirs));
    println!(
        "parse: cookie-doctor {x:.1} ns/line, cookie crate {y:.1} ns/line, ratio Y/X = {:.2}× (median of {rounds} rounds of {iters} passes)",
        y / x
    );
}

fn main() {
    let lines = mix();
    // `cargo bench` passes `--bench`; `cargo test --benches` does not, and then
    // criterion runs each benchmark once and the summary only checks the mix.
    let measure = std::env::args().any(|a| a == "--bench");
    let mut c = Criterion::default().configure_from_args();
    criterion_benches(&mut c, &lines);
    c.final_summary();
    summary(&lines, measure);
}
