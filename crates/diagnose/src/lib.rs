//! Diagnosis: from what the engine decided to what the user reads.
//!
//! * [`check`]: `cookie-doctor check`: apply one response's Set-Cookie lines to a
//!   jar and report, per cookie, stored or not, sent or not, and why (the check
//!   JSON v1 of DESIGN.md §7).
//! * [`site`]: `cookie-doctor site`: a host's public suffix, registrable domain and
//!   schemeful site, and whether two URLs are same-site and same-origin.
//! * [`har`]: `cookie-doctor har`: replay a HAR export through the engine and
//!   compare the model's Cookie headers with the browser's.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod audit;
pub mod check;
pub mod finding;
pub mod fix;
pub mod har;
pub mod matrix;
pub mod memo;
pub mod rules;
pub mod site;
pub mod snippets;
