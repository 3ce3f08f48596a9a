//! The Public Suffix List behind a small trait.
//!
//! Browsers use both sections of the list for cookies (Chromium
//! `GetDomainAndRegistry(…, INCLUDE_PRIVATE_REGISTRIES)`), so `a.github.io` and
//! `b.github.io` are different sites. A name whose last label is on no rule falls
//! under the list's implicit `*` rule: its last label is the public suffix. That is
//! why WPT's `web-platform.test` works as a site in every browser.

use std::path::Path;

use psl_types::List as _;

/// Which part of the list decided a public suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PslSection {
    /// A rule of the ICANN section (`com`, `co.uk`).
    Icann,
    /// A rule of the PRIVATE section (`github.io`, `vercel.app`).
    Private,
    /// No rule matched: the implicit `*` rule made the last label the suffix.
    Implicit,
}

/// The public suffix of a domain: its length in bytes (a suffix of the input)
/// and the section of the rule that matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicSuffix {
    /// Length in bytes of the suffix at the end of the domain that was looked up.
    pub len: usize,
    /// Which section of the list the deciding rule is in.
    pub section: PslSection,
}

/// A Public Suffix List. Inputs are canonical domains (lowercase ASCII A-labels).
pub trait PublicSuffixList: Send + Sync {
    /// The public suffix of `domain`, or `None` when the domain has none (empty
    /// input, or a name the list cannot read).
    fn public_suffix(&self, domain: &str) -> Option<PublicSuffix>;

    /// Whether `domain` is itself a public suffix (for example `com`, `github.io`).
    fn is_public_suffix(&self, domain: &str) -> bool {
        self.public_suffix(domain)
            .is_some_and(|s| s.len == domain.len())
    }

    /// The registrable domain (eTLD+1) of `domain`, or `None` when the domain is
    /// itself a public suffix.
    fn registrable_domain<'a>(&self, domain: &'a str) -> Option<&'a str> {
        let suffix = self.public_suffix(domain)?;
        if suffix.len >= domain.len() {
            return None;
        }
        // The label before the suffix, plus the suffix.
        let head = domain.get(..domain.len() - suffix.len - 1)?;
        let start = head.rfind('.').map_or(0, |i| i + 1);
        let registrable = domain.get(start..)?;
        // "a..com": an empty label is no registrable domain.
        if registrable.starts_with('.') {
            None
        } else {
            Some(registrable)
        }
    }
}

fn from_info(info: Option<psl_types::Suffix<'_>>) -> Option<PublicSuffix> {
    let suffix = info?;
    let section = match suffix.typ() {
        Some(psl_types::Type::Icann) => PslSection::Icann,
        Some(psl_types::Type::Private) => PslSection::Private,
        None => PslSection::Implicit,
    };
    let section = if suffix.is_known() {
        section
    } else {
        PslSection::Implicit
    };
    Some(PublicSuffix {
        len: suffix.as_bytes().len(),
        section,
    })
}

/// The list compiled into the `psl` crate (updated with its releases).
#[derive(Clone, Copy, Debug, Default)]
pub struct BuiltinPsl;

impl PublicSuffixList for BuiltinPsl {
    fn public_suffix(&self, domain: &str) -> Option<PublicSuffix> {
        // One analysis asks about the same few hosts hundreds of times (every
        // simulated request and Set-Cookie): the last answers are kept per
        // thread. The list is compiled in, so an answer never goes stale.
        RECENT_SUFFIXES.with(|recent| {
            let mut recent = recent.borrow_mut();
            if let Some(hit) = recent.find(domain) {
                return hit;
            }
            let answer = from_info(psl::List.suffix(domain.as_bytes()));
            recent.insert(domain, answer);
            answer
        })
    }
}

/// How many recent answers of [`BuiltinPsl`] each thread keeps.
const RECENT_CAPACITY: usize = 16;
/// Domains longer than this are looked up every time (not worth a copy).
const RECENT_MAX_LEN: usize = 128;

/// The last answers of the built-in list, replaced in turn.
#[derive(Default)]
struct RecentSuffixes {
    entries: Vec<(Box<str>, Option<PublicSuffix>)>,
    next: usize,
}

impl RecentSuffixes {
    fn find(&self, domain: &str) -> Option<Option<PublicSuffix>> {
        self.entries
            .iter()
            .find(|(d, _)| **d == *domain)
            .map(|(_, answer)| *answer)
    }

    fn insert(&mut self, domain: &str, answer: Option<PublicSuffix>) {
        if domain.len() > RECENT_MAX_LEN {
            return;
        }
        let entry = (Box::from(domain), answer);
        if self.entries.len() < RECENT_CAPACITY {
            self.entries.push(entry);
        } else if let Some(slot) = self.entries.get_mut(self.next) {
            *slot = entry;
            self.next = (self.next + 1) % RECENT_CAPACITY;
        }
    }
}

