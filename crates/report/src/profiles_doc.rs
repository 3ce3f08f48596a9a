//! docs/profiles.md: the browser profiles side by side, rendered from the typed
//! [`Profile`] values the engine runs (not from the TOML text), with the source
//! of every value.

use std::fmt::Write as _;

use cookie_doctor_cookie::EvictionLimit;
use cookie_doctor_profiles::Profile;

/// One knob of a profile file: its path (as in [`Profile::sources`]) and what it
/// means in plain English.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Knob {
    /// The knob's path in a profile file, e.g. `same_site.lax_by_default`.
    pub path: &'static str,
    /// What the knob means, in one line of Markdown.
    pub meaning: &'static str,
}

/// Every knob, in the order of the profile files (cookies, same_site,
/// third_party, partitioned, fetch).
pub const KNOBS: &[Knob] = &[
    Knob {
        path: "cookies.reject_public_suffixes",
        meaning: "A cookie whose `Domain` is a public suffix (`github.io`, `co.uk`) is refused.",
    },
    Knob {
        path: "cookies.max_age_limit_days",
        meaning: "Expiry is capped at this many days from now (`none`: no cap).",
    },
    Knob {
        path: "cookies.non_ascii_domain",
        meaning: "A `Domain` with non-ASCII characters: `reject` ignores the cookie, `canonicalize` converts it to punycode and goes on.",
    },
    Knob {
        path: "cookies.samesite_none_requires_secure",
        meaning: "`SameSite=None` without `Secure` is refused.",
    },
    Knob {
        path: "cookies.loopback_is_secure",
        meaning: "`http://localhost` (and 127.0.0.1, `::1`) counts as secure: it may set and receive `Secure` cookies.",
    },
    Knob {
        path: "cookies.http_prefixes",
        meaning: "The `__Http-` and `__Host-Http-` name prefixes are enforced (`HttpOnly` and `Secure`, set over HTTP); `no` treats them as ordinary names.",
    },
    Knob {
        path: "cookies.host_prefix_requires_path_attribute",
        meaning: "A `__Host-` cookie needs an explicit `Path=/` attribute; `no` only checks that its path ends up `/`.",
    },
    Knob {
        path: "cookies.nameless_value_becomes_name",
        meaning: "`Set-Cookie: token` (no `=`) makes `token` the name with an empty value; `no` makes a nameless cookie whose value is `token`.",
    },
    Knob {
        path: "cookies.reject_tab_in_name_or_value",
        meaning: "A tab inside a cookie's name or value gets the cookie refused.",
    },
    Knob {
        path: "cookies.reject_empty_name_with_equals",
        meaning: "`Set-Cookie: =value` (empty name) is refused; `no` stores a nameless cookie.",
    },
    Knob {
        path: "cookies.per_site_limit",
        meaning: "Cookies per site: more than the first number evicts (expired, then non-secure, then least recently used) down to the second.",
    },
    Knob {
        path: "cookies.total_limit",
        meaning: "The same over the whole cookie store.",
    },
    Knob {
        path: "same_site.lax_by_default",
        meaning: "A cookie without `SameSite` is treated as `Lax`; `no` treats it as `None`.",
    },
    Knob {
        path: "same_site.lax_allow_unsafe_seconds",
        meaning: "A cookie without `SameSite` younger than this many seconds still goes with a cross-site top-level POST (`none`: never).",
    },
    Knob {
        path: "same_site.schemeful",
        meaning: "`http://` and `https://` of one domain are different sites for `SameSite`.",
    },
    Knob {
        path: "same_site.redirect_chain",
        meaning: "A cross-site hop earlier in a redirect chain: `ignored`, `taints-strict` (withholds `Strict` cookies) or `taints-all` (the request is cross-site for every `SameSite` value).",
    },
    Knob {
        path: "third_party.cookies",
        meaning: "Cookies in a context of another site than the top-level page: `allow`, `block` (unpartitioned ones neither sent nor stored) or `partition` (a jar per top-level site).",
    },
    Knob {
        path: "third_party.schemeful",
        meaning: "Third-party checks compare the scheme too (`http://a.example` framed by `https://a.example` is third-party).",
    },
    Knob {
        path: "third_party.storage_access",
        meaning: "How far a Storage Access API grant reaches: `unsupported`, `document` (the document that asked) or `site-pair` (every frame of that site under that top-level site).",
    },
    Knob {
        path: "partitioned.supported",
        meaning: "The `Partitioned` attribute (CHIPS) puts the cookie in the jar of the top-level site; `no` ignores the attribute.",
    },
    Knob {
        path: "partitioned.requires_secure",
        meaning: "A `Partitioned` cookie without `Secure` is refused.",
    },
    Knob {
        path: "partitioned.ancestor_bit",
        meaning: "The partition key also records a cross-site frame above the current one, so A→B→A is a different partition from A→A.",
    },
    Knob {
        path: "partitioned.max_bytes_per_partition_site",
        meaning: "The most name+value bytes one site may keep in one partition (`none`: no limit).",
    },
    Knob {
        path: "fetch.cors_wildcard_covers_authorization",
        meaning: "`Access-Control-Allow-Headers: *` also allows the `Authorization` request header (Fetch says it never does).",
    },
    Knob {
        path: "fetch.frame_ancestors_ignore_paths",
        meaning: "A CSP `frame-ancestors` source with a path matches as if it had none; `no` makes it match no ancestor (CSP3).",
    },
];

