//! The check JSON v1 written by hand for the web API's hottest answer: the
//! `cookies` section (a verdict per cookie × browser × context, hundreds of
//! small objects) costs a generic serializer ~1 200 instructions per verdict
//! and this writer a tenth of that. The findings and the deployment, whose
//! shapes change more often, still go through serde. The text is byte for byte
//! serde_json's compact text (unit tests hold it to that, field order and
//! escaping included).

use std::io::Write as _;

use cookie_doctor_diagnose::check::{CheckReport, CookieReport, Outcome, StoredAs, Verdict};

/// [`crate::to_json_compact`] of a check report, faster.
pub fn check_json_compact(report: &CheckReport) -> String {
    // Every piece written is UTF-8 (`&str`s, and serde's text), so the check
    // never fails; were it to, serde writes the text instead.
    String::from_utf8(check_json_compact_bytes(report))
        .unwrap_or_else(|_| crate::to_json_compact(report))
}

/// [`check_json_compact`] as the bytes of its UTF-8 text, for an answer that
/// goes out as bytes (the web API): the same text without checking it again.
pub fn check_json_compact_bytes(report: &CheckReport) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 * 1024);
    push(&mut out, "{\"url\":");
    push_str_value(&mut out, &report.url);
    push(&mut out, ",\"cookies\":[");
    for (i, cookie) in report.cookies.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_cookie(&mut out, cookie);
    }
    push(&mut out, "],\"findings\":");
    if !push_serde(&mut out, &report.findings) {
        return crate::to_json_compact(report).into_bytes();
    }
    push(&mut out, ",\"deployment\":");
    if !push_serde(&mut out, &report.deployment) {
        return crate::to_json_compact(report).into_bytes();
    }
    push(&mut out, "}\n");
    out
}

/// Appends a piece of text.
fn push(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(text.as_bytes());
}

/// Appends `value` as serde writes it (straight into `out`); `false` if it
/// could not, `out` then left as it was.
fn push_serde<T: serde::Serialize>(out: &mut Vec<u8>, value: &T) -> bool {
    let before = out.len();
    match sonic_rs::to_writer(&mut *out, value) {
        Ok(()) => true,
        Err(_) => {
            out.truncate(before);
            false
        }
    }
}

fn push_cookie(out: &mut Vec<u8>, c: &CookieReport) {
    push(out, "{\"line\":");
    push_str_value(out, &c.line);
    push(out, ",\"name\":");
    push_str_value(out, &c.name);
    push(out, ",\"stored_as\":");
    match &c.stored_as {
        Some(s) => push_stored_as(out, s),
        None => push(out, "null"),
    }
    push(out, ",\"outcome\":\"");
    push(
        out,
        match c.outcome {
            Outcome::Stored => "stored",
            Outcome::Deleted => "deleted",
            Outcome::Rejected => "rejected",
        },
    );
    out.push(b'"');
    // `skip_serializing_if = "Option::is_none"`.
    if let Some(removed) = c.removed_existing {
        push(out, ",\"removed_existing\":");
        push_bool(out, removed);
    }
    push(out, ",\"notes\":[");
    for (i, note) in c.notes.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_str_value(out, note);
    }
    push(out, "],\"verdicts\":[");
    for (i, v) in c.verdicts.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_verdict(out, v);
    }
    push(out, "]}");
}

fn push_stored_as(out: &mut Vec<u8>, s: &StoredAs) {
    push(out, "{\"name\":");
    push_str_value(out, &s.name);
    push(out, ",\"value\":");
    push_str_value(out, &s.value);
    push(out, ",\"domain\":");
    push_str_value(out, &s.domain);
    push(out, ",\"host_only\":");
    push_bool(out, s.host_only);
    push(out, ",\"path\":");
    push_str_value(out, &s.path);
    push(out, ",\"secure\":");
    push_bool(out, s.secure);
    push(out, ",\"http_only\":");
    push_bool(out, s.http_only);
    push(out, ",\"same_site\":\"");
    push(out, s.same_site.as_str());
    push(out, "\",\"partitioned\":");
    push_bool(out, s.partitioned);
    push(out, ",\"expires\":");
    match s.expires {
        Some(seconds) => {
            let _ = write!(out, "{seconds}");
        }
        None => push(out, "null"),
    }
    out.push(b'}');
}

