//! Fuzz target: the cookie-date algorithm (RFC 6265bis §5.1.1).
//!
//! Arbitrary bytes go through `parse_cookie_date`; a date that parses must
//! serialise (IMF-fixdate) to text that parses back to the same instant.
#![no_main]

use cookie_doctor_cookie::parse_cookie_date;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(time) = parse_cookie_date(data) {
        let text = time.to_http_date();
        assert_eq!(
            parse_cookie_date(text.as_bytes()),
            Some(time),
            "{text:?} (from {data:?}) does not re-parse to the same time"
        );
    }
});
