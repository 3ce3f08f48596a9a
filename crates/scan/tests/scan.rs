//! The scanner against a local HTTP/1.1 server on 127.0.0.1: redirect chains,
//! limits, timeouts, CORS probes, framing, and the SSRF guard (with and
//! without `allow_private`, and with an injected resolver table).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cookie_doctor_cookie::Time;
use cookie_doctor_scan::guard::{Policy, Range, TableResolver};
use cookie_doctor_scan::{PROBE_ORIGIN, ScanError, ScanOptions, ScanOutcome, run, scan};
use cookie_doctor_site::{BuiltinPsl, Origin};
use support::{Reply, Server};

fn local(url: &str) -> ScanOptions {
    let mut o = ScanOptions::new(url);
    o.policy.allow_private = true;
    o
}

fn diagnose(options: &ScanOptions) -> ScanOutcome {
    let profiles = cookie_doctor_profiles::builtin();
    run(
        options,
        &profiles,
        &BuiltinPsl,
        Time::from_unix(1_700_000_000),
    )
    .unwrap()
}

fn codes(outcome: &ScanOutcome) -> Vec<String> {
    outcome
        .check
        .findings
        .iter()
        .map(|f| f.code.to_string())
        .collect()
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn redirect_chain_records_every_hop_and_its_cookies() {
    let server = Server::start(|r| match r.path.as_str() {
        "/a" => Reply::redirect(302, "/b").header("Set-Cookie: first=1; Path=/"),
        "/b" => Reply::redirect(301, "c?x=1").header("Set-Cookie: second=2; Path=/"),
        "/c?x=1" => Reply::ok()
            .header("Set-Cookie: third=3; Secure; HttpOnly; Path=/")
            .header("Set-Cookie: fourth=4; Path=/"),
        _ => Reply::redirect(404, "/nowhere"),
    });
    let report = scan(&local(&server.url("/a"))).unwrap();
    let hops = &report.navigation.hops;
    assert_eq!(
        hops.iter().map(|h| h.status).collect::<Vec<_>>(),
        [302, 301, 200]
    );
    assert_eq!(hops[0].location.as_deref(), Some("/b"));
    assert_eq!(hops[2].url, server.url("/c?x=1"));
    assert_eq!(report.final_url, server.url("/c?x=1"));
    assert_eq!(hops[0].set_cookie, ["first=1; Path=/"]);
    assert_eq!(hops[2].set_cookie.len(), 2);
    let set: Vec<(usize, &str, bool)> = report
        .set_cookies
        .iter()
        .map(|s| (s.hop, s.line.as_str(), s.checked))
        .collect();
    assert_eq!(
        set,
        [
            (0, "first=1; Path=/", false),
            (1, "second=2; Path=/", false),
            (2, "third=3; Secure; HttpOnly; Path=/", true),
            (2, "fourth=4; Path=/", true),
        ]
    );
    // The navigation looks like one: no Origin, Sec-Fetch-Mode navigate.
    let first = &server.requests()[0];
    assert_eq!(first.method, "GET");
    assert_eq!(first.header("sec-fetch-mode"), Some("navigate"));
    assert_eq!(first.header("sec-fetch-dest"), Some("document"));
    assert_eq!(first.header("origin"), None);
    // The probe went to the final URL with the probe origin.
    let probe = &report.probe;
    assert_eq!(probe.origin.as_deref(), Some(PROBE_ORIGIN));
    assert_eq!(probe.hops[0].url, server.url("/c?x=1"));
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.header("origin") == Some(PROBE_ORIGIN) && r.path == "/c?x=1")
    );
}

#[test]
fn check_runs_on_the_final_response() {
    let server = Server::start(|_| Reply::ok().header("Set-Cookie: sid=abc; SameSite=None"));
    let outcome = diagnose(&local(&server.url("/login")));
    assert!(
        codes(&outcome).contains(&"samesite-none-without-secure".to_string()),
        "{:?}",
        codes(&outcome)
    );
    assert_eq!(outcome.check.cookies.len(), 1);
    assert_eq!(outcome.check.url, server.url("/login"));
    let json = serde_json::to_value(&outcome).unwrap();
    assert_eq!(json["cookies"][0]["name"], "sid");
    assert_eq!(json["scan"]["navigation"]["hops"][0]["status"], 200);
    assert_eq!(
        json["scan"]["set_cookies"][0]["line"],
        "sid=abc; SameSite=None"
    );
}

