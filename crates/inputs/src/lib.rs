//! Input adapters: turn what the user has into values the engine reads.
//!
//! * Set-Cookie lines as a user pastes them (with or without the `Set-Cookie:`
//!   name), from arguments or from standard input.
//! * Scenario files (DESIGN.md §5): the one reader of the format.
//! * The browser oracle's golden traces (DESIGN.md §6, as recorded).
//! * Bulk audit input, read lazily with bounded memory: audit lines v1
//!   (DESIGN.md §7) and WARC files (`response` records).
//! * HAR 1.2 files, streamed entry by entry ([`read_har`]).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod audit_lines;
mod golden;
mod har;
pub mod json_elide;
mod scenario;
mod set_cookie_lines;
pub mod warc;

pub use audit_lines::{
    AuditItem, AuditLines, AuditRecord, MAX_AUDIT_LINE_BYTES, Position, ReadError, parse_audit_line,
};
pub use golden::{
    Golden, GoldenCookie, GoldenFetch, GoldenRequest, GoldenRun, GoldenStep, SentCookie,
    parse_golden,
};
pub use har::{
    HarCookie, HarEntry, HarError, HarHeader, HarInitiator, HarMeta, HarPage, HarRequest,
    HarResponse, HarSoftware, HarSummary, MAX_HAR_FIELD_BYTES, MAX_HAR_HEADERS, MAX_HAR_PAGES,
    har_header, read_har, read_har_bytes,
};
pub use scenario::{
    Credentials, Expect, KNOWN_BROWSERS, LoadAs, MAX_SCENARIO_BYTES, ResponseSpec, Scenario,
    ScenarioError, Step, StepKind, parse_scenario,
};
pub use set_cookie_lines::{
    InputError, MAX_INPUT_BYTES, MAX_LINE_BYTES, SetCookieLine, read_set_cookie_lines,
    set_cookie_line,
};
pub use warc::{WarcRecords, decompress_if_gzip, is_gzip};
