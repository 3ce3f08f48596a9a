//! RFC 6265bis cookies, as a user agent processes them.
//!
//! * [`parse_set_cookie`]: the Set-Cookie parser (§5.6), borrowing and allocation-free.
//! * [`parse_cookie_date`]: the cookie-date algorithm (§5.1.1).
//! * [`CookieJar`]: the storage model (§5.7) and retrieval (§5.8), where every
//!   refusal carries a [`Reason`].
//!
//! Nothing here does I/O or reads a clock: time, the Public Suffix List and the
//! [`Policy`] are passed in through [`Env`]. Browser policy (SameSite contexts,
//! third-party blocking, partitions) is decided by the caller and handed over in
//! [`SetContext`] and [`GetContext`].
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod date;
mod jar;
mod parse;
mod policy;
mod reason;
mod request;
mod time;

pub use date::parse_cookie_date;
pub use jar::{
    Cookie, CookieJar, Env, Excluded, Retrieval, Retrieved, SetOutcome, default_path, path_match,
};
pub use parse::{
    DomainFacts, MAX_ATTRIBUTE_VALUE_OCTETS, MAX_NAME_VALUE_OCTETS, ParseError, ParseNotes,
    PathAttribute, SameSite, SetCookie, SharedFields, parse_set_cookie,
};
pub use policy::{EvictionLimit, NonAsciiDomain, Policy};
pub use reason::{
    Prefix, PrefixRequirement, REASONS, Reason, ReasonInfo, Reasons, lookup as lookup_reason,
};
pub use request::{Api, CookieUrl, GetContext, PartitionKey, SetContext, is_safe_method};
/// `reasons![Reason::A, Reason::B]`: a [`Reasons`] list, as `vec!` makes a `Vec`.
pub use smallvec::smallvec as reasons;
pub use time::{FOUR_HUNDRED_DAYS, Time};

#[cfg(test)]
mod tests;
