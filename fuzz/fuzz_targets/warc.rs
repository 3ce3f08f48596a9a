//! Fuzz target: the WARC record reader (`cookie-doctor audit` input) on
//! arbitrary bytes, plain and (when the bytes start with the gzip magic)
//! decompressed.
//!
//! Nothing may panic or loop; every response item has a URL and a 3-digit
//! status; ordinals only grow, offsets stay inside the input; at most one
//! fatal error, and it is the last item.
#![no_main]

use std::io::Cursor;

use cookie_doctor_inputs::{Position, WarcRecords, decompress_if_gzip};
use libfuzzer_sys::fuzz_target;

fn check<I: Iterator<Item = Result<cookie_doctor_inputs::AuditItem, cookie_doctor_inputs::ReadError>>>(
    items: I,
    len: Option<usize>,
) {
    let mut last_ordinal = 0u64;
    let mut fatal = false;
    for item in items {
        assert!(!fatal, "an item after a fatal error");
        let position = match item {
            Ok(item) => {
                assert!(!item.record.url.is_empty());
                assert!(item.record.status.is_some_and(|s| (100..=999).contains(&s)));
                item.position
            }
            Err(e) => {
                fatal = e.fatal;
                e.position
            }
        };
        let Position::Record { ordinal, offset } = position else {
            panic!("a WARC item with a line position");
        };
        assert!(ordinal >= last_ordinal);
        last_ordinal = ordinal;
        if let Some(len) = len {
            assert!(offset as usize <= len);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    check(WarcRecords::new(data, "fuzz.warc"), Some(data.len()));
    if let Ok(reader) = decompress_if_gzip(Cursor::new(data.to_vec())) {
        check(WarcRecords::new(reader, "fuzz.warc.gz"), None);
    }
});
