//! The shape cache of bulk audits: responses that differ only in opaque
//! tokens — a session id's value, the last segment of a URL's path — get the
//! same diagnosis with those tokens swapped, so the diagnosis is computed once
//! per *shape* and reused.
//!
//! A response's shape is the response with each such token replaced by a
//! stand-in of the same length. Which tokens may vary, and why the diagnosis
//! cannot depend on them:
//!
//! * **cookie values** made only of `[A-Za-z0-9._-]` and at least
//!   [`MIN_VALUE_LEN`] bytes long. Every such byte is a `cookie-octet`
//!   (RFC 6265bis §4.1.1) that no browser profile treats specially, nothing in
//!   the rules or the fix snippets escapes it, and the stand-in keeps the length
//!   (the name + value size limit of RFC 6265bis §5.7 step 4 depends on it).
//!   Two lines with the same value get the same stand-in, so equal lines stay
//!   equal.
//! * **the last path segment** of the URL, made of `[A-Za-z0-9._~-]`, at least
//!   [`MIN_SEGMENT_LEN`] bytes, when no line's `Path` attribute is longer than
//!   the URL's directory (RFC 6265bis §5.1.4: path-match then depends on the
//!   directory only; the default-path of §5.1.4 is the directory) and the
//!   stand-in path gives the same answer to the one rule that reads the path
//!   (a sign-in callback, `lax-cookie-lost-on-cross-site-post`).
//!
//! Stand-ins come from an alphabet without vowels, so they spell none of the
//! words the rules look for. And a shape is trusted only after a check: the
//! first response of a shape is diagnosed in full and the shape noted; on its
//! second response the diagnosis is computed twice, once on the real response
//! and once on the shape, and the shape's findings, tokens swapped back, must
//! equal the real findings exactly — otherwise the shape is marked uncacheable
//! and every response of that shape is computed in full. (Waiting for the
//! second response keeps the cache nearly free on crawls where most shapes
//! occur once.) `audit --no-cache` turns
//! the cache off; a test runs a corpus both ways and compares.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex};

use crate::finding::Finding;

/// Shortest cookie value that is treated as an opaque token.
pub const MIN_VALUE_LEN: usize = 8;
/// Shortest last path segment that is treated as an opaque token.
pub const MIN_SEGMENT_LEN: usize = 6;
/// Stand-in bytes: letters without vowels (and `y`), and digits.
const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxzBCDFGHJKLMNPQRSTVWXZ0123456789";

/// The shape of a response: the key of the cache.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ShapeKey(String);

/// A response reduced to its shape, with the tokens it took out.
#[derive(Clone, Debug)]
pub struct Shape {
    /// The cache key.
    pub key: ShapeKey,
    /// The Set-Cookie values with stand-ins.
    pub lines: Vec<String>,
    /// The URL with its stand-in segment.
    pub url: String,
    /// (stand-in, real) pairs.
    pub swaps: Vec<(String, String)>,
}

fn is_value_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')
}

fn is_segment_byte(b: u8) -> bool {
    is_value_byte(b) || b == b'~'
}

/// The `index`-th stand-in of `len` bytes (splitmix64 over the index).
fn stand_in(index: u64, len: usize) -> String {
    let mut state = index.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut out = String::with_capacity(len);
    while out.len() < len {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let pick = usize::try_from(z % ALPHABET.len() as u64).unwrap_or(0);
        out.push(char::from(ALPHABET.get(pick).copied().unwrap_or(b'b')));
    }
    out
}

/// The byte range of a Set-Cookie value's cookie-value (RFC 6265bis §5.6
/// steps 1–5: up to the first `;`, after the first `=`, whitespace trimmed).
fn value_span(line: &str) -> Option<(usize, usize)> {
    let pair_end = line.find(';').unwrap_or(line.len());
    let pair = line.get(..pair_end)?;
    let eq = pair.find('=')?;
    let raw = pair.get(eq + 1..)?;
    let lead = raw.len() - raw.trim_start_matches([' ', '\t']).len();
    let trimmed = raw.trim_matches([' ', '\t']);
    let start = eq + 1 + lead;
    Some((start, start + trimmed.len()))
}

/// The longest `Path` attribute value of a line (any attribute named `path`,
/// RFC 6265bis §5.6 step 8), in bytes.
fn longest_path_attribute(line: &str) -> usize {
    line.split(';')
        .skip(1)
        .filter_map(|attr| {
            let (name, value) = attr.split_once('=').unwrap_or((attr, ""));
            name.trim()
                .eq_ignore_ascii_case("path")
                .then(|| value.trim().len())
        })
        .max()
        .unwrap_or(0)
}

