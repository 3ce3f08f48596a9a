//! End-to-end tests of `cookie-doctor audit`: real processes, real exit codes,
//! real files (audit lines, WARC, gzip), and the golden output of the sample
//! corpus under tests/audit/ (`UPDATE_GOLDENS=1` rewrites it).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A fixed clock for reproducible output.
const NOW: &str = "1795435200";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cookie-doctor"))
}

fn audit(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = bin()
        .arg("--now")
        .arg(NOW)
        .arg("audit")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

/// A fresh directory for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("cookie-doctor-audit-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `n` audit lines with distinct URLs; every third one sets a cookie that has
/// findings (SameSite=None without Secure).
fn numbered(n: usize) -> String {
    (0..n)
        .map(|i| {
            let cookie = if i % 3 == 0 {
                "Set-Cookie: sid=1; SameSite=None"
            } else {
                "Set-Cookie: sid=1; Secure; HttpOnly; SameSite=Lax; Path=/"
            };
            format!(
                "{{\"url\":\"https://h{i}.example.com/\",\"headers\":[\"{cookie}\"],\"embedded_in\":[\"https://partner.example\"]}}\n"
            )
        })
        .collect()
}

#[test]
fn order_is_kept_with_four_jobs_and_equals_one_job() {
    let input = numbered(70);
    let four = audit(&["--jobs", "4", "--fail-on", "never"], input.as_bytes());
    assert_eq!(
        four.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&four.stderr)
    );
    let urls: Vec<String> = lines(&four)
        .iter()
        .map(|l| l["url"].as_str().unwrap().to_string())
        .collect();
    let expected: Vec<String> = (0..70)
        .map(|i| format!("https://h{i}.example.com/"))
        .collect();
    assert_eq!(urls, expected);
    let one = audit(&["--jobs", "1", "--fail-on", "never"], input.as_bytes());
    assert_eq!(one.stdout, four.stdout);
    // Findings are those of check: the insecure SameSite=None line has one.
    let first = &lines(&four)[0];
    assert!(
        first["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "samesite-none-without-secure")
    );
}

#[test]
fn error_lines_keep_going_and_exit_2() {
    let mut input = numbered(6);
    input.push_str("{\"url\": \"https://x.example/\", \"status\": \"ok\", \"headers\": []}\n");
    input.push_str("not json\n");
    input.push_str("{\"url\": \"mailto:a@b\", \"headers\": []}\n");
    input.push_str(&numbered(2));
    let out = audit(&["--jobs", "3"], input.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    let got = lines(&out);
    assert_eq!(got.len(), 11);
    assert_eq!(got[6]["line"], 7);
    assert!(got[6]["error"].as_str().unwrap().contains("invalid type"));
    assert_eq!(got[7]["line"], 8);
    assert_eq!(got[8]["line"], 9);
    assert!(got[8]["error"].as_str().unwrap().contains("mailto:a@b"));
    assert_eq!(got[9]["url"], "https://h0.example.com/");
    assert!(got[6].get("file").is_none(), "stdin lines carry no file");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("3 of 11"), "{stderr}");
}

#[test]
fn shards_together_equal_the_whole() {
    let mut input = numbered(23);
    input.push_str("broken\n");
    input.push_str(&numbered(4));
    let whole = audit(&["--fail-on", "never"], input.as_bytes());
    let s0 = audit(&["--fail-on", "never", "--shard", "0/2"], input.as_bytes());
    let s1 = audit(
        &["--fail-on", "never", "--shard", "1/2", "--jobs", "2"],
        input.as_bytes(),
    );
    let whole: Vec<&[u8]> = whole.stdout.split_inclusive(|b| *b == b'\n').collect();
    let s0: Vec<&[u8]> = s0.stdout.split_inclusive(|b| *b == b'\n').collect();
    let s1: Vec<&[u8]> = s1.stdout.split_inclusive(|b| *b == b'\n').collect();
    assert_eq!(whole.len(), 28);
    assert_eq!((s0.len(), s1.len()), (14, 14));
    let mut merged = Vec::new();
    for (a, b) in s0.iter().zip(&s1) {
        merged.push(*a);
        merged.push(*b);
    }
    assert_eq!(merged, whole);
    let bad = audit(&["--shard", "2/2"], b"");
    assert_eq!(bad.status.code(), Some(2));
}

fn warc_record(kind: &str, uri: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn small_warc() -> Vec<Vec<u8>> {
    vec![
        warc_record(
            "warcinfo",
            "",
            "application/warc-fields",
            b"software: test\r\n",
        ),
        warc_record(
            "request",
            "https://a.example.com/",
            "application/http; msgtype=request",
            b"GET / HTTP/1.1\r\nHost: a.example.com\r\n\r\n",
        ),
        warc_record(
            "response",
            "https://a.example.com/",
            "application/http; msgtype=response",
            b"HTTP/1.1 200 OK\r\nSet-Cookie: sid=1; SameSite=None\r\n\r\n<html>body</html>",
        ),
        warc_record(
            "response",
            "https://b.example.com/",
            "application/http; msgtype=response",
            b"",
        ),
        warc_record(
            "response",
            "https://c.example.com/",
            "application/http; msgtype=response",
            b"HTTP/1.1 302 Found\r\nLocation: /\r\n\r\n",
        ),
    ]
}

#[test]
fn warc_plain_and_gzip_inputs() {
    let dir = scratch("warc");
    let records = small_warc();
    std::fs::write(dir.join("crawl.warc"), records.concat()).unwrap();
    let mut gz = Vec::new();
    for r in &records {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(r).unwrap();
        gz.extend(enc.finish().unwrap());
    }
    std::fs::write(dir.join("crawl.warc.gz"), &gz).unwrap();
    // No extension: recognised by its gzip magic and `WARC/` content.
    std::fs::write(dir.join("crawl.bin"), &gz).unwrap();
    for name in ["crawl.warc", "crawl.warc.gz", "crawl.bin"] {
        let path = dir.join(name);
        let out = audit(&["--jobs", "2", path.to_str().unwrap()], b"");
        assert_eq!(
            out.status.code(),
            Some(2),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got = lines(&out);
        assert_eq!(got.len(), 3, "{name}: {got:?}");
        assert_eq!(got[0]["url"], "https://a.example.com/");
        assert_eq!(got[0]["source"]["file"], path.to_str().unwrap());
        assert_eq!(got[0]["source"]["record"], 3);
        assert_eq!(got[1]["record"], 4);
        assert_eq!(got[1]["file"], path.to_str().unwrap());
        assert!(
            got[1]["error"]
                .as_str()
                .unwrap()
                .contains("no HTTP status line")
        );
        assert_eq!(got[2]["url"], "https://c.example.com/");
        assert_eq!(got[2]["findings"], serde_json::json!([]));
    }
}

#[test]
fn mixed_inputs_in_order_and_broken_files() {
    let dir = scratch("mixed");
    std::fs::write(dir.join("a.jsonl"), numbered(2)).unwrap();
    std::fs::write(dir.join("b.warc"), small_warc().concat()).unwrap();
    std::fs::write(dir.join("c.ndjson"), "oops\n").unwrap();
    let out = audit(
        &[
            "--fail-on",
            "never",
            dir.join("a.jsonl").to_str().unwrap(),
            dir.join("b.warc").to_str().unwrap(),
            dir.join("c.ndjson").to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    let got = lines(&out);
    assert_eq!(got.len(), 6);
    assert_eq!(got[1]["url"], "https://h1.example.com/");
    assert_eq!(got[2]["url"], "https://a.example.com/");
    assert_eq!(got[5]["line"], 1);
    assert_eq!(got[5]["file"], dir.join("c.ndjson").to_str().unwrap());

    // A HAR that is not one: one error line naming the file, exit 2.
    std::fs::write(dir.join("d.har"), "{\"log\": 5}").unwrap();
    let har = audit(&[dir.join("d.har").to_str().unwrap()], b"");
    assert_eq!(har.status.code(), Some(2));
    let got = lines(&har);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["file"], dir.join("d.har").to_str().unwrap());
    assert!(got[0]["error"].is_string());
    let missing = audit(&[dir.join("nope.jsonl").to_str().unwrap()], b"");
    assert_eq!(missing.status.code(), Some(2));
    assert!(missing.stdout.is_empty());
}

#[test]
fn summary_counts_and_fail_on() {
    let dir = scratch("summary");
    let summary = dir.join("summary.json");
    let mut input = numbered(9);
    input.push_str("[1, 2]\n");
    let out = audit(
        &["--summary", summary.to_str().unwrap(), "--jobs", "2"],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(2));
    let s: serde_json::Value = serde_json::from_slice(&std::fs::read(&summary).unwrap()).unwrap();
    assert_eq!(s["lines"], 10);
    assert_eq!(s["responses"], 9);
    assert_eq!(s["errors"], 1);
    assert_eq!(s["read_errors"], 1);
    assert_eq!(s["audit_errors"], 0);
    assert_eq!(s["inputs"], serde_json::json!(["stdin"]));
    assert_eq!(s["exit_code"], 2);
    assert_eq!(s["by_code"]["samesite-none-without-secure"], 3);
    let by_code: u64 = s["by_code"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    let by_severity: u64 = s["by_severity"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(s["findings"].as_u64().unwrap(), by_code);
    assert_eq!(by_code, by_severity);
    assert!(s["seconds"].as_f64().unwrap() >= 0.0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("10 lines: 9 responses audited, 1 errors"),
        "{stderr}"
    );
    assert!(stderr.contains("samesite-none-without-secure"), "{stderr}");

    // Findings of severity error: exit 1; below the threshold: 0.
    let input = numbered(3);
    assert_eq!(audit(&[], input.as_bytes()).status.code(), Some(1));
    assert_eq!(
        audit(&["--fail-on", "never"], input.as_bytes())
            .status
            .code(),
        Some(0)
    );
    let clean = "{\"url\":\"https://a.example.com/\",\"headers\":[]}\n";
    assert_eq!(
        audit(&["--fail-on", "info"], clean.as_bytes())
            .status
            .code(),
        Some(0)
    );
}

/// Compares `actual` with the committed golden file (or rewrites it).
fn golden(name: &str, actual: &[u8]) {
    let path = repo(&format!("tests/audit/{name}"));
    if std::env::var_os("UPDATE_GOLDENS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDENS=1 writes it)", path.display()));
    if expected != actual {
        let e = String::from_utf8_lossy(&expected);
        let a = String::from_utf8_lossy(actual);
        let (n, (el, al)) = e
            .lines()
            .zip(a.lines())
            .enumerate()
            .find(|(_, (x, y))| x != y)
            .unwrap_or((e.lines().count().min(a.lines().count()), ("<end>", "<end>")));
        panic!(
            "{name} differs from the output at line {} (expected {} lines, got {}):\n expected: {el:.300}\n      got: {al:.300}\n(UPDATE_GOLDENS=1 rewrites it)",
            n + 1,
            e.lines().count(),
            a.lines().count()
        );
    }
}

#[test]
fn sample_corpus_matches_its_golden() {
    let jsonl = std::fs::read(repo("tests/audit/sample.jsonl")).unwrap();
    let out = audit(&["--jobs", "2"], &jsonl);
    assert_eq!(out.status.code(), Some(2), "the sample has malformed lines");
    let n = jsonl.iter().filter(|b| **b == b'\n').count();
    assert_eq!(out.stdout.iter().filter(|b| **b == b'\n').count(), n);
    golden("sample.expected.jsonl", &out.stdout);

    let warc = bin()
        .current_dir(repo("tests/audit"))
        .args(["--now", NOW, "audit", "--jobs", "2", "sample.warc.gz"])
        .output()
        .unwrap();
    assert_eq!(
        warc.status.code(),
        Some(2),
        "the sample has an empty response"
    );
    golden("sample-warc.expected.jsonl", &warc.stdout);
}

#[test]
fn har_entries_are_audited_in_order() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/har/recorded");
    let file = dir.join("embedded-dashboard-loses-its-session-lax-cookie.chrome.har");
    let text = std::fs::read_to_string(&file).unwrap();
    let har: serde_json::Value = serde_json::from_str(&text).unwrap();
    let entries = har["log"]["entries"].as_array().unwrap();
    let out = audit(&["--fail-on", "never", file.to_str().unwrap()], b"");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = lines(&out);
    assert_eq!(got.len(), entries.len());
    for (i, (line, entry)) in got.iter().zip(entries).enumerate() {
        assert_eq!(line["url"], entry["request"]["url"], "entry {i}");
        assert_eq!(line["source"]["record"], i as u64 + 1);
    }
    // The login response sets the session: its findings are there.
    assert!(
        got.iter()
            .any(|l| l["findings"].as_array().is_some_and(|f| !f.is_empty()))
    );
}
