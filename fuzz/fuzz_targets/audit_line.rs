//! Fuzz target: the audit lines v1 reader (`cookie-doctor audit` input) on
//! arbitrary bytes, with a small line limit so over-long lines are exercised,
//! and (for a one-line input, to keep the reader's many-line inputs fast) the
//! response through the shared `Auditor`.
//!
//! Nothing may panic; there is exactly one item per input line, numbered from
//! 1 in order; errors name the input and are never fatal on an in-memory input.
#![no_main]

use std::sync::Arc;

use cookie_doctor_cookie::Time;
use cookie_doctor_diagnose::audit::{AuditResponse, Auditor};
use cookie_doctor_inputs::{AuditLines, Position};
use cookie_doctor_site::BuiltinPsl;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let lines = data.iter().filter(|b| **b == b'\n').count()
        + usize::from(!data.is_empty() && !data.ends_with(b"\n"));
    let mut n = 0u64;
    let mut first = None;
    for item in AuditLines::new(data, "fuzz").limit(512) {
        n += 1;
        match item {
            Ok(item) => {
                assert_eq!(item.position, Position::Line(n));
                if first.is_none() && item.record.headers.len() <= 4 {
                    first = Some(item.record);
                }
            }
            Err(e) => {
                assert_eq!(e.position, Position::Line(n));
                assert_eq!(e.input, "fuzz");
                assert!(!e.fatal);
            }
        }
    }
    assert_eq!(n as usize, lines);
    if let Some(r) = first.filter(|_| lines == 1) {
        let auditor = Auditor::new(
            cookie_doctor_profiles::builtin(),
            Arc::new(BuiltinPsl),
            Time::from_unix(1_795_435_200),
        );
        let response = AuditResponse {
            url: r.url,
            status: r.status,
            headers: r.headers,
            embedded_in: r.embedded_in,
            called_from: r.called_from,
        };
        let _ = auditor.audit(&response);
    }
});