/// Reduces a response to its shape. `path_feature` is the rules' one question
/// about the path (see the module docs); `other` is everything else the
/// diagnosis reads (headers, deployment), verbatim.
pub fn shape_of(
    url: &url::Url,
    lines: &[String],
    other: &str,
    path_feature: impl Fn(&str) -> bool,
) -> Shape {
    let mut key = String::with_capacity(256);
    let mut swaps: Vec<(String, String)> = Vec::new();
    let mut shaped_lines = Vec::with_capacity(lines.len());
    for line in lines {
        let templated = value_span(line).and_then(|(start, end)| {
            let value = line.get(start..end)?;
            if value.len() < MIN_VALUE_LEN || !value.bytes().all(is_value_byte) {
                return None;
            }
            let token = match swaps.iter().find(|(_, real)| real == value) {
                Some((token, _)) => token.clone(),
                None => {
                    let token = stand_in(swaps.len() as u64, value.len());
                    swaps.push((token.clone(), value.to_string()));
                    token
                }
            };
            Some(format!(
                "{}{}{}",
                line.get(..start)?,
                token,
                line.get(end..)?
            ))
        });
        let shaped = templated.unwrap_or_else(|| line.clone());
        key.push_str(&shaped);
        key.push('\n');
        shaped_lines.push(shaped);
    }

    let mut shaped_url = url.as_str().to_string();
    let path = url.path();
    if let Some(slash) = path.rfind('/') {
        let segment = path.get(slash + 1..).unwrap_or("");
        let dir_len = slash + 1;
        let paths_fit = lines.iter().all(|l| longest_path_attribute(l) <= dir_len);
        if segment.len() >= MIN_SEGMENT_LEN
            && segment.bytes().all(is_segment_byte)
            && paths_fit
            && swaps.iter().all(|(_, real)| real != segment)
        {
            let token = stand_in(swaps.len() as u64 + 1000, segment.len());
            let mut rep = url.clone();
            let dir = path.get(..dir_len).unwrap_or("/");
            rep.set_path(&format!("{dir}{token}"));
            if path_feature(path) == path_feature(rep.path()) {
                shaped_url = rep.as_str().to_string();
                swaps.push((token, segment.to_string()));
            }
        }
    }
    key.push_str(&shaped_url);
    key.push('\n');
    key.push_str(other);
    Shape {
        key: ShapeKey(key),
        lines: shaped_lines,
        url: shaped_url,
        swaps,
    }
}

/// Swaps every stand-in of `swaps` (stand-in, real) for its real token in
/// every string of the findings.
pub fn swap_in(findings: &mut [Finding], swaps: &[(String, String)]) {
    if swaps.is_empty() {
        return;
    }
    let apply = |s: &mut String| {
        for (token, real) in swaps {
            if s.contains(token.as_str()) {
                *s = s.replace(token.as_str(), real);
            }
        }
    };
    for f in findings {
        apply(&mut f.message);
        if let Some(cookie) = &mut f.cookie {
            apply(cookie);
        }
        f.evidence.iter_mut().for_each(apply);
        if let Some(fix) = &mut f.fix {
            apply(&mut fix.header);
            apply(&mut fix.reason);
            fix.snippets.values_mut().for_each(apply);
        }
    }
}

/// What the cache knows about a shape.
#[derive(Debug)]
enum Entry {
    /// One response of this shape has been diagnosed (in full); a second one
    /// makes the shape worth checking and keeping.
    SeenOnce,
    /// The shape's findings, with stand-ins.
    Findings(Vec<Finding>),
    /// The check failed: compute every response of this shape in full.
    Uncacheable,
}

/// A bounded, sharded map from shape to findings, shared by worker threads.
pub struct ShapeCache {
    shards: Vec<Mutex<HashMap<ShapeKey, Arc<Entry>>>>,
    per_shard: usize,
    hasher: std::collections::hash_map::RandomState,
}

/// The cache's answer for a shape.
pub enum Lookup {
    /// Findings with stand-ins: swap the tokens in.
    Hit(Vec<Finding>),
    /// Known not to be cacheable.
    Uncacheable,
    /// Seen once: worth checking now.
    SeenOnce,
    /// Not seen yet.
    Miss,
}

impl ShapeCache {
    /// A cache of about `capacity` shapes (a full shard is emptied and refilled,
    /// which keeps memory bounded however many shapes pass).
    pub fn new(capacity: usize) -> ShapeCache {
        let shards = 16;
        ShapeCache {
            shards: (0..shards).map(|_| Mutex::new(HashMap::new())).collect(),
            per_shard: (capacity / shards).max(1),
            hasher: std::collections::hash_map::RandomState::new(),
        }
    }

