//! Rules about the Set-Cookie lines themselves and where they are delivered.

mod samesite_none_without_secure;

use super::Rule;

/// The rules of this area, in report order.
pub fn rules() -> Vec<&'static dyn Rule> {
    vec![&samesite_none_without_secure::SameSiteNoneWithoutSecure]
}
