//! Fuzz target: the streaming HAR 1.2 reader and the replay behind it.
//!
//! Arbitrary bytes are read as a HAR: the reader must answer with entries and
//! per-entry errors, or one error naming the file, never panic; every entry it
//! hands over is replayed through the engine (profile picked from the file),
//! and the replay's totals must add up.
#![no_main]

use cookie_doctor_cookie::Time;
use cookie_doctor_diagnose::har::{HarFinding, HarReplay, entry_to_audit_response};
use cookie_doctor_inputs::{HarError, read_har_bytes};
use cookie_doctor_site::BuiltinPsl;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut replay = HarReplay::new(None, &BuiltinPsl, Time::from_unix(1_795_435_200), false);
    let mut findings = 0usize;
    let mut handed = 0usize;
    let result = read_har_bytes(data, "fuzz.har", &mut |meta, item| {
        handed += 1;
        match item {
            Ok(entry) => {
                let audit = entry_to_audit_response(&entry, meta);
                assert_eq!(audit.url, entry.request.url);
                replay.entry(meta, &entry, &mut |f| {
                    // Values are redacted by default.
                    if let HarFinding::Rejected { line, .. } = &f
                        && let Some((_, value)) = line.split(';').next().unwrap_or("").split_once('=')
                    {
                        assert!(value.trim().is_empty() || value == "<redacted>", "{line}");
                    }
                    findings += 1;
                });
            }
            Err(e) => {
                assert!(matches!(e, HarError::Entry { .. }));
                assert!(e.to_string().starts_with("fuzz.har: "));
                replay.bad_entry(&e, &mut |_| findings += 1);
            }
        }
    });
    let summary = replay.finish();
    assert_eq!(summary.entries, handed);
    match result {
        Ok(s) => assert_eq!(s.entries, handed),
        Err(e) => assert!(e.to_string().starts_with("fuzz.har")),
    }
    assert!(summary.cookies_agreed <= summary.cookies_compared);
    assert!(summary.not_sent + summary.rejected + summary.mismatches + summary.bad_entries <= findings);
});
