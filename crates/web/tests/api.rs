//! Handler tests: the app built by `cookie_doctor_web::app`, driven with
//! `tower::ServiceExt::oneshot` (no socket). The JSON answers must be the
//! same JSON value as what the CLI prints (the same library calls; the CLI
//! indents with `to_json`, the API writes it compact with `to_json_compact`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use cookie_doctor_cookie::Time;
use cookie_doctor_diagnose::check;
use cookie_doctor_diagnose::matrix::Deployment;
use cookie_doctor_site::{BuiltinPsl, Origin};
use cookie_doctor_web::{AppState, CSP, MAX_BODY_BYTES, app};
use http_body_util::BodyExt;
use tower::ServiceExt;

const NOW: i64 = 1_700_000_000;
const STORY: &str = include_str!("../../../examples/set-cookie/embedded-dashboard.txt");
const SCENARIO: &str = include_str!("../../../examples/scenarios/embedded-dashboard.toml");

fn state() -> AppState {
    let mut s = AppState::new(Arc::new(BuiltinPsl));
    s.now = Some(Time::from_unix(NOW));
    s
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

async fn send_to(state: AppState, request: Request<Body>) -> Answer {
    let response = app(state).oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

async fn send(request: Request<Body>) -> Answer {
    send_to(state(), request).await
}

fn post(uri: &str, content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap()
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

fn story_lines() -> Vec<String> {
    STORY.lines().map(str::to_string).collect()
}

/// What `cookie-doctor --now NOW check --url … --embedded-in … --format json`
/// prints for the seed story (the CLI strips `Set-Cookie:` the same way).
fn cli_check_json() -> String {
    let lines: Vec<String> = STORY
        .lines()
        .map(|l| {
            cookie_doctor_inputs::set_cookie_line(l, "stdin")
                .unwrap()
                .value
        })
        .collect();
    let deployment = Deployment {
        url: url::Url::parse("https://app.example.com/dashboard").unwrap(),
        embedded_in: vec![Origin::parse("https://partner.example").unwrap()],
        called_from: vec![],
        headers: vec![],
    };
    let profiles = cookie_doctor_profiles::builtin();
    let report = check::check(
        &lines,
        &deployment,
        &profiles,
        &BuiltinPsl,
        Time::from_unix(NOW),
    );
    cookie_doctor_report::to_json(&report)
}

/// The API's answer is the CLI's JSON value, written compact on one line.
fn assert_same_json(api: &str, cli: &str) {
    let a: serde_json::Value = serde_json::from_str(api).unwrap();
    let c: serde_json::Value = serde_json::from_str(cli).unwrap();
    assert_eq!(a, c);
    assert!(
        api.ends_with('\n') && !api.trim_end().contains('\n'),
        "not compact"
    );
}

#[tokio::test]
async fn check_answers_the_cli_json_value_for_the_seed_story() {
    let body = serde_json::json!({
        "lines": story_lines(),
        "url": "https://app.example.com/dashboard",
        "embedded_in": ["https://partner.example"],
    });
    let a = send(post("/api/check", "application/json", body.to_string())).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.headers[header::CONTENT_TYPE], "application/json");
    assert_same_json(&a.body, &cli_check_json());
    // And it says what the seed story is about.
    let json = a.json();
    let session = &json["cookies"][0];
    assert_eq!(session["name"], "session");
    let iframe = session["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["browser"] == "chrome" && v["context"] == "iframe")
        .unwrap();
    assert_eq!(iframe["sent"], false);
    assert_eq!(iframe["reasons"][0], "samesite-none-insecure");
}

#[tokio::test]
async fn a_check_too_big_to_run_inline_answers_the_same_json() {
    // More lines than a check runs on the async worker: it goes to the
    // blocking pool, and the answer is the same as the library's.
    let lines: Vec<String> = (0..40)
        .map(|i| format!("c{i}=v{i}; Path=/; Secure; SameSite=None"))
        .collect();
    let body = serde_json::json!({
        "lines": lines,
        "url": "https://app.example.com/dashboard",
        "embedded_in": ["https://partner.example"],
    });
    let a = send(post("/api/check", "application/json", body.to_string())).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let deployment = Deployment {
        url: url::Url::parse("https://app.example.com/dashboard").unwrap(),
        embedded_in: vec![Origin::parse("https://partner.example").unwrap()],
        called_from: vec![],
        headers: vec![],
    };
    let report = check::check(
        &lines,
        &deployment,
        &cookie_doctor_profiles::builtin(),
        &BuiltinPsl,
        Time::from_unix(NOW),
    );
    assert_same_json(&a.body, &cookie_doctor_report::to_json(&report));
    assert_eq!(a.json()["cookies"].as_array().unwrap().len(), 40);
}

#[tokio::test]
async fn check_runs_only_the_browsers_named() {
    let body = serde_json::json!({
        "lines": ["Set-Cookie: sid=a; Secure; SameSite=None"],
        "url": "https://app.example.com/",
        "browsers": ["firefox", "safari"],
    });
    let a = send(post("/api/check", "application/json", body.to_string())).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(
        a.json()["deployment"]["browsers"],
        serde_json::json!(["firefox", "safari"])
    );
}

#[tokio::test]
async fn simulate_answers_the_cli_trace_json() {
    let a = send(post("/api/simulate", "text/plain", SCENARIO)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let scenario = cookie_doctor_inputs::parse_scenario(SCENARIO, "scenario").unwrap();
    let profiles: Vec<_> = cookie_doctor_profiles::builtin();
    let trace =
        cookie_doctor_engine::simulate(&scenario, &profiles, &BuiltinPsl, Time::from_unix(NOW));
    assert_same_json(&a.body, &cookie_doctor_report::to_json(&trace));
    // The same through the JSON form of the body.
    let body = serde_json::json!({ "toml": SCENARIO });
    let b = send(post("/api/simulate", "application/json", body.to_string())).await;
    assert_eq!(b.body, a.body);
}

#[tokio::test]
async fn simulate_with_svg_and_timeline() {
    let a = send(post("/api/simulate?svg=1", "text/plain", SCENARIO)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let json = a.json();
    assert_eq!(
        json["trace"]["scenario"],
        "embedded dashboard loses its session"
    );
    let svg = json["svg"].as_str().unwrap();
    assert!(svg.starts_with("<svg"), "{svg}");
    assert!(svg.contains("✗ sid withheld: samesite-lax"), "{svg}");
    let plain = send(post("/api/simulate?svg=0&x=%ZZ", "text/plain", SCENARIO)).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert!(plain.json().get("runs").is_some());
    let t = send(post("/api/timeline", "text/plain", SCENARIO)).await;
    assert_eq!(t.status, StatusCode::OK);
    assert_eq!(
        t.headers[header::CONTENT_TYPE],
        "image/svg+xml; charset=utf-8"
    );
    assert_eq!(t.body, svg);
}

#[tokio::test]
async fn bad_scenario_names_the_place() {
    let a = send(post(
        "/api/simulate",
        "text/plain",
        "name = \"x\"\n[[step]]\ndo = \"fly\"\n",
    ))
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    let json = a.json();
    assert!(json["error"].as_str().unwrap().contains("fly"), "{json}");
    assert!(
        json["where"].as_str().unwrap().starts_with("scenario"),
        "{json}"
    );
}

#[tokio::test]
async fn malformed_json_is_a_400_with_line_and_column() {
    let a = send(post("/api/check", "application/json", "{\"lines\": [")).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let json = a.json();
    assert!(
        json["error"].as_str().unwrap().starts_with("invalid JSON"),
        "{json}"
    );
    assert!(json["where"].as_str().unwrap().contains("line 1"), "{json}");
}

#[tokio::test]
async fn unknown_fields_are_refused() {
    let body = serde_json::json!({"lines": ["a=b"], "url": "https://e.com/", "embeded_in": []});
    let a = send(post("/api/check", "application/json", body.to_string())).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.json()["error"].as_str().unwrap().contains("embeded_in"));
}

#[tokio::test]
async fn missing_url_and_bad_origin_name_their_field() {
    let a = send(post(
        "/api/check",
        "application/json",
        r#"{"lines": ["a=b"]}"#,
    ))
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.json()["where"], "url");

    let body = serde_json::json!({
        "lines": ["a=b"],
        "url": "https://app.example.com/",
        "embedded_in": ["https://ok.example", "not an origin"],
    });
    let b = send(post("/api/check", "application/json", body.to_string())).await;
    assert_eq!(b.status, StatusCode::BAD_REQUEST);
    assert_eq!(b.json()["where"], "embedded_in[1]");

    let body =
        serde_json::json!({"lines": ["a=b"], "url": "https://e.com/", "headers": ["no colon"]});
    let c = send(post("/api/check", "application/json", body.to_string())).await;
    assert_eq!(c.json()["where"], "headers[0]");

    let body = serde_json::json!({"lines": ["Content-Type: text/html"], "url": "https://e.com/"});
    let d = send(post("/api/check", "application/json", body.to_string())).await;
    assert_eq!(d.status, StatusCode::BAD_REQUEST);
    assert_eq!(d.json()["where"], "lines[0]");

    let body =
        serde_json::json!({"lines": ["a=b"], "url": "https://e.com/", "browsers": ["netscape"]});
    let e = send(post("/api/check", "application/json", body.to_string())).await;
    assert_eq!(e.json()["where"], "browsers[0]");

    let body = serde_json::json!({"lines": [], "url": "https://e.com/"});
    let f = send(post("/api/check", "application/json", body.to_string())).await;
    assert_eq!(f.json()["where"], "lines");
}

#[tokio::test]
async fn oversize_is_413() {
    let big = format!(
        "{{\"lines\": [\"a={}\"], \"url\": \"https://e.com/\"}}",
        "x".repeat(MAX_BODY_BYTES)
    );
    let a = send(post("/api/check", "application/json", big.clone())).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(a.json()["where"], "body");

    // Without a Content-Length (a stream), the limit holds while reading.
    let chunks: Vec<Result<String, std::io::Error>> = big
        .as_bytes()
        .chunks(8192)
        .map(|c| Ok(String::from_utf8_lossy(c).into_owned()))
        .collect();
    let stream = Body::from_stream(futures_util_stream(chunks));
    let b = send(post("/api/simulate", "text/plain", stream)).await;
    assert_eq!(b.status, StatusCode::PAYLOAD_TOO_LARGE);
}

/// A stream over ready chunks (no extra dependency).
fn futures_util_stream(
    chunks: Vec<Result<String, std::io::Error>>,
) -> impl futures_core::Stream<Item = Result<String, std::io::Error>> + Send + 'static {
    struct Chunks(std::vec::IntoIter<Result<String, std::io::Error>>);
    impl futures_core::Stream for Chunks {
        type Item = Result<String, std::io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Ready(self.0.next())
        }
    }
    Chunks(chunks.into_iter())
}

#[tokio::test]
async fn wrong_content_type_is_415_and_wrong_method_405() {
    let a = send(post("/api/check", "text/plain", "{}")).await;
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(a.json()["where"], "content-type");
    let b = send(get("/api/check")).await;
    assert_eq!(b.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(b.json()["error"].as_str().unwrap().contains("GET"));
    let c = send(post("/api/simulate", "image/png", "x")).await;
    assert_eq!(c.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn security_headers_on_the_page_and_the_api() {
    for uri in [
        "/",
        "/assets/app.js",
        "/api/config",
        "/explain/samesite-lax",
        "/nope",
    ] {
        let a = send(get(uri)).await;
        assert_eq!(a.headers[header::CONTENT_SECURITY_POLICY], CSP, "{uri}");
        assert_eq!(
            a.headers[header::X_CONTENT_TYPE_OPTIONS],
            "nosniff",
            "{uri}"
        );
        assert_eq!(a.headers[header::REFERRER_POLICY], "no-referrer", "{uri}");
    }
    let page = send(get("/")).await;
    assert_eq!(page.status, StatusCode::OK);
    // Nothing in the page needs 'unsafe-inline'.
    assert!(!page.body.contains("style="), "inline style attribute");
    assert!(!page.body.contains("<script>"), "inline script");
    let handler = page.body.split_whitespace().any(|w| {
        w.strip_prefix("on").is_some_and(|rest| {
            rest.split_once('=').is_some_and(|(name, _)| {
                !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase())
            })
        })
    });
    assert!(!handler, "inline event handler");
    for outside in ["src=\"http", "href=\"http", "src=\"//", "href=\"//"] {
        assert!(
            !page.body.contains(outside),
            "a CDN or other outside URL: {outside}"
        );
    }
}

#[tokio::test]
async fn assets_have_their_types() {
    for (uri, ty) in [
        ("/", "text/html; charset=utf-8"),
        ("/assets/app.css", "text/css; charset=utf-8"),
        ("/assets/app.js", "text/javascript; charset=utf-8"),
        ("/favicon.svg", "image/svg+xml"),
        ("/api/config", "application/json"),
        ("/api/examples", "application/json"),
    ] {
        let a = send(get(uri)).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}");
        assert_eq!(a.headers[header::CONTENT_TYPE], ty, "{uri}");
        assert!(!a.body.is_empty(), "{uri}");
    }
    let js = send(get("/assets/app.js")).await;
    assert!(
        !js.body.contains("innerHTML"),
        "the page builds DOM from text only"
    );
    let examples = send(get("/api/examples")).await.json();
    assert_eq!(examples["scenarios"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn explain_json_and_html_escape_and_404() {
    let a = send(get("/api/explain/samesite-none-insecure")).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()[0]["kind"], "reason");
    let rule = send(get("/api/explain/framing-unrestricted")).await;
    assert_eq!(rule.json()[0]["kind"], "rule");
    let html = send(get("/explain/framing-unrestricted")).await;
    assert!(html.body.contains("<code>framing-unrestricted</code>"));
    let missing = send(get("/explain/%3Cscript%3Ealert(1)%3C%2Fscript%3E")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(!missing.body.contains("<script>"));
    assert!(missing.body.contains("&lt;script&gt;"));
    let bad = send(get("/explain/%FF")).await;
    assert_eq!(bad.status, StatusCode::NOT_FOUND);
    assert_eq!(send(get("/api/explain/%FF")).await.json()["where"], "code");
    let j = send(get("/api/explain/nope")).await;
    assert_eq!(j.status, StatusCode::NOT_FOUND);
    assert_eq!(j.json()["where"], "code");
}

#[tokio::test]
async fn har_replays_and_scan_is_off_by_default() {
    // A HAR recorded in real Chromium: the replay agrees with what it sent.
    let recorded = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/har/recorded/samesite-none-without-secure-rejected-at-login.chrome.har"
    ))
    .unwrap();
    let a = send(post(
        "/api/har",
        "application/json",
        String::from_utf8(recorded).unwrap(),
    ))
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let har = a.json();
    assert_eq!(har["har_replay"], 1);
    assert_eq!(har["summary"]["mismatches"], 0);
    assert!(har["summary"]["entries"].as_u64().unwrap() > 0);
    assert!(
        har["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "rejected" && f["reasons"][0] == "samesite-none-insecure"),
        "{har}"
    );
    // Values are redacted: the rejected line keeps its name and attributes only.
    let rejected = har["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "rejected")
        .unwrap();
    let line = rejected["line"].as_str().unwrap();
    assert!(line.starts_with("sid=<redacted>;"), "{line}");
    let bad = send(post("/api/har", "application/json", "{\"log\": 5}")).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["where"], "body");
    let s = send(post(
        "/api/scan",
        "application/json",
        r#"{"url": "https://e.com/"}"#,
    ))
    .await;
    assert_eq!(s.status, StatusCode::FORBIDDEN);
    assert_eq!(send(get("/api/config")).await.json()["allow_scan"], false);

    let mut allowed = state();
    allowed.allow_scan = true;
    assert_eq!(
        send_to(allowed.clone(), get("/api/config")).await.json()["allow_scan"],
        true
    );
    // The scan's SSRF guard applies: a local address is refused before any
    // connection.
    let s = send_to(
        allowed.clone(),
        post(
            "/api/scan",
            "application/json",
            r#"{"url": "http://127.0.0.1:9/"}"#,
        ),
    )
    .await;
    assert_eq!(s.status, StatusCode::BAD_REQUEST, "{}", s.body);
    assert!(s.json()["error"].as_str().unwrap().contains("127.0.0.1"));
    let s = send_to(
        allowed,
        post(
            "/api/scan",
            "application/json",
            r#"{"url": "file:///etc/passwd"}"#,
        ),
    )
    .await;
    assert_eq!(s.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn foreign_hosts_and_cross_origin_posts_are_refused() {
    let rebound = Request::get("/")
        .header(header::HOST, "attacker.example")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(rebound).await.status, StatusCode::FORBIDDEN);
    let cross = Request::post("/api/check")
        .header(header::HOST, "127.0.0.1:7878")
        .header(header::ORIGIN, "https://attacker.example")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{}"))
        .unwrap();
    assert_eq!(send(cross).await.status, StatusCode::FORBIDDEN);
    let same = Request::post("/api/check")
        .header(header::HOST, "127.0.0.1:7878")
        .header(header::ORIGIN, "http://127.0.0.1:7878")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"lines": ["a=b"], "url": "https://e.com/"}"#))
        .unwrap();
    assert_eq!(send(same).await.status, StatusCode::OK);
}