/// The plain-English meaning of a knob, if one is written.
pub fn meaning(path: &str) -> Option<&'static str> {
    KNOBS.iter().find(|k| k.path == path).map(|k| k.meaning)
}

/// The loader's stand-in for "no age cap" (`max_age_limit_days = 0`) is
/// `i64::MAX / 4` seconds; anything that large is shown as `none`.
const NO_AGE_CAP: i64 = i64::MAX / 4;

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

fn limit(l: Option<EvictionLimit>) -> String {
    match l {
        Some(l) => format!("{} → {}", l.max, l.purge_to),
        None => "none".to_string(),
    }
}

/// A number the loader turns into `None` when the file says 0.
fn count<T: std::fmt::Display>(n: Option<T>) -> String {
    n.map_or_else(|| "none".to_string(), |n| n.to_string())
}

/// An enum's name as the profile files spell it (its serde kebab-case name).
fn kebab<T: serde::Serialize + std::fmt::Debug>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{value:?}"),
    }
}

fn max_age_days(seconds: i64) -> String {
    if seconds >= NO_AGE_CAP {
        "none".to_string()
    } else if seconds % 86_400 == 0 {
        (seconds / 86_400).to_string()
    } else {
        format!("{seconds} s")
    }
}

/// A knob's value in `profile`, read from the typed fields the engine uses;
/// `None` for a path this renderer does not know.
pub fn knob_value(profile: &Profile, path: &str) -> Option<String> {
    let p = &profile.policy;
    Some(match path {
        "cookies.reject_public_suffixes" => yes_no(p.reject_public_suffixes),
        "cookies.max_age_limit_days" => max_age_days(p.max_age_limit),
        "cookies.non_ascii_domain" => kebab(&p.non_ascii_domain),
        "cookies.samesite_none_requires_secure" => yes_no(p.samesite_none_requires_secure),
        "cookies.loopback_is_secure" => yes_no(p.loopback_is_secure),
        "cookies.http_prefixes" => yes_no(p.http_prefixes),
        "cookies.host_prefix_requires_path_attribute" => {
            yes_no(p.host_prefix_requires_path_attribute)
        }
        "cookies.nameless_value_becomes_name" => yes_no(p.nameless_value_becomes_name),
        "cookies.reject_tab_in_name_or_value" => yes_no(p.reject_tab_in_name_or_value),
        "cookies.reject_empty_name_with_equals" => yes_no(p.reject_empty_name_with_equals),
        "cookies.per_site_limit" => limit(p.per_site_limit),
        "cookies.total_limit" => limit(p.total_limit),
        "same_site.lax_by_default" => yes_no(p.lax_by_default),
        "same_site.lax_allow_unsafe_seconds" => count(p.lax_allow_unsafe_max_age),
        "same_site.schemeful" => yes_no(profile.schemeful_same_site),
        "same_site.redirect_chain" => kebab(&profile.redirect_chain),
        "third_party.cookies" => kebab(&profile.third_party_cookies),
        "third_party.schemeful" => yes_no(profile.third_party_schemeful),
        "third_party.storage_access" => kebab(&profile.storage_access),
        "partitioned.supported" => yes_no(profile.chips.supported),
        "partitioned.requires_secure" => yes_no(profile.chips.requires_secure),
        "partitioned.ancestor_bit" => yes_no(profile.chips.ancestor_bit),
        "partitioned.max_bytes_per_partition_site" => {
            count(profile.chips.max_bytes_per_partition_site)
        }
        "fetch.cors_wildcard_covers_authorization" => {
            yes_no(profile.cors_wildcard_covers_authorization)
        }
        "fetch.frame_ancestors_ignore_paths" => yes_no(profile.frame_ancestors_ignore_paths),
        _ => return None,
    })
}

