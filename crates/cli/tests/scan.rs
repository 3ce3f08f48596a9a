//! End-to-end tests of `cookie-doctor scan` against a local HTTP/1.1 server on
//! 127.0.0.1: output in every format, exit codes, and the SSRF guard.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../scan/tests/support/mod.rs"]
mod support;

use std::process::{Command, Output};

use support::{Reply, Server};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cookie-doctor"))
        .args(args)
        .args(["--color", "never", "--now", "1700000000"])
        .output()
        .expect("the binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn chain() -> Server {
    Server::start(|r| match r.path.as_str() {
        "/start" => Reply::redirect(302, "/login").header("Set-Cookie: hop0=1; Path=/"),
        "/login" => Reply::ok()
            .header("Set-Cookie: sid=abc; SameSite=None")
            .header("X-Frame-Options: DENY"),
        _ => Reply::redirect(404, "/"),
    })
}

#[test]
fn text_shows_what_was_fetched_then_the_check() {
    let server = chain();
    let out = run(&[
        "scan",
        &server.url("/start"),
        "--allow-private",
        "--embedded-in",
        "https://partner.example",
    ]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(&format!("scan {}", server.url("/start"))),
        "{text}"
    );
    assert!(
        text.contains(&format!("0. GET {}", server.url("/start"))),
        "{text}"
    );
    assert!(text.contains("→ 302, 1 Set-Cookie"), "{text}");
    assert!(text.contains("Location: /login"), "{text}");
    assert!(text.contains("→ 200, 1 Set-Cookie"), "{text}");
    assert!(text.contains("hop 0: hop0=1; Path=/"), "{text}");
    assert!(text.contains("X-Frame-Options: DENY"), "{text}");
    assert!(text.contains("samesite-none-without-secure"), "{text}");
    assert!(text.contains("framing-blocks-declared-embedder"), "{text}");
}

#[test]
fn json_is_check_json_with_a_scan_object() {
    let server = chain();
    let out = run(&[
        "scan",
        &server.url("/start"),
        "--allow-private",
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["url"], server.url("/login"));
    assert_eq!(json["cookies"][0]["name"], "sid");
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "samesite-none-without-secure")
    );
    let scan = &json["scan"];
    assert_eq!(scan["final_url"], server.url("/login"));
    assert_eq!(scan["navigation"]["hops"][0]["status"], 302);
    assert_eq!(scan["navigation"]["hops"][1]["status"], 200);
    assert_eq!(scan["set_cookies"][0]["hop"], 0);
    assert_eq!(scan["set_cookies"][0]["checked"], false);
    assert_eq!(scan["set_cookies"][1]["hop"], 1);
    assert_eq!(scan["set_cookies"][1]["checked"], true);
    assert_eq!(scan["framing"]["x_frame_options"][0], "DENY");
    assert_eq!(
        scan["probe"]["origin"],
        "https://cookie-doctor-probe.invalid"
    );
}

#[test]
fn sarif_and_markdown_render_like_check() {
    let server = chain();
    let sarif = run(&[
        "scan",
        &server.url("/start"),
        "--allow-private",
        "--format",
        "sarif",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_eq!(json["version"], "2.1.0");
    let md = run(&[
        "scan",
        &server.url("/start"),
        "--allow-private",
        "--format",
        "markdown",
    ]);
    assert!(stdout(&md).contains("samesite-none-without-secure"));
}

#[test]
fn mirroring_is_a_warning_that_fail_on_warning_catches() {
    let server = Server::start(|r| {
        let mut reply = Reply::ok();
        if let Some(origin) = r.header("origin") {
            reply = reply
                .header(&format!("Access-Control-Allow-Origin: {origin}"))
                .header("Access-Control-Allow-Credentials: true")
                .header("Vary: Origin");
        }
        reply
    });
    let url = server.url("/api");
    let out = run(&["scan", &url, "--allow-private"]);
    assert!(
        stdout(&out).contains("cors-reflects-any-origin"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "a warning is below --fail-on error"
    );
    let out = run(&["scan", &url, "--allow-private", "--fail-on", "warning"]);
    assert_eq!(out.status.code(), Some(1));
    let out = run(&[
        "scan",
        &url,
        "--allow-private",
        "--called-from",
        "https://app.example",
        "--fail-on",
        "warning",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("preflight (Origin: https://app.example)"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("0. OPTIONS"), "{}", stdout(&out));
}

#[test]
fn refused_targets_and_network_errors_exit_2() {
    let server = chain();
    // No --allow-private: 127.0.0.1 is refused, nothing is fetched.
    let out = run(&["scan", &server.url("/start")]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("refused"), "{err}");
    assert!(err.contains("loopback"), "{err}");
    assert!(err.contains(&server.url("/start")), "{err}");
    assert!(stdout(&out).is_empty());
    // localhost by name.
    let out = run(&["scan", &format!("http://localhost:{}/", server.port())]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("loopback"), "{}", stderr(&out));
    assert_eq!(server.requests().len(), 0);
    // A redirect loop with --max-redirects.
    let looping = Server::start(|_| Reply::redirect(302, "/again"));
    let out = run(&[
        "scan",
        &looping.url("/again"),
        "--allow-private",
        "--max-redirects",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("more than 2 redirects"),
        "{}",
        stderr(&out)
    );
    // A slow server with --timeout.
    let slow = Server::start(|_| Reply {
        delay: std::time::Duration::from_secs(5),
        ..Reply::ok()
    });
    let out = run(&[
        "scan",
        &slow.url("/"),
        "--allow-private",
        "--timeout",
        "0.5",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no complete answer"),
        "{}",
        stderr(&out)
    );
    // Bad usage.
    for args in [
        vec!["scan", "ftp://example.com/"],
        vec!["scan", "https://example.com/", "--timeout", "0"],
        vec![
            "scan",
            "https://example.com/",
            "--called-from",
            "not an origin",
        ],
        vec!["scan", "https://example.com/", "--browser", "netscape"],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
}