    fn shard(&self, key: &ShapeKey) -> Option<&Mutex<HashMap<ShapeKey, Arc<Entry>>>> {
        let hash = self.hasher.hash_one(key);
        let index = usize::try_from(hash % self.shards.len() as u64).unwrap_or(0);
        self.shards.get(index)
    }

    /// Looks a shape up.
    pub fn get(&self, key: &ShapeKey) -> Lookup {
        let Some(shard) = self.shard(key) else {
            return Lookup::Miss;
        };
        let entry = match shard.lock() {
            Ok(map) => map.get(key).cloned(),
            Err(_) => None,
        };
        match entry.as_deref() {
            Some(Entry::Findings(f)) => Lookup::Hit(f.clone()),
            Some(Entry::Uncacheable) => Lookup::Uncacheable,
            Some(Entry::SeenOnce) => Lookup::SeenOnce,
            None => Lookup::Miss,
        }
    }

    /// Records a shape's findings (`None`: uncacheable).
    pub fn put(&self, key: ShapeKey, findings: Option<Vec<Finding>>) {
        self.insert(
            key,
            match findings {
                Some(f) => Entry::Findings(f),
                None => Entry::Uncacheable,
            },
        );
    }

    /// Records that one response of this shape was diagnosed in full.
    pub fn seen(&self, key: ShapeKey) {
        self.insert(key, Entry::SeenOnce);
    }

    fn insert(&self, key: ShapeKey, entry: Entry) {
        let Some(shard) = self.shard(&key) else {
            return;
        };
        if let Ok(mut map) = shard.lock() {
            if map.len() >= self.per_shard {
                map.clear();
            }
            map.insert(key, Arc::new(entry));
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn url(s: &str) -> url::Url {
        url::Url::parse(s).unwrap()
    }

    #[test]
    fn values_of_the_same_length_share_a_shape() {
        let a = shape_of(
            &url("https://e.com/a/page1234"),
            &["sid=abcdef123456; Secure".into()],
            "",
            |_| false,
        );
        let b = shape_of(
            &url("https://e.com/a/other567"),
            &["sid=zyxwvu987654; Secure".into()],
            "",
            |_| false,
        );
        assert_eq!(a.key, b.key);
        assert_eq!(a.swaps.len(), 2);
        assert!(!a.lines[0].contains("abcdef123456"));
        assert_eq!(a.lines[0].len(), "sid=abcdef123456; Secure".len());
    }

    #[test]
    fn short_or_unusual_values_and_lengths_stay_in_the_key() {
        let one = |line: &str| shape_of(&url("https://e.com/"), &[line.into()], "", |_| false).key;
        assert_ne!(one("a=1"), one("a=2"));
        assert_ne!(one("a=abcdefgh"), one("a=abcdefghi"));
        assert_ne!(one("a=abc%20defgh"), one("a=abc%21defgh"));
    }

    #[test]
    fn equal_values_get_one_stand_in() {
        let s = shape_of(
            &url("https://e.com/"),
            &["a=abcdefgh1".into(), "b=abcdefgh1".into()],
            "",
            |_| false,
        );
        assert_eq!(s.swaps.len(), 1);
        let t = shape_of(
            &url("https://e.com/"),
            &["a=abcdefgh1".into(), "b=abcdefgh2".into()],
            "",
            |_| false,
        );
        assert_ne!(s.key, t.key);
    }

    #[test]
    fn a_long_path_attribute_keeps_the_segment() {
        let s = shape_of(
            &url("https://e.com/app/dashboard"),
            &["a=1; Path=/app/dashboard".into()],
            "",
            |_| false,
        );
        assert_eq!(s.url, "https://e.com/app/dashboard");
        let t = shape_of(
            &url("https://e.com/app/dashboard"),
            &["a=1; Path=/app/".into()],
            "",
            |_| false,
        );
        assert_ne!(t.url, "https://e.com/app/dashboard");
        assert!(t.url.starts_with("https://e.com/app/"));
    }

    #[test]
    fn the_path_feature_must_agree() {
        let s = shape_of(&url("https://e.com/auth/callback"), &[], "", |p| {
            p.contains("callback")
        });
        assert_eq!(s.url, "https://e.com/auth/callback");
    }

    #[test]
    fn stand_ins_have_no_vowels() {
        for i in 0..100 {
            let s = stand_in(i, 20);
            assert_eq!(s.len(), 20);
            assert!(!s.chars().any(|c| "aeiouyAEIOUY".contains(c)));
        }
    }
}