fn push_verdict(out: &mut Vec<u8>, v: &Verdict) {
    push(out, "{\"browser\":");
    push_str_value(out, &v.browser);
    push(out, ",\"context\":");
    push_str_value(out, &v.context);
    push(out, ",\"stored\":");
    push_bool(out, v.stored);
    push(out, ",\"sent\":");
    push_bool(out, v.sent);
    push(out, ",\"reasons\":[");
    for (i, r) in v.reasons.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Reason codes are kebab-case ASCII: nothing to escape.
        out.push(b'"');
        push(out, r.code());
        out.push(b'"');
    }
    push(out, "]}");
}

fn push_bool(out: &mut Vec<u8>, b: bool) {
    push(out, if b { "true" } else { "false" });
}

/// A JSON string as serde_json writes it: `"` and `\` escaped, the control
/// characters U+0000–U+001F as `\b \t \n \f \r` or `\u00xx`, everything else
/// (DEL and non-ASCII included) as is.
fn push_str_value(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    // The usual string needs no escape: one pass without early exit (which
    // the compiler vectorises), then one copy.
    let plain = !s.bytes().fold(false, |any, b| {
        any | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if plain {
        push(out, s);
        out.push(b'"');
        return;
    }
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            0x08 => Some("\\b"),
            b'\t' => Some("\\t"),
            b'\n' => Some("\\n"),
            0x0c => Some("\\f"),
            b'\r' => Some("\\r"),
            0x00..=0x1f => None,
            _ => continue,
        };
        // `i` is at an ASCII byte: a char boundary.
        push(out, s.get(start..i).unwrap_or_default());
        match escape {
            Some(e) => push(out, e),
            None => {
                let _ = write!(out, "\\u{b:04x}");
            }
        }
        start = i + 1;
    }
    push(out, s.get(start..).unwrap_or_default());
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use cookie_doctor_cookie::{Reason, Reasons, SameSite};
    use cookie_doctor_diagnose::check::DeploymentReport;

    #[test]
    fn strings_escape_as_serde_json_does() {
        let all: String = (0u32..0x80)
            .filter_map(char::from_u32)
            .chain(['é', '\u{2028}', '\u{1f36a}', '\u{fffd}'])
            .collect();
        for s in [all.as_str(), "", "plain", "\"\\", "a\u{1}b\u{1f}c\u{7f}"] {
            let mut out = Vec::new();
            push_str_value(&mut out, s);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(s).unwrap()
            );
        }
    }

    #[test]
    fn every_field_and_variant_matches_serde_json() {
        let stored = StoredAs {
            name: "n\"1".into(),
            value: "v\\\n".into(),
            domain: "example.com".into(),
            host_only: false,
            path: "/p".into(),
            secure: true,
            http_only: false,
            same_site: SameSite::Default,
            partitioned: true,
            expires: Some(-5),
        };
        let verdict = |reasons: Reasons| Verdict {
            browser: "chrome".into(),
            context: "iframe\t".into(),
            stored: true,
            sent: false,
            reasons,
        };
        let cookies: Vec<CookieReport> = [
            (Outcome::Stored, None, Some(stored.clone())),
            (
                Outcome::Deleted,
                Some(true),
                Some(StoredAs {
                    expires: None,
                    same_site: SameSite::None,
                    ..stored.clone()
                }),
            ),
            (
                Outcome::Deleted,
                Some(false),
                Some(StoredAs {
                    expires: Some(0),
                    same_site: SameSite::Lax,
                    ..stored.clone()
                }),
            ),
            (Outcome::Rejected, None, None),
        ]
        .into_iter()
        .map(|(outcome, removed_existing, stored_as)| CookieReport {
            line: "a=b; \u{1}x".into(),
            name: String::new(),
            stored_as,
            outcome,
            removed_existing,
            notes: vec!["a note".into(), "é".into()],
            verdicts: vec![
                verdict(Reasons::new()),
                verdict(Reasons::from_slice(&[
                    Reason::SameSiteLax,
                    Reason::ThirdPartyBlocked,
                ])),
            ],
        })
        .collect();
        let report = CheckReport {
            url: "https://app.example/".into(),
            cookies,
            findings: Vec::new(),
            deployment: DeploymentReport {
                embedded_in: vec!["https://p.example".into()],
                called_from: vec![],
                headers: vec!["X: \"y\"".into()],
                browsers: vec!["chrome".into()],
            },
        };
        assert_eq!(
            check_json_compact(&report),
            serde_json::to_string(&report).unwrap() + "\n"
        );
        let empty = CheckReport {
            cookies: Vec::new(),
            ..report
        };
        assert_eq!(
            check_json_compact(&empty),
            serde_json::to_string(&empty).unwrap() + "\n"
        );
    }
}