thread_local! {
    static RECENT_SUFFIXES: std::cell::RefCell<RecentSuffixes> =
        std::cell::RefCell::new(RecentSuffixes::default());
}

/// A list read at run time, e.g. from `--psl-file public_suffix_list.dat`.
pub struct FilePsl {
    list: publicsuffix::List,
}

/// Why a Public Suffix List file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PslError {
    /// The file could not be read.
    #[error("cannot read the public suffix list {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The text is not a public suffix list.
    #[error("{origin} is not a valid public suffix list: {message}")]
    Invalid {
        /// The file or "input".
        origin: String,
        /// What the reader said.
        message: String,
    },
}

/// Largest list file we read (the real one is ~300 KB).
const MAX_PSL_FILE: u64 = 16 * 1024 * 1024;

impl FilePsl {
    /// Parses list text in the `public_suffix_list.dat` format (with its
    /// `===BEGIN ICANN DOMAINS===` / `===BEGIN PRIVATE DOMAINS===` markers).
    pub fn parse(text: &str, origin: &str) -> Result<FilePsl, PslError> {
        let list: publicsuffix::List =
            text.parse()
                .map_err(|e: publicsuffix::Error| PslError::Invalid {
                    origin: origin.to_string(),
                    message: e.to_string(),
                })?;
        Ok(FilePsl { list })
    }

    /// Reads and parses a list file.
    pub fn from_file(path: &Path) -> Result<FilePsl, PslError> {
        let shown = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|source| PslError::Io {
            path: shown.clone(),
            source,
        })?;
        if meta.len() > MAX_PSL_FILE {
            return Err(PslError::Invalid {
                origin: shown,
                message: format!("the file is {} bytes, more than {MAX_PSL_FILE}", meta.len()),
            });
        }
        let text = std::fs::read_to_string(path).map_err(|source| PslError::Io {
            path: shown.clone(),
            source,
        })?;
        FilePsl::parse(&text, &shown)
    }
}

impl PublicSuffixList for FilePsl {
    fn public_suffix(&self, domain: &str) -> Option<PublicSuffix> {
        from_info(self.list.suffix(domain.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_answers_equal_the_list() {
        // More distinct domains than the per-thread memory holds, asked in
        // turn three times: every answer is the list's own.
        let domains: Vec<String> = (0..40)
            .map(|i| match i % 4 {
                0 => format!("a{i}.example.co.uk"),
                1 => format!("b{i}.github.io"),
                2 => format!("c{i}.localhost"),
                _ => format!("co{i}.uk"),
            })
            .chain([
                "com".to_string(),
                "github.io".to_string(),
                "x".repeat(200) + ".com",
            ])
            .collect();
        for round in 0..3 {
            for d in &domains {
                let direct = from_info(psl::List.suffix(d.as_bytes()));
                assert_eq!(BuiltinPsl.public_suffix(d), direct, "{d} in round {round}");
            }
        }
    }

    #[test]
    fn builtin_list_has_both_sections_and_implicit_rule() {
        let psl = BuiltinPsl;
        assert_eq!(
            psl.public_suffix("example.co.uk").unwrap(),
            PublicSuffix {
                len: 5,
                section: PslSection::Icann
            }
        );
        assert_eq!(
            psl.public_suffix("a.github.io").unwrap().section,
            PslSection::Private
        );
        assert_eq!(psl.registrable_domain("x.a.github.io"), Some("a.github.io"));
        assert_eq!(
            psl.registrable_domain("www.web-platform.test"),
            Some("web-platform.test")
        );
        assert_eq!(
            psl.public_suffix("web-platform.test").unwrap().section,
            PslSection::Implicit
        );
        assert!(psl.is_public_suffix("github.io"));
        assert!(psl.is_public_suffix("com"));
        assert!(!psl.is_public_suffix("example.com"));
        assert_eq!(psl.registrable_domain("com"), None);
        assert_eq!(psl.registrable_domain("a..com"), None);
        assert_eq!(
            psl.registrable_domain("www.example.com."),
            Some("example.com.")
        );
    }

    #[test]
    fn file_list_reads_sections_and_rules() {
        let text = "// ===BEGIN ICANN DOMAINS===\ncom\n*.ck\n!www.ck\n// ===END ICANN DOMAINS===\n\
                    // ===BEGIN PRIVATE DOMAINS===\nblogspot.com\n// ===END PRIVATE DOMAINS===\n";
        let psl = FilePsl::parse(text, "test").unwrap();
        assert_eq!(
            psl.registrable_domain("a.b.blogspot.com"),
            Some("b.blogspot.com")
        );
        assert_eq!(
            psl.public_suffix("b.blogspot.com").unwrap().section,
            PslSection::Private
        );
        assert_eq!(psl.registrable_domain("www.ck"), Some("www.ck"));
        assert_eq!(psl.registrable_domain("a.b.ck"), Some("a.b.ck"));
        assert!(psl.is_public_suffix("b.ck"));
    }
}
