//! Hosts, origins, registrable domains and sites, as browsers compute them for cookies.
//!
//! * [`Host`]: a canonical host (lowercase ASCII domain after IDNA, or an IP literal),
//!   RFC 6265bis §5.1.2 "canonicalized host names".
//! * [`PublicSuffixList`]: the small trait behind which the Public Suffix List lives;
//!   [`BuiltinPsl`] is the list compiled into the `psl` crate, [`FilePsl`] a list the
//!   user supplies at run time.
//! * [`Origin`] and [`Site`]: the HTML spec's tuple origin and schemeful site, so that
//!   "same-origin" and "same-site" are type-checked questions, not string comparisons.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod host;
mod origin;
mod public_suffix;
mod site;

pub use host::{Host, HostError, domain_match};
pub use origin::{Origin, OriginError, Scheme};
pub use public_suffix::{
    BuiltinPsl, FilePsl, PslError, PslSection, PublicSuffix, PublicSuffixList,
};
pub use site::{RegistrableDomain, Site, SiteExplanation, explain_host};
