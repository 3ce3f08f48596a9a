//! End-to-end tests of the `cookie-doctor` binary: real processes, real exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers: a failure here is a test failure

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cookie-doctor"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

fn run_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn repo(path: &str) -> String {
    format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))
}

fn json(out: &Output) -> serde_json::Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn check_reports_samesite_none_without_secure() {
    let out = run(&[
        "check",
        "Set-Cookie: sid=abc; SameSite=None",
        "--url",
        "https://app.example.com/login",
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    let v = json(&out);
    let cookie = &v["cookies"][0];
    assert_eq!(cookie["line"], "sid=abc; SameSite=None");
    assert_eq!(cookie["name"], "sid");
    assert_eq!(cookie["stored_as"], serde_json::Value::Null);
    let verdicts = cookie["verdicts"].as_array().unwrap();
    assert_eq!(verdicts.len(), 36, "6 profiles × 6 contexts");
    let spec = verdicts
        .iter()
        .find(|v| v["browser"] == "rfc6265bis" && v["context"] == "same-site")
        .unwrap();
    assert_eq!(spec["stored"], false);
    assert_eq!(spec["sent"], false);
    assert_eq!(
        spec["reasons"],
        serde_json::json!(["samesite-none-insecure"])
    );
    let safari = verdicts
        .iter()
        .find(|v| v["browser"] == "safari" && v["context"] == "same-site")
        .unwrap();
    assert_eq!(safari["stored"], true, "Safari does not require Secure");
    let finding = &v["findings"][0];
    assert_eq!(finding["code"], "samesite-none-without-secure");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["cookie"], "sid");
    assert_eq!(
        finding["fix"]["header"],
        "Set-Cookie: sid=abc; SameSite=None; Secure"
    );
    assert_eq!(finding["fix"]["safety"], "safe");
    // Without --fail-on never, the error finding makes the exit code 1.
    let out = run(&[
        "check",
        "sid=abc; SameSite=None",
        "--url",
        "https://app.example.com/login",
    ]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn check_applies_lines_in_order_to_one_jar() {
    let out = run(&[
        "check",
        "--format=json",
        "--url=https://app.example.com/",
        "sid=1; Secure; Path=/; Domain=example.com",
        "sid=; Max-Age=0; Path=/; Domain=example.com",
    ]);
    let v = json(&out);
    assert_eq!(v["cookies"][0]["stored_as"]["host_only"], false);
    assert_eq!(v["cookies"][0]["stored_as"]["domain"], "example.com");
    assert_eq!(v["cookies"][1]["outcome"], "deleted");
    assert_eq!(v["cookies"][1]["removed_existing"], true);
}

#[test]
fn check_reads_stdin_and_matches_the_golden_text() {
    let input = std::fs::read(repo("examples/set-cookie/embedded-dashboard.txt")).unwrap();
    let out = run_stdin(
        &[
            "check",
            "--url",
            "https://app.example.com/dashboard",
            "--color",
            "never",
            "--now",
            "1795392000",
            "--embedded-in",
            "https://partner.example",
        ],
        &input,
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let golden_path = repo("tests/golden/check-embedded-dashboard.txt");
    if std::env::var_os("UPDATE_GOLDENS").is_some() {
        std::fs::write(&golden_path, &text).unwrap();
    }
    let golden = std::fs::read_to_string(&golden_path).unwrap_or_default();
    assert!(
        text == golden,
        "output differs from {golden_path} (UPDATE_GOLDENS=1 to accept):\n{text}"
    );
}

#[test]
fn site_explains_private_suffixes() {
    let v = json(&run(&[
        "site",
        "https://alice.github.io/",
        "https://bob.github.io/",
        "--format",
        "json",
    ]));
    assert_eq!(v["urls"][0]["public_suffix"], "github.io");
    assert_eq!(v["urls"][0]["rule_section"], "private");
    assert_eq!(v["urls"][0]["rule"], "github.io");
    assert_eq!(v["comparison"]["same_site"], false);
    let v = json(&run(&[
        "site",
        "https://a.example.co.uk/",
        "https://b.example.co.uk:8443/",
        "--format",
        "json",
    ]));
    assert_eq!(v["urls"][0]["registrable_domain"], "example.co.uk");
    assert_eq!(v["urls"][0]["rule_section"], "icann");
    assert_eq!(
        v["comparison"],
        serde_json::json!({"same_site": true, "same_site_ignoring_scheme": true, "same_origin": false})
    );
}

#[test]
fn psl_file_replaces_the_builtin_list() {
    let dir = std::env::temp_dir().join(format!("cookie-doctor-psl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("list.dat");
    std::fs::write(
        &file,
        "// ===BEGIN PRIVATE DOMAINS===\nexample.com\n// ===END PRIVATE DOMAINS===\n",
    )
    .unwrap();
    let v = json(&run(&[
        "--psl-file",
        file.to_str().unwrap(),
        "site",
        "https://a.example.com/",
        "--format",
        "json",
    ]));
    assert_eq!(v["urls"][0]["registrable_domain"], "a.example.com");
    assert_eq!(v["urls"][0]["rule_section"], "private");
    let out = run(&[
        "--psl-file",
        "/nonexistent/list.dat",
        "site",
        "https://a.example.com/",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_input_is_exit_2_with_a_message_naming_it() {
    let cases: &[(&[&str], &[u8], &str)] = &[
        (&["check", "a=b", "--url", "not a url"], b"", "--url"),
        (&["check", "", "--url", "https://e.com/"], b"", "argument 1"),
        (
            &["check", "--url", "https://e.com/"],
            b"a=b\nc=\xff\n",
            "stdin line 2",
        ),
        (
            &["check", "--url", "https://e.com/"],
            b"a=b\n\nc=d\n",
            "stdin line 2",
        ),
        (
            &[
                "check",
                "Content-Type: text/html",
                "--url",
                "https://e.com/",
            ],
            b"",
            "Content-Type",
        ),
        (&["site", "https://"], b"", "https://"),
        (&["explain", "no-such-code"], b"", "no-such-code"),
        (&["frobnicate"], b"", "frobnicate"),
    ];
    for (args, stdin, needle) in cases {
        let out = run_stdin(args, stdin);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(needle),
            "{args:?}: stderr does not name `{needle}`: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    }
}

#[test]
fn explain_prints_meaning_and_fix() {
    let out = run(&["explain", "samesite-none-insecure"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Secure") && text.contains("fix:"));
    let v = json(&run(&["explain", "all", "--format", "json"]));
    assert!(v.as_array().unwrap().len() >= 20);
}

// ---- simulate ----------------------------------------------------------------

/// Every seed story under examples/scenarios/ runs in every profile and its
/// expectations hold (exit 0).
#[test]
fn every_example_scenario_simulates_and_its_expectations_hold() {
    let dir = repo("examples/scenarios");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        count += 1;
        let out = run(&["simulate", path.to_str().unwrap(), "--now", "1795435200"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}{}",
            path.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(count >= 5, "the five seed stories are there");
}

/// The trace JSON v1 contract (DESIGN.md §6), field for field.
#[test]
fn simulate_json_follows_the_trace_contract() {
    let v = json(&run(&[
        "simulate",
        &repo("examples/scenarios/embedded-dashboard.toml"),
        "--browser",
        "chrome",
        "--browser",
        "firefox",
        "--format",
        "json",
        "--now",
        "1795435200",
    ]));
    assert_eq!(v["scenario"], "embedded dashboard loses its session");
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["browser"], "chrome");
    assert_eq!(runs[1]["browser"], "firefox");
    let step0 = &runs[0]["steps"][0];
    assert_eq!(step0["index"], 0);
    assert_eq!(step0["do"], "open");
    assert_eq!(step0["js_cookie"], serde_json::Value::Null);
    assert!(step0["expect"].as_array().unwrap().is_empty());
    let login = &step0["requests"][0];
    assert_eq!(login["url"], "https://app.example/login");
    assert_eq!(login["method"], "GET");
    assert_eq!(login["destination"], "document");
    assert_eq!(login["site_for_cookies"], "https://app.example");
    assert_eq!(login["same_site"], true);
    assert_eq!(login["top_level_site"], "https://app.example");
    assert_eq!(login["cors"], serde_json::Value::Null);
    assert_eq!(login["blocked"], serde_json::Value::Null);
    let set = &login["set_cookie"][0];
    assert_eq!(
        set["line"],
        "sid=abc; Secure; HttpOnly; SameSite=Lax; Path=/"
    );
    assert_eq!(set["stored"], true);
    assert_eq!(set["reasons"], serde_json::json!([]));
    assert_eq!(
        set["cookie"],
        serde_json::json!({"name": "sid", "domain": "app.example", "path": "/", "partition": null})
    );
    // The iframe: cross-site, opaque site for cookies, sid held back as Lax.
    let frame = &runs[0]["steps"][2]["requests"][0];
    assert_eq!(frame["destination"], "iframe");
    assert_eq!(frame["site_for_cookies"], "https://partner.example");
    assert_eq!(frame["same_site"], false);
    assert_eq!(frame["top_level_site"], "https://partner.example");
    assert_eq!(frame["sent"], serde_json::json!([]));
    assert_eq!(frame["excluded"][0]["name"], "sid");
    assert_eq!(frame["excluded"][0]["domain"], "app.example");
    assert_eq!(frame["excluded"][0]["path"], "/");
    assert_eq!(frame["excluded"][0]["reasons"][0], "samesite-lax");
    let expect = &runs[0]["steps"][2]["expect"][0];
    assert_eq!(expect["check"], "not_sent");
    assert_eq!(expect["passed"], true);
    // The fetch from inside the frame is script and cross-origin-free (same origin).
    let fetch = &runs[0]["steps"][3]["requests"][0];
    assert_eq!(fetch["destination"], "empty");
    assert_eq!(fetch["site_for_cookies"], serde_json::Value::Null);
    assert_eq!(
        runs[0]["jar"][0],
        serde_json::json!({"name": "sid", "value": "abc", "domain": "app.example", "host_only": true,
            "path": "/", "secure": true, "http_only": true, "same_site": "lax", "partition": null,
            "expires": null})
    );
}

#[test]
fn simulate_text_matches_its_golden() {
    let out = run(&[
        "simulate",
        &repo("examples/scenarios/chips-widget-two-embedders.toml"),
        "--browser",
        "chrome",
        "--browser",
        "chrome-3pc-blocked",
        "--browser",
        "firefox",
        "--browser",
        "safari",
        "--now",
        "1795435200",
        "--color",
        "never",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    let golden_path = repo("tests/golden/simulate-chips-widget.txt");
    if std::env::var_os("UPDATE_GOLDENS").is_some() {
        std::fs::write(&golden_path, &text).unwrap();
    }
    let golden = std::fs::read_to_string(&golden_path).unwrap_or_default();
    assert!(
        text == golden,
        "output differs from {golden_path} (UPDATE_GOLDENS=1 to accept):\n{text}"
    );
}

#[test]
fn simulate_exits_1_when_an_expectation_fails() {
    let dir = std::env::temp_dir().join(format!("cd-sim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("wrong.toml");
    std::fs::write(
        &file,
        r#"name = "a wrong expectation"
[[response]]
url = "https://app.example/login"
headers = ["Set-Cookie: sid=1; Secure; SameSite=Lax"]
[[step]]
do = "open"
url = "https://app.example/login"
[[step]]
do = "open"
url = "https://partner.example/"
[[step]]
do = "iframe"
name = "f"
url = "https://app.example/x"
expect = { sent = ["sid"] }
"#,
    )
    .unwrap();
    let out = run(&[
        "simulate",
        file.to_str().unwrap(),
        "--browser",
        "chrome",
        "--color",
        "never",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("expect sent sid: ✗ FAILS"), "{text}");
    assert!(text.contains("1 of 1 expectations fail"), "{text}");
}

#[test]
fn simulate_refuses_bad_input_with_exit_2() {
    let out = run(&[
        "simulate",
        &repo("examples/scenarios/embedded-dashboard.toml"),
        "--browser",
        "netscape",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no such profile") && err.contains("chrome-3pc-blocked"),
        "{err}"
    );
    let out = run(&[
        "simulate",
        &repo("oracle/test-scenarios/malformed/bad-from.toml"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---- check --format sarif / markdown, explain for rules --------------------

#[test]
fn check_writes_sarif_with_rules_and_results() {
    let out = run(&[
        "check",
        "--url",
        "https://app.example.com/login",
        "--embedded-in",
        "https://partner.example",
        "--format",
        "sarif",
        "--fail-on",
        "never",
        "sid=abc; SameSite=None",
    ]);
    let v = json(&out);
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "cookie-doctor");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(
        rules
            .iter()
            .any(|r| r["id"] == "samesite-none-without-secure")
    );
    assert!(rules.iter().all(|r| {
        r["helpUri"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://") && u.ends_with(".md"))
    }));
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "samesite-none-without-secure")
        .expect("the finding is a result");
    assert_eq!(result["level"], "error");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "https://app.example.com/login"
    );
    assert!(
        result["properties"]["fix"]["header"]
            .as_str()
            .unwrap()
            .contains("Secure")
    );
}

#[test]
fn check_sarif_keeps_the_exit_code_contract() {
    let out = run(&[
        "check",
        "--url",
        "https://app.example.com/",
        "--format",
        "sarif",
        "sid=abc; SameSite=None",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
}

#[test]
fn check_writes_a_markdown_comment() {
    let out = run(&[
        "check",
        "--url",
        "https://app.example.com/login",
        "--format",
        "markdown",
        "--fail-on",
        "never",
        "sid=abc; SameSite=None",
        "theme=dark; Secure; SameSite=Lax",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("### cookie-doctor: "), "{md}");
    assert!(md.contains("| browser | same-site |"), "{md}");
    assert!(md.contains("`samesite-none-without-secure`"), "{md}");
    assert!(
        md.contains("```http\n  Set-Cookie: sid=abc; SameSite=None; Secure"),
        "{md}"
    );
}

#[test]
fn sarif_and_markdown_are_for_check_only() {
    for (args, command) in [
        (
            &["site", "https://a.example", "--format", "sarif"][..],
            "site",
        ),
        (&["explain", "all", "--format", "markdown"][..], "explain"),
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("only supported by `check`") && stderr.contains(command),
            "{stderr}"
        );
    }
}

#[test]
fn explain_prints_a_rule_page_as_in_docs() {
    let out = run(&["explain", "samesite-none-without-secure"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let page = std::fs::read_to_string(repo("docs/rules/samesite-none-without-secure.md")).unwrap();
    assert_eq!(text, page);

    let v = json(&run(&[
        "explain",
        "samesite-none-without-secure",
        "--format",
        "json",
    ]));
    assert_eq!(v[0]["kind"], "rule");
    assert_eq!(v[0]["severity"], "error");
    assert!(v[0]["good"].as_str().unwrap().contains("Secure"));

    let v = json(&run(&[
        "explain",
        "samesite-none-insecure",
        "--format",
        "json",
    ]));
    assert_eq!(v[0]["kind"], "reason");
    assert_eq!(v[0]["code"], "samesite-none-insecure");
}

#[test]
fn explain_all_lists_reasons_and_rules() {
    let out = run(&["explain", "all"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("samesite-none-insecure"));
    assert!(text.contains("samesite-none-without-secure"));
    let v = json(&run(&["explain", "all", "--format", "json"]));
    let kinds: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"reason") && kinds.contains(&"rule"));
    let out = run(&["explain", "no-such-rule-or-reason"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("samesite-none-without-secure"));
}

/// The five seed stories as `check` input (the README's commands): each gets
/// its diagnosis, and the first fix of that finding, applied, makes it go away.
#[test]
fn seed_stories_get_their_diagnosis_and_a_working_fix() {
    let stories: [(&str, &[&str], &str); 5] = [
        (
            "embedded-dashboard.txt",
            &[
                "--url",
                "https://app.example.com/dashboard",
                "--embedded-in",
                "https://partner.example",
            ],
            "samesite-none-without-secure",
        ),
        (
            "api-on-another-site.txt",
            &[
                "--url",
                "https://api.shopbackend.example/login",
                "--called-from",
                "https://shop.example",
                "--header",
                "Access-Control-Allow-Origin: https://shop.example",
                "--header",
                "Access-Control-Allow-Credentials: true",
                "--header",
                "Vary: Origin",
            ],
            "samesite-blocks-declared-use",
        ),
        (
            "sso-form-post-callback.txt",
            &["--url", "https://app.example/login"],
            "lax-cookie-lost-on-cross-site-post",
        ),
        (
            "logout-does-not-clear.txt",
            &["--url", "https://app.example.com/logout"],
            "deletion-does-not-match",
        ),
        (
            "chips-widget.txt",
            &[
                "--url",
                "https://widget.example/embed",
                "--embedded-in",
                "https://site-a.example",
                "--embedded-in",
                "https://site-b.example",
            ],
            "third-party-cookies-in-embed",
        ),
    ];
    for (file, args, code) in stories {
        let input = std::fs::read_to_string(repo(&format!("examples/set-cookie/{file}"))).unwrap();
        let mut argv = vec![
            "check",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--now",
            "1795435200",
        ];
        argv.extend_from_slice(args);
        let v = json(&run_stdin(&argv, input.as_bytes()));
        let findings = v["findings"].as_array().unwrap();
        let finding = findings
            .iter()
            .find(|f| f["code"] == code)
            .unwrap_or_else(|| panic!("{file}: no {code} in {findings:#?}"));
        // Apply its fix (a Set-Cookie replacement or addition) and check again.
        let Some(header) = finding["fix"]["header"].as_str() else {
            continue; // advice only (the CHIPS story: correct, per-embedder state)
        };
        let fixed_line = header.trim_start_matches("Set-Cookie:").trim();
        let name = finding["cookie"].as_str().unwrap_or_default();
        let mut lines: Vec<String> = input.lines().map(str::to_string).collect();
        if code == "deletion-does-not-match" {
            let last = lines.len() - 1;
            lines[last] = fixed_line.to_string();
        } else {
            for line in &mut lines {
                if line
                    .trim_start_matches("Set-Cookie:")
                    .trim()
                    .starts_with(&format!("{name}="))
                {
                    *line = fixed_line.to_string();
                }
            }
        }
        let v = json(&run_stdin(&argv, lines.join("\n").as_bytes()));
        let still: Vec<_> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == code && f["severity"] == "error" && f["cookie"] == name)
            .collect();
        assert!(still.is_empty(), "{file}: after the fix, still {still:#?}");
    }
}