/// The knobs to show: those of [`KNOBS`] that some profile sources, in file
/// order, then any sourced knob [`KNOBS`] does not list yet (shown without a
/// meaning, which the tests refuse).
pub fn knob_paths(profiles: &[Profile]) -> Vec<String> {
    let sourced = |path: &str| profiles.iter().any(|p| p.sources.contains_key(path));
    let mut out: Vec<String> = KNOBS
        .iter()
        .filter(|k| sourced(k.path))
        .map(|k| k.path.to_string())
        .collect();
    for profile in profiles {
        for path in profile.sources.keys() {
            if !out.contains(path) {
                out.push(path.clone());
            }
        }
    }
    out
}

/// Text for one Markdown table cell: no line breaks, no bare `|`.
fn cell(text: &str) -> String {
    text.replace('\n', " ").replace('|', "\\|")
}

fn value_or_unknown(profile: &Profile, path: &str) -> String {
    knob_value(profile, path).unwrap_or_else(|| "?".to_string())
}

/// Renders docs/profiles.md from the profiles (in the order given).
pub fn render_profiles(profiles: &[Profile]) -> String {
    let mut out = String::new();
    let knobs = knob_paths(profiles);
    out.push_str("# Browser profiles\n\n");
    out.push_str(
        "Generated from the profiles in `data/profiles/` by `UPDATE_DOCS=1 cargo test -p cookie-doctor-report --test profiles_doc_current`; a test keeps it current. \
         The values are the ones the engine runs, read from the loaded profiles rather than from the TOML text.\n\n",
    );
    out.push_str(
        "A browser profile is data, not code: the engine reads knobs, never a browser's name. \
         Adding a browser is adding a file under `data/profiles/` that gives every knob below a value *and* a source \
         (a golden recorded from the real browser, a browser source file, release notes, a specification); \
         a file with a knob missing, an unknown knob or an empty source is refused. \
         `cookie-doctor simulate SCENARIO --profile-file FILE --browser NAME` loads such a file and runs it; \
         to make it built in, also list it in `BUILTIN_FILES` in `crates/profiles/src/lib.rs`.\n\n",
    );
    out.push_str(
        "In the table, `yes`/`no` are switches, `180 → 150` is a limit (more than 180 evicts down to 150), \
         `none` is no limit or not applied, and other words are the values as the files spell them.\n\n",
    );

    out.push_str("| Knob |");
    for p in profiles {
        let _ = write!(out, " [{}](#{}) |", cell(&p.name), anchor(&p.name));
    }
    out.push_str(" Meaning |\n|---|");
    for _ in profiles {
        out.push_str("---|");
    }
    out.push_str("---|\n");
    for path in &knobs {
        let _ = write!(out, "| `{path}` |");
        for p in profiles {
            let _ = write!(out, " {} |", cell(&value_or_unknown(p, path)));
        }
        let _ = writeln!(
            out,
            " {} |",
            cell(meaning(path).unwrap_or("(no meaning written)"))
        );
    }

    for p in profiles {
        let models = p.models.trim();
        let stop = if models.ends_with(['.', '!', '?']) {
            ""
        } else {
            "."
        };
        let _ = write!(out, "\n## {}\n\n{models}{stop}\n\n", p.name);
        for path in &knobs {
            let source = p.source_of(path).unwrap_or("(no source)");
            let _ = writeln!(
                out,
                "- `{path}` — {} — {}",
                value_or_unknown(p, path),
                source.replace('\n', " ")
            );
        }
    }
    out
}

