//! Placeholder: the rules of this area are being written.

use super::Rule;

/// The rules of this area, in report order.
pub fn rules() -> Vec<&'static dyn Rule> {
    Vec::new()
}
