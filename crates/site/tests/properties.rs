//! Property tests: host canonicalisation never panics, and a canonical host
//! parses back to itself from its display form.

use cookie_doctor_site::{BuiltinPsl, Host, PublicSuffixList, explain_host};
use proptest::prelude::*;

/// Host-like text: labels of letters (both cases), digits, hyphens, `xn--`,
/// non-ASCII letters, dots, brackets and colons, so that the IDNA, IPv4 and IPv6
/// paths are all reached.
fn host_ish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z0-9-]{1,10}",
        Just(".".to_string()),
        Just("xn--".to_string()),
        Just("0x".to_string()),
        "[0-9]{1,4}",
        "[\\[\\]:%]",
        "[éßÅ一ｆΣ\u{200d}\u{fe0f}]{1,3}",
        Just("github.io".to_string()),
        Just("co.uk".to_string()),
        Just("localhost".to_string()),
    ];
    proptest::collection::vec(piece, 1..10).prop_map(|p| p.concat())
}

fn check(input: &str) -> Result<(), TestCaseError> {
    if let Ok(host) = Host::parse(input) {
        let shown = host.to_string();
        let again = Host::parse(&shown);
        prop_assert_eq!(
            again.as_ref(),
            Ok(&host),
            "{:?} → {:?} does not parse back to itself",
            input,
            shown
        );
        // The PSL lookups on a canonical host do not panic either.
        if let Some(domain) = host.domain()
            && let Some(registrable) = BuiltinPsl.registrable_domain(domain)
        {
            prop_assert!(domain.ends_with(registrable));
        }
        let _ = explain_host(&host, &BuiltinPsl);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn host_parse_is_total_and_idempotent_on_any_string(input in any::<String>()) {
        check(&input)?;
    }

    #[test]
    fn host_parse_is_total_and_idempotent_on_host_like_text(input in host_ish()) {
        check(&input)?;
    }
}