/// The GitHub anchor of a heading made of a profile name.
fn anchor(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' | '-' | '_' => Some(c),
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            ' ' => Some('-'),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sourced_knob_has_a_meaning_and_a_value() {
        let profiles = cookie_doctor_profiles::builtin();
        assert!(!profiles.is_empty());
        for profile in &profiles {
            for path in profile.sources.keys() {
                assert!(
                    meaning(path).is_some(),
                    "{}: knob `{path}` has no meaning in KNOBS (crates/report/src/profiles_doc.rs)",
                    profile.name
                );
                assert!(
                    knob_value(profile, path).is_some(),
                    "{}: knob `{path}` has no value in knob_value",
                    profile.name
                );
            }
        }
    }

    #[test]
    fn every_listed_knob_is_a_real_knob() {
        let profiles = cookie_doctor_profiles::builtin();
        for knob in KNOBS {
            assert!(
                profiles.iter().all(|p| p.sources.contains_key(knob.path)),
                "`{}` is in KNOBS but not in every profile's sources",
                knob.path
            );
            assert!(!knob.meaning.trim().is_empty(), "`{}`", knob.path);
            assert!(!knob.meaning.contains('\n'), "`{}`", knob.path);
        }
    }

    #[test]
    fn an_unlisted_knob_is_shown_without_a_meaning() {
        let mut profiles = cookie_doctor_profiles::builtin();
        let first = profiles.first_mut().unwrap();
        first
            .sources
            .insert("cookies.new_knob".to_string(), "a source".to_string());
        assert!(meaning("cookies.new_knob").is_none());
        let doc = render_profiles(&profiles);
        assert!(doc.contains("| `cookies.new_knob` |"), "{doc}");
        assert!(doc.contains("(no meaning written)"), "{doc}");
    }

    #[test]
    fn values_are_formatted_from_the_typed_fields() {
        let profiles = cookie_doctor_profiles::builtin();
        let by = |name: &str| profiles.iter().find(|p| p.name == name).unwrap();
        let chrome = by("chrome");
        let safari = by("safari");
        let spec = by("rfc6265bis");
        let v = |p: &Profile, k: &str| knob_value(p, k).unwrap();
        assert_eq!(v(chrome, "cookies.per_site_limit"), "180 → 150");
        assert_eq!(v(chrome, "cookies.max_age_limit_days"), "400");
        assert_eq!(v(safari, "cookies.max_age_limit_days"), "none");
        assert_eq!(v(chrome, "same_site.lax_allow_unsafe_seconds"), "120");
        assert_eq!(v(spec, "same_site.lax_allow_unsafe_seconds"), "none");
        assert_eq!(
            v(safari, "partitioned.max_bytes_per_partition_site"),
            "none"
        );
        assert_eq!(v(chrome, "same_site.lax_by_default"), "yes");
        assert_eq!(v(safari, "same_site.lax_by_default"), "no");
        assert_eq!(v(chrome, "third_party.cookies"), "allow");
        assert_eq!(v(by("firefox"), "third_party.storage_access"), "site-pair");
        assert_eq!(v(by("firefox"), "same_site.redirect_chain"), "taints-all");
        assert_eq!(v(spec, "cookies.non_ascii_domain"), "reject");
    }

    #[test]
    fn the_table_has_a_row_per_knob_in_file_order() {
        let profiles = cookie_doctor_profiles::builtin();
        let doc = render_profiles(&profiles);
        let rows: Vec<&str> = doc
            .lines()
            .filter(|l| l.starts_with("| `"))
            .filter_map(|l| l.split('`').nth(1))
            .collect();
        let expected: Vec<&str> = KNOBS.iter().map(|k| k.path).collect();
        assert_eq!(rows, expected);
        for p in &profiles {
            assert!(doc.contains(&format!("\n## {}\n", p.name)));
        }
    }
}