fn mirroring(r: &support::Request) -> Reply {
    let mut reply = Reply::ok().header("Set-Cookie: sid=1; Secure; HttpOnly; SameSite=Lax");
    if let Some(origin) = r.header("origin") {
        reply = reply
            .header(&format!("Access-Control-Allow-Origin: {origin}"))
            .header("Access-Control-Allow-Credentials: true")
            .header("Vary: Origin");
        if r.method == "OPTIONS" {
            reply = reply.header("Access-Control-Allow-Methods: GET, POST");
        }
    }
    reply
}

fn allow_list(r: &support::Request) -> Reply {
    let mut reply = Reply::ok();
    if r.header("origin") == Some("https://app.example") {
        reply = reply
            .header("Access-Control-Allow-Origin: https://app.example")
            .header("Access-Control-Allow-Credentials: true")
            .header("Vary: Origin");
    }
    reply
}

#[test]
fn mirroring_allow_origin_is_detected_without_callers() {
    let server = Server::start(mirroring);
    let outcome = diagnose(&local(&server.url("/api")));
    assert!(outcome.scan.mirrors_origin);
    assert!(
        outcome
            .scan
            .check_headers
            .contains(&format!("Origin: {PROBE_ORIGIN}"))
    );
    assert!(
        codes(&outcome).contains(&"cors-reflects-any-origin".to_string()),
        "{:?}",
        codes(&outcome)
    );
}

#[test]
fn mirroring_allow_origin_is_detected_with_a_caller_and_the_preflight_is_sent() {
    let server = Server::start(mirroring);
    let mut options = local(&server.url("/api"));
    options.called_from = vec![Origin::parse("https://app.example").unwrap()];
    options.request_headers = vec!["X-CSRF-Token".into(), "Content-Type".into()];
    let outcome = diagnose(&options);
    assert!(
        codes(&outcome).contains(&"cors-reflects-any-origin".to_string()),
        "{:?}",
        codes(&outcome)
    );
    // The caller's own CORS check passes: no mismatch finding.
    assert!(!codes(&outcome).contains(&"cors-allow-origin-mismatch".to_string()));
    let requests = server.requests();
    let preflight = requests.iter().find(|r| r.method == "OPTIONS").unwrap();
    assert_eq!(preflight.header("origin"), Some("https://app.example"));
    assert_eq!(
        preflight.header("access-control-request-method"),
        Some("GET")
    );
    assert_eq!(
        preflight.header("access-control-request-headers"),
        Some("content-type,x-csrf-token")
    );
    assert_eq!(outcome.scan.preflights.len(), 1);
    assert_eq!(outcome.scan.preflights[0].hops[0].method, "OPTIONS");
    assert!(
        outcome
            .scan
            .check_headers
            .contains(&"Access-Control-Allow-Methods: GET, POST".to_string())
    );
    let credentialed = requests
        .iter()
        .filter(|r| r.method == "GET" && r.header("origin") == Some("https://app.example"))
        .count();
    assert_eq!(credentialed, 1);
}

#[test]
fn an_allow_list_is_not_mirroring() {
    let server = Server::start(allow_list);
    let mut options = local(&server.url("/api"));
    options.called_from = vec![Origin::parse("https://app.example").unwrap()];
    let outcome = diagnose(&options);
    assert!(!outcome.scan.mirrors_origin);
    assert!(!codes(&outcome).contains(&"cors-reflects-any-origin".to_string()));
    assert!(
        outcome
            .scan
            .check_headers
            .contains(&"Access-Control-Allow-Origin: https://app.example".to_string())
    );
}

#[test]
fn x_frame_options_deny_blocks_the_declared_embedder() {
    let server = Server::start(|_| {
        Reply::ok()
            .header("X-Frame-Options: DENY")
            .header("Content-Security-Policy: default-src 'self'")
            .header("Set-Cookie: sid=1; Secure; HttpOnly; SameSite=None")
    });
    let mut options = local(&server.url("/dashboard"));
    options.embedded_in = vec![Origin::parse("https://partner.example").unwrap()];
    let outcome = diagnose(&options);
    assert_eq!(outcome.scan.framing.x_frame_options, ["DENY"]);
    assert!(
        codes(&outcome).contains(&"framing-blocks-declared-embedder".to_string()),
        "{:?}",
        codes(&outcome)
    );
    // Without --embedded-in, no embedder is blocked.
    let outcome = diagnose(&local(&server.url("/dashboard")));
    assert!(!codes(&outcome).contains(&"framing-blocks-declared-embedder".to_string()));
}

#[test]
fn a_body_over_the_limit_is_cut() {
    let server = Server::start(|_| Reply {
        body: vec![b'x'; 3 * 1024 * 1024],
        ..Reply::ok()
    });
    let mut options = local(&server.url("/big"));
    options.max_body_bytes = 10_000;
    let report = scan(&options).unwrap();
    let hop = &report.navigation.hops[0];
    assert!(hop.body_truncated);
    assert_eq!(hop.body_bytes, 10_000);
    // A small body is read whole.
    let small = Server::start(|_| Reply::ok());
    let report = scan(&local(&small.url("/"))).unwrap();
    assert!(!report.navigation.hops[0].body_truncated);
    assert_eq!(
        report.navigation.hops[0].body_bytes,
        Reply::ok().body.len() as u64
    );
}

#[test]
fn a_redirect_loop_hits_the_limit() {
    let server = Server::start(|_| Reply::redirect(302, "/loop"));
    let mut options = local(&server.url("/loop"));
    options.max_redirects = 3;
    let err = scan(&options).unwrap_err();
    match &err {
        ScanError::TooManyRedirects {
            limit, location, ..
        } => {
            assert_eq!(*limit, 3);
            assert_eq!(location, "/loop");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("more than 3 redirects"), "{err}");
    // The first request and three redirects, then it stopped.
    assert_eq!(server.requests().len(), 4);
}

#[test]
fn a_slow_server_hits_the_timeout() {
    let server = Server::start(|_| Reply {
        delay: Duration::from_secs(5),
        ..Reply::ok()
    });
    let mut options = local(&server.url("/slow"));
    options.request_timeout = Duration::from_millis(400);
    let start = Instant::now();
    let err = scan(&options).unwrap_err();
    assert!(matches!(err, ScanError::Timeout { hop: 0, .. }), "{err:?}");
    assert!(start.elapsed() < Duration::from_secs(3));
}

#[test]
fn a_body_that_stalls_hits_the_timeout() {
    let server = Server::start(|_| Reply {
        body: vec![b'x'; 1000],
        body_delay: Duration::from_secs(5),
        ..Reply::ok()
    });
    let mut options = local(&server.url("/drip"));
    options.request_timeout = Duration::from_millis(500);
    let start = Instant::now();
    let err = scan(&options).unwrap_err();
    assert!(matches!(err, ScanError::Timeout { hop: 0, .. }), "{err:?}");
    assert!(start.elapsed() < Duration::from_secs(3));
}

#[test]
fn a_redirect_to_another_scheme_is_not_followed() {
    let server = Server::start(|_| Reply::redirect(302, "file:///etc/passwd"));
    let err = scan(&local(&server.url("/"))).unwrap_err();
    match &err {
        ScanError::BadRedirect { hop, location, .. } => {
            assert_eq!(*hop, 0);
            assert_eq!(location, "file:///etc/passwd");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn oversized_headers_are_refused() {
    let server = Server::start(|_| Reply::ok().header(&format!("X-Big: {}", "a".repeat(20_000))));
    let err = scan(&local(&server.url("/"))).unwrap_err();
    assert!(matches!(err, ScanError::HeadersTooLarge { .. }), "{err:?}");
}

#[test]
fn a_local_server_is_refused_without_allow_private() {
    let server = Server::start(|_| Reply::ok());
    // 127.0.0.1 literal: refused before connecting.
    let err = scan(&ScanOptions::new(&server.url("/"))).unwrap_err();
    match &err {
        ScanError::Forbidden {
            hop, addr, range, ..
        } => {
            assert_eq!(*hop, 0);
            assert_eq!(*addr, Some(ip("127.0.0.1")));
            assert_eq!(range.range, Range::Loopback);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("--allow-private"), "{err}");
    // `localhost` by name.
    let err = scan(&ScanOptions::new(&format!(
        "http://localhost:{}/",
        server.port()
    )))
    .unwrap_err();
    assert!(
        matches!(&err, ScanError::Forbidden { range, addr: None, .. } if range.range == Range::Loopback),
        "{err:?}"
    );
    // A name that resolves to loopback (through the resolver, not by name).
    let mut options = ScanOptions::new(&format!("http://loop.test:{}/", server.port()));
    options.resolver = Arc::new(TableResolver::new().with("loop.test", &[ip("127.0.0.1")]));
    let err = scan(&options).unwrap_err();
    assert!(
        matches!(&err, ScanError::Forbidden { addr: Some(a), range, .. } if *a == ip("127.0.0.1") && range.range == Range::Loopback),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 0, "nothing reached the server");
}

/// The first hop `public.test` is allowed (its address is exempted, standing
/// for a public one), then it redirects into private space: refused at hop 1,
/// before connecting.
#[test]
fn a_redirect_into_private_space_is_refused() {
    let server = Server::start(move |r| match r.path.as_str() {
        "/to-name" => Reply::redirect(302, "http://private.test/admin"),
        "/to-literal" => Reply::redirect(302, "http://127.0.0.2/admin"),
        "/to-metadata" => Reply::redirect(307, "http://169.254.169.254/latest/meta-data/"),
        "/to-mapped" => Reply::redirect(302, "http://[::ffff:10.0.0.1]/"),
        _ => Reply::ok(),
    });
    let options = |path: &str| {
        let mut o = ScanOptions::new(&format!("http://public.test:{}{path}", server.port()));
        o.resolver = Arc::new(
            TableResolver::new()
                .with("public.test", &[ip("127.0.0.1")])
                .with("private.test", &[ip("10.0.0.1")]),
        );
        o.policy = Policy {
            allow_private: false,
            exempt: vec![ip("127.0.0.1")],
        };
        o
    };
    // The exempted first hop itself works (and is reached through the table).
    let report = scan(&options("/")).unwrap();
    assert_eq!(report.navigation.hops[0].status, 200);
    assert_eq!(
        report.navigation.hops[0].addr.as_deref(),
        Some(format!("127.0.0.1:{}", server.port()).as_str())
    );
    for (path, addr, range) in [
        ("/to-name", "10.0.0.1", Range::Private),
        ("/to-literal", "127.0.0.2", Range::Loopback),
        ("/to-metadata", "169.254.169.254", Range::CloudMetadata),
        ("/to-mapped", "::ffff:10.0.0.1", Range::Private),
    ] {
        let err = scan(&options(path)).unwrap_err();
        match &err {
            ScanError::Forbidden {
                request,
                hop,
                addr: a,
                range: r,
                ..
            } => {
                assert_eq!(request, "navigation", "{path}");
                assert_eq!(*hop, 1, "{path}");
                assert_eq!(*a, Some(ip(addr)), "{path}");
                assert_eq!(r.range, range, "{path}");
            }
            other => panic!("{path}: {other:?}"),
        }
        assert!(err.to_string().contains("hop 1"), "{err}");
    }
}

#[test]
fn bad_urls_are_named() {
    for url in ["ftp://example.com/", "not a url", "file:///etc/passwd"] {
        let err = scan(&ScanOptions::new(url)).unwrap_err();
        assert!(matches!(err, ScanError::BadUrl { .. }), "{url}: {err:?}");
        assert!(err.to_string().contains(url), "{err}");
    }
}

/// TLS is built in (rustls, ring, webpki roots): `https` to a plain-HTTP
/// server fails in the handshake, as a network error naming the URL.
#[test]
fn https_to_a_plain_server_is_a_network_error() {
    use std::io::Write;
    // Answers plain HTTP at once, without waiting for a request.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let url = format!("https://127.0.0.1:{port}/");
    let err = scan(&local(&url)).unwrap_err();
    assert!(matches!(err, ScanError::Network { hop: 0, .. }), "{err:?}");
    assert!(err.to_string().contains(&url), "{err}");
}
