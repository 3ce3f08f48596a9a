//! HAR 1.2 files (W3C Web Performance WG draft "HTTP Archive (HAR) format",
//! version 1.2), read as a stream: `log.entries` is handed to a callback one
//! entry at a time, so a 1 GB export never sits in memory.
//!
//! What is kept is what cookie diagnosis needs: `log.creator`, `log.browser`,
//! `log.pages` (id, title, startedDateTime), and per entry `pageref`,
//! `startedDateTime`, the request (method, URL, headers, cookies), the response
//! (status, headers, cookies, `redirectURL`), Chrome's `_initiator` and
//! `_resourceType`. Bodies (`response.content.text`, `request.postData`) and
//! every other field are skipped without being buffered
//! ([`serde::de::IgnoredAny`]).
//!
//! Errors: a JSON syntax error (or an I/O error) ends the read with one
//! [`HarError`] naming the file, the line and column, and the entry being read.
//! An entry that is well-formed JSON but not a usable HAR entry (no URL, a
//! field of the wrong type, too many or too large headers) becomes an
//! [`HarError::Entry`] item for that entry, and reading goes on.

use std::cell::Cell;
use std::fmt;
use std::io::{BufReader, Read};
use std::rc::Rc;

use crate::json_elide::ElideKey;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The most header lines (request or response) one entry may carry.
pub const MAX_HAR_HEADERS: usize = 512;
/// The most bytes one header value, cookie value or URL may have.
pub const MAX_HAR_FIELD_BYTES: usize = 64 * 1024;
/// The most pages kept from `log.pages`; later ones are counted, not kept.
pub const MAX_HAR_PAGES: usize = 100_000;
/// The most `_initiator` stack URLs kept per entry.
const MAX_STACK_URLS: usize = 8;
/// The buffer between the file and the JSON reader.
const READ_BUFFER: usize = 1 << 20;

/// `creator` or `browser` (HAR 1.2 §creator, §browser).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HarSoftware {
    /// `name`.
    pub name: String,
    /// `version`.
    pub version: String,
}

/// A page (HAR 1.2 §pages).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HarPage {
    /// `id`, what entries name in `pageref`.
    pub id: String,
    /// `title` (browsers put the page's URL here).
    pub title: String,
    /// `startedDateTime`.
    pub started: String,
}

/// The file-level facts, as far as the reader has seen them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HarMeta {
    /// `log.version`.
    pub version: String,
    /// `log.creator`.
    pub creator: Option<HarSoftware>,
    /// `log.browser`.
    pub browser: Option<HarSoftware>,
    /// `log.pages` (at most [`MAX_HAR_PAGES`]).
    pub pages: Vec<HarPage>,
    /// Pages beyond [`MAX_HAR_PAGES`], not kept.
    pub pages_dropped: usize,
}

impl HarMeta {
    /// The page with this id.
    pub fn page(&self, id: &str) -> Option<&HarPage> {
        self.pages.iter().find(|p| p.id == id)
    }
}

/// A header (HAR 1.2 §headers).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HarHeader {
    /// `name`.
    pub name: String,
    /// `value`.
    pub value: String,
}

/// A cookie (HAR 1.2 §cookies); only what diagnosis reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HarCookie {
    /// `name`.
    pub name: String,
    /// `value`.
    pub value: String,
}

/// The request of an entry (HAR 1.2 §request).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HarRequest {
    /// `method`.
    pub method: String,
    /// `url` (absolute).
    pub url: String,
    /// `headers`, in order.
    pub headers: Vec<HarHeader>,
    /// `cookies`.
    pub cookies: Vec<HarCookie>,
}

/// The response of an entry (HAR 1.2 §response).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HarResponse {
    /// `status` (0 when the browser got no response).
    pub status: u16,
    /// `headers`, in order.
    pub headers: Vec<HarHeader>,
    /// `cookies`.
    pub cookies: Vec<HarCookie>,
    /// `redirectURL` (empty when not a redirect).
    pub redirect_url: String,
}

/// Chrome's `_initiator` (DevTools Protocol `Network.Initiator`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HarInitiator {
    /// `type`: `parser`, `script`, `preload`, `other`, …
    pub kind: String,
    /// `url`: the document (parser) that made the request.
    pub url: Option<String>,
    /// The URLs of `stack.callFrames`, innermost first (at most 8).
    pub stack_urls: Vec<String>,
}

/// One entry of `log.entries` (HAR 1.2 §entries).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HarEntry {
    /// 0-based position in `log.entries`.
    pub index: usize,
    /// `pageref`.
    pub pageref: Option<String>,
    /// `startedDateTime`.
    pub started: String,
    /// `request`.
    pub request: HarRequest,
    /// `response`.
    pub response: HarResponse,
    /// Chrome's `_initiator`.
    pub initiator: Option<HarInitiator>,
    /// Chrome's `_resourceType` (`document`, `script`, `fetch`, `xhr`, …).
    pub resource_type: Option<String>,
}

/// The value of the first header called `name` (ASCII case-insensitive).
pub fn har_header<'a>(headers: &'a [HarHeader], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

impl HarRequest {
    /// The first request header called `name` (e.g. `Sec-Fetch-Site`).
    pub fn header(&self, name: &str) -> Option<&str> {
        har_header(&self.headers, name)
    }
}

impl HarResponse {
    /// The first response header called `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        har_header(&self.headers, name)
    }
}

/// Why a HAR file, or one of its entries, could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HarError {
    /// The file could not be read.
    #[error("{file}: {message}")]
    Io {
        /// The file as named by the user.
        file: String,
        /// The operating system's message.
        message: String,
    },
    /// The JSON is broken (or the top level is not a HAR): reading stopped.
    #[error("{file}:{line}:{column}: {message}{}", entry.map(|i| format!(" (in log.entries[{i}])")).unwrap_or_default())]
    Syntax {
        /// The file.
        file: String,
        /// 1-based line (0 when unknown).
        line: usize,
        /// 1-based column.
        column: usize,
        /// The entry being read, if any.
        entry: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// An entry is valid JSON but not a usable HAR entry; the others are read.
    #[error("{file}: log.entries[{index}] (ending near byte {offset}): {message}")]
    Entry {
        /// The file.
        file: String,
        /// 0-based entry index.
        index: usize,
        /// The byte offset where the entry ended.
        offset: u64,
        /// What is wrong.
        message: String,
    },
}

/// What the reader saw in the whole file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HarSummary {
    /// The file-level facts.
    pub meta: HarMeta,
    /// Entries handed over (good or bad).
    pub entries: usize,
    /// The file had a `log.entries` array.
    pub has_entries: bool,
}

/// Reads a HAR file from `reader` (buffered here), calling `on_entry` for each
/// entry in order with the file facts seen so far (`creator`, `browser` and
/// `pages` come before `entries` in browser exports). `file` names the input
/// in errors.
pub fn read_har<R: Read>(
    reader: R,
    file: &str,
    on_entry: &mut dyn FnMut(&HarMeta, Result<HarEntry, HarError>),
) -> Result<HarSummary, HarError> {
    let offset = Rc::new(Cell::new(0u64));
    let counting = CountingReader {
        inner: reader,
        offset: Rc::clone(&offset),
        error: None,
    };
    let current_entry = Rc::new(Cell::new(None));
    // Bodies (`content.text`, `postData.text`) are blanked before the parser
    // sees them: skipped at memchr speed instead of byte by byte.
    let blanked = ElideKey::new(BufReader::with_capacity(READ_BUFFER, counting), b"text");
    let mut de = serde_json::Deserializer::from_reader(blanked);
    let mut summary = HarSummary::default();
    let root = RootSeed {
        state: State {
            file,
            offset: &offset,
            current_entry: &current_entry,
            on_entry,
        },
        summary: &mut summary,
    };
    let result = root.deserialize(&mut de).and_then(|()| de.end());
    match result {
        Ok(()) => Ok(summary),
        Err(e) => {
            if let Some(io) = de_io_error(&e) {
                return Err(HarError::Io {
                    file: file.to_string(),
                    message: io,
                });
            }
            Err(HarError::Syntax {
                file: file.to_string(),
                line: e.line(),
                column: e.column(),
                entry: current_entry.get(),
                message: strip_position(&e.to_string()),
            })
        }
    }
}

/// Reads a HAR file held in memory (tests, fuzzing, the web page).
pub fn read_har_bytes(
    bytes: &[u8],
    file: &str,
    on_entry: &mut dyn FnMut(&HarMeta, Result<HarEntry, HarError>),
) -> Result<HarSummary, HarError> {
    read_har(bytes, file, on_entry)
}

fn de_io_error(e: &serde_json::Error) -> Option<String> {
    e.is_io().then(|| strip_position(&e.to_string()))
}

/// serde_json appends " at line L column C"; we print the position first.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message.get(..i).unwrap_or(message).to_string(),
        None => message.to_string(),
    }
}

struct CountingReader<R> {
    inner: R,
    offset: Rc<Cell<u64>>,
    error: Option<String>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf).inspect_err(|e| {
            self.error = Some(e.to_string());
        })?;
        self.offset.set(self.offset.get().saturating_add(n as u64));
        Ok(n)
    }
}

struct State<'s, 'f> {
    file: &'s str,
    offset: &'s Rc<Cell<u64>>,
    current_entry: &'s Rc<Cell<Option<usize>>>,
    on_entry: &'s mut (dyn FnMut(&HarMeta, Result<HarEntry, HarError>) + 'f),
}

struct RootSeed<'s, 'f> {
    state: State<'s, 'f>,
    summary: &'s mut HarSummary,
}

impl<'de> DeserializeSeed<'de> for RootSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RootSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a HAR file: an object with a `log` object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let RootSeed { mut state, summary } = self;
        let mut seen_log = false;
        while let Some(key) = map.next_key::<Key>()? {
            if key.0 == "log" && !seen_log {
                seen_log = true;
                map.next_value_seed(LogSeed {
                    state: &mut state,
                    summary: &mut *summary,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if !seen_log {
            return Err(de::Error::custom(
                "not a HAR file: no `log` object at the top level (HAR 1.2 §log)",
            ));
        }
        Ok(())
    }
}

struct LogSeed<'a, 's, 'f> {
    state: &'a mut State<'s, 'f>,
    summary: &'a mut HarSummary,
}

impl<'de> DeserializeSeed<'de> for LogSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for LogSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the `log` object (HAR 1.2 §log)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key>()? {
            match key.0.as_str() {
                "version" => self.summary.meta.version = map.next_value::<Loose>()?.text(),
                "creator" => self.summary.meta.creator = map.next_value::<Software>()?.0,
                "browser" => self.summary.meta.browser = map.next_value::<Software>()?.0,
                "pages" => {
                    let pages = map.next_value::<Pages>()?;
                    self.summary.meta.pages = pages.kept;
                    self.summary.meta.pages_dropped = pages.dropped;
                }
                "entries" if !self.summary.has_entries => {
                    self.summary.has_entries = true;
                    map.next_value_seed(EntriesSeed {
                        state: &mut *self.state,
                        summary: &mut *self.summary,
                    })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct EntriesSeed<'a, 's, 'f> {
    state: &'a mut State<'s, 'f>,
    summary: &'a mut HarSummary,
}

impl<'de> DeserializeSeed<'de> for EntriesSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for EntriesSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`log.entries`, an array (HAR 1.2 §entries)")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            let index = self.summary.entries;
            self.state.current_entry.set(Some(index));
            let Some(raw) = seq.next_element::<RawEntry>()? else {
                break;
            };
            self.state.current_entry.set(None);
            self.summary.entries = index.saturating_add(1);
            let item = raw.finish(index).map_err(|message| HarError::Entry {
                file: self.state.file.to_string(),
                index,
                offset: self.state.offset.get(),
                message,
            });
            (self.state.on_entry)(&self.summary.meta, item);
        }
        self.state.current_entry.set(None);
        Ok(())
    }
}

// ---- tolerant building blocks ------------------------------------------------

/// An object key.
struct Key(String);

impl<'de> de::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                // Keys we look for are short; a long one is kept cut (never matches).
                Ok(Key(v.chars().take(64).collect()))
            }
        }
        d.deserialize_str(V)
    }
}

/// Any JSON value where a scalar is expected: strings and numbers become text
/// (cut at [`MAX_HAR_FIELD_BYTES`], noted); `null` is absent; arrays and
/// objects are skipped and noted as the wrong type.
#[derive(Default)]
struct Loose {
    value: Option<String>,
    number: Option<f64>,
    wrong_type: bool,
    too_long: bool,
}

impl Loose {
    fn text(self) -> String {
        self.value.unwrap_or_default()
    }
}

impl<'de> de::Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Loose, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Loose;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Loose, E> {
                let too_long = v.len() > MAX_HAR_FIELD_BYTES;
                Ok(Loose {
                    value: Some(if too_long {
                        String::new()
                    } else {
                        v.to_string()
                    }),
                    too_long,
                    ..Loose::default()
                })
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Loose, E> {
                Ok(Loose {
                    value: Some(v.to_string()),
                    ..Loose::default()
                })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Loose, E> {
                Ok(Loose {
                    value: Some(v.to_string()),
                    number: Some(v as f64),
                    ..Loose::default()
                })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Loose, E> {
                Ok(Loose {
                    value: Some(v.to_string()),
                    number: Some(v as f64),
                    ..Loose::default()
                })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Loose, E> {
                Ok(Loose {
                    value: Some(v.to_string()),
                    number: Some(v),
                    ..Loose::default()
                })
            }
            fn visit_unit<E: de::Error>(self) -> Result<Loose, E> {
                Ok(Loose::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<Loose, E> {
                Ok(Loose::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Loose, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Loose {
                    wrong_type: true,
                    ..Loose::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Loose, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Loose {
                    wrong_type: true,
                    ..Loose::default()
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// Notes about an entry's problems, gathered while reading it.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn loose(&mut self, field: &str, v: Loose) -> String {
        if v.wrong_type {
            self.push(format!("`{field}` is not a string"));
        }
        if v.too_long {
            self.push(format!(
                "`{field}` is longer than {MAX_HAR_FIELD_BYTES} bytes"
            ));
        }
        v.value.unwrap_or_default()
    }
    fn push(&mut self, p: String) {
        if self.0.len() < 4 {
            self.0.push(p);
        }
    }
}

/// A JSON object visited key by key (anything else is skipped and noted).
/// `f` is called with each key and the map access to read its value.
macro_rules! object_visitor {
    ($name:ident, $value:ty, $expecting:literal, |$map:ident, $key:ident, $out:ident| $body:block) => {
        impl<'de> de::Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut $map: A) -> Result<$name, A::Error> {
                        let mut $out = <$value>::default();
                        while let Some($key) = $map.next_key::<Key>()? {
                            $body
                        }
                        Ok($name(Some($out)))
                    }
                    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<$name, A::Error> {
                        while seq.next_element::<IgnoredAny>()?.is_some() {}
                        Ok($name(None))
                    }
                    fn visit_str<E: de::Error>(self, _: &str) -> Result<$name, E> {
                        Ok($name(None))
                    }
                    fn visit_bool<E: de::Error>(self, _: bool) -> Result<$name, E> {
                        Ok($name(None))
                    }
                    fn visit_i64<E: de::Error>(self, _: i64) -> Result<$name, E> {
                        Ok($name(None))
                    }
                    fn visit_u64<E: de::Error>(self, _: u64) -> Result<$name, E> {
                        Ok($name(None))
                    }
                    fn visit_f64<E: de::Error>(self, _: f64) -> Result<$name, E> {
                        Ok($name(None))
                    }
                    fn visit_unit<E: de::Error>(self) -> Result<$name, E> {
                        Ok($name(None))
                    }
                }
                d.deserialize_any(V)
            }
        }
    };
}

/// `creator` / `browser`; `None` when not an object.
struct Software(Option<HarSoftware>);

object_visitor!(Software, HarSoftware, "an object", |map, key, out| {
    match key.0.as_str() {
        "name" => out.name = map.next_value::<Loose>()?.text(),
        "version" => out.version = map.next_value::<Loose>()?.text(),
        _ => {
            map.next_value::<IgnoredAny>()?;
        }
    }
});

struct Page(Option<HarPage>);

object_visitor!(Page, HarPage, "a page", |map, key, out| {
    match key.0.as_str() {
        "id" => out.id = map.next_value::<Loose>()?.text(),
        "title" => out.title = map.next_value::<Loose>()?.text(),
        "startedDateTime" => out.started = map.next_value::<Loose>()?.text(),
        _ => {
            map.next_value::<IgnoredAny>()?;
        }
    }
});

/// `log.pages`, bounded.
#[derive(Default)]
struct Pages {
    kept: Vec<HarPage>,
    dropped: usize,
}

impl<'de> de::Deserialize<'de> for Pages {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Pages, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Pages;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of pages")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Pages, A::Error> {
                let mut pages = Pages::default();
                while let Some(Page(page)) = seq.next_element::<Page>()? {
                    match page {
                        Some(p) if pages.kept.len() < MAX_HAR_PAGES => pages.kept.push(p),
                        _ => pages.dropped = pages.dropped.saturating_add(1),
                    }
                }
                Ok(pages)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pages, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Pages::default())
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Pages, E> {
                Ok(Pages::default())
            }
            fn visit_unit<E: de::Error>(self) -> Result<Pages, E> {
                Ok(Pages::default())
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Pages, E> {
                Ok(Pages::default())
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Pages, E> {
                Ok(Pages::default())
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Pages, E> {
                Ok(Pages::default())
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Pages, E> {
                Ok(Pages::default())
            }
        }
        d.deserialize_any(V)
    }
}

/// A `{name, value}` object (a header or a cookie), raw.
#[derive(Default)]
struct RawPair {
    name: Loose,
    value: Loose,
}

struct Pair(Option<RawPair>);

object_visitor!(Pair, RawPair, "a {name, value} object", |map, key, out| {
    match key.0.as_str() {
        "name" => out.name = map.next_value::<Loose>()?,
        "value" => out.value = map.next_value::<Loose>()?,
        _ => {
            map.next_value::<IgnoredAny>()?;
        }
    }
});

/// A list of `{name, value}` objects, bounded at [`MAX_HAR_HEADERS`].
#[derive(Default)]
struct Pairs {
    kept: Vec<(String, String)>,
    /// Elements beyond the limit (skipped).
    over: usize,
    /// Elements that were not `{name, value}` objects, or had a bad field.
    bad: usize,
    /// The list itself was not an array.
    not_array: bool,
    too_long: bool,
}

impl<'de> de::Deserialize<'de> for Pairs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Pairs, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Pairs;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of {name, value} objects")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Pairs, A::Error> {
                let mut out = Pairs::default();
                loop {
                    if out.kept.len() >= MAX_HAR_HEADERS {
                        match seq.next_element::<IgnoredAny>()? {
                            Some(_) => out.over = out.over.saturating_add(1),
                            None => break,
                        }
                        continue;
                    }
                    match seq.next_element::<Pair>()? {
                        None => break,
                        Some(Pair(Some(p))) => {
                            if p.name.too_long || p.value.too_long {
                                out.too_long = true;
                            }
                            if p.name.wrong_type || p.value.wrong_type || p.name.value.is_none() {
                                out.bad = out.bad.saturating_add(1);
                            } else {
                                out.kept.push((p.name.text(), p.value.text()));
                            }
                        }
                        Some(Pair(None)) => out.bad = out.bad.saturating_add(1),
                    }
                }
                Ok(out)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pairs, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Pairs {
                    not_array: true,
                    ..Pairs::default()
                })
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Pairs, E> {
                Ok(Pairs {
                    not_array: true,
                    ..Pairs::default()
                })
            }
            fn visit_unit<E: de::Error>(self) -> Result<Pairs, E> {
                Ok(Pairs::default())
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Pairs, E> {
                Ok(Pairs {
                    not_array: true,
                    ..Pairs::default()
                })
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Pairs, E> {
                self.visit_bool(false)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Pairs, E> {
                self.visit_bool(false)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Pairs, E> {
                self.visit_bool(false)
            }
        }
        d.deserialize_any(V)
    }
}

impl Pairs {
    fn check(&self, field: &str, problems: &mut Problems) {
        if self.not_array {
            problems.push(format!("`{field}` is not an array"));
        }
        if self.over > 0 {
            problems.push(format!(
                "`{field}` has more than {MAX_HAR_HEADERS} items ({} more)",
                self.over
            ));
        }
        if self.too_long {
            problems.push(format!(
                "`{field}` has a name or value longer than {MAX_HAR_FIELD_BYTES} bytes"
            ));
        }
        if self.bad > 0 {
            problems.push(format!(
                "`{field}` has {} item(s) that are not {{\"name\": string, \"value\": string}}",
                self.bad
            ));
        }
    }
}

#[derive(Default)]
struct RawRequest {
    method: Loose,
    url: Loose,
    headers: Pairs,
    cookies: Pairs,
}

struct Req(Option<RawRequest>);

object_visitor!(Req, RawRequest, "the request object", |map, key, out| {
    match key.0.as_str() {
        "method" => out.method = map.next_value::<Loose>()?,
        "url" => out.url = map.next_value::<Loose>()?,
        "headers" => out.headers = map.next_value::<Pairs>()?,
        "cookies" => out.cookies = map.next_value::<Pairs>()?,
        // postData, queryString, bodies: skipped unread (HAR 1.2 §postData).
        _ => {
            map.next_value::<IgnoredAny>()?;
        }
    }
});

#[derive(Default)]
struct RawResponse {
    status: Loose,
    headers: Pairs,
    cookies: Pairs,
    redirect_url: Loose,
}

struct Resp(Option<RawResponse>);

object_visitor!(Resp, RawResponse, "the response object", |map, key, out| {
    match key.0.as_str() {
        "status" => out.status = map.next_value::<Loose>()?,
        "headers" => out.headers = map.next_value::<Pairs>()?,
        "cookies" => out.cookies = map.next_value::<Pairs>()?,
        "redirectURL" => out.redirect_url = map.next_value::<Loose>()?,
        // content (with its text), bodies: skipped unread (HAR 1.2 §content).
        _ => {
            map.next_value::<IgnoredAny>()?;
        }
    }
});

/// `stack.callFrames[].url` of a DevTools initiator.
#[derive(Default)]
struct RawStack {
    urls: Vec<String>,
}

struct Stack(Option<RawStack>);

object_visitor!(Stack, RawStack, "a stack", |map, key, out| {
    match key.0.as_str() {
        "callFrames" => out.urls = map.next_value::<Frames>()?.0,
        _ => {
            map.next_value::<IgnoredAny>()?;
        }
    }
});

struct Frames(Vec<String>);

impl<'de> de::Deserialize<'de> for Frames {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Frames, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Frames;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("call frames")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Frames, A::Error> {
                let mut urls = Vec::new();
                loop {
                    if urls.len() >= MAX_STACK_URLS {
                        if seq.next_element::<IgnoredAny>()?.is_none() {
                            break;
                        }
                        continue;
                    }
                    match seq.next_element::<Pair2>()? {
                        None => break,
                        Some(Pair2(Some(url))) => {
                            if !url.is_empty() {
                                urls.push(url);
                            }
                        }
                        Some(Pair2(None)) => {}
                    }
                }
                Ok(Frames(urls))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Frames, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Frames(Vec::new()))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Frames, E> {
                Ok(Frames(Vec::new()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Frames, E> {
                Ok(Frames(Vec::new()))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Frames, E> {
                Ok(Frames(Vec::new()))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Frames, E> {
                Ok(Frames(Vec::new()))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Frames, E> {
                Ok(Frames(Vec::new()))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Frames, E> {
                Ok(Frames(Vec::new()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A call frame's `url`.
struct Pair2(Option<String>);

object_visitor!(Pair2, String, "a call frame", |map, key, out| {
    match key.0.as_str() {
        "url" => out = map.next_value::<Loose>()?.text(),
        _ => {
            map.next_value::<IgnoredAny>()?;
        }
    }
});

#[derive(Default)]
struct RawInitiator {
    kind: Loose,
    url: Loose,
    stack: Option<RawStack>,
}

struct Init(Option<RawInitiator>);

object_visitor!(Init, RawInitiator, "an initiator", |map, key, out| {
    match key.0.as_str() {
        "type" => out.kind = map.next_value::<Loose>()?,
        "url" => out.url = map.next_value::<Loose>()?,
        "stack" => out.stack = map.next_value::<Stack>()?.0,
        _ => {
            map.next_value::<IgnoredAny>()?;
        }
    }
});

#[derive(Default)]
struct RawEntryFields {
    pageref: Loose,
    started: Loose,
    request: Option<Option<RawRequest>>,
    response: Option<Option<RawResponse>>,
    initiator: Option<RawInitiator>,
    resource_type: Loose,
}

struct RawEntry(Option<RawEntryFields>);

object_visitor!(
    RawEntry,
    RawEntryFields,
    "an entry object",
    |map, key, out| {
        match key.0.as_str() {
            "pageref" => out.pageref = map.next_value::<Loose>()?,
            "startedDateTime" => out.started = map.next_value::<Loose>()?,
            "request" => out.request = Some(map.next_value::<Req>()?.0),
            "response" => out.response = Some(map.next_value::<Resp>()?.0),
            "_initiator" => out.initiator = map.next_value::<Init>()?.0,
            "_resourceType" => out.resource_type = map.next_value::<Loose>()?,
            // cache, timings, serverIPAddress, connection, _fromCache, …: skipped.
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
);

fn pairs_to_headers(p: Pairs) -> Vec<HarHeader> {
    p.kept
        .into_iter()
        .map(|(name, value)| HarHeader { name, value })
        .collect()
}

fn pairs_to_cookies(p: Pairs) -> Vec<HarCookie> {
    p.kept
        .into_iter()
        .map(|(name, value)| HarCookie { name, value })
        .collect()
}

impl RawEntry {
    /// The entry, or what makes it unusable.
    fn finish(self, index: usize) -> Result<HarEntry, String> {
        let Some(raw) = self.0 else {
            return Err("not an object (HAR 1.2 §entries)".into());
        };
        let mut problems = Problems::default();
        let pageref = raw.pageref.value.clone().filter(|s| !s.is_empty());
        let started = problems.loose("startedDateTime", raw.started);
        let request = match raw.request {
            None => {
                problems.push("no `request` (HAR 1.2 §request)".into());
                HarRequest::default()
            }
            Some(None) => {
                problems.push("`request` is not an object".into());
                HarRequest::default()
            }
            Some(Some(r)) => {
                r.headers.check("request.headers", &mut problems);
                r.cookies.check("request.cookies", &mut problems);
                let url = problems.loose("request.url", r.url);
                if url.is_empty() {
                    problems.push("no `request.url`".into());
                }
                HarRequest {
                    method: problems.loose("request.method", r.method),
                    url,
                    headers: pairs_to_headers(r.headers),
                    cookies: pairs_to_cookies(r.cookies),
                }
            }
        };
        let response = match raw.response {
            None => {
                problems.push("no `response` (HAR 1.2 §response)".into());
                HarResponse::default()
            }
            Some(None) => {
                problems.push("`response` is not an object".into());
                HarResponse::default()
            }
            Some(Some(r)) => {
                r.headers.check("response.headers", &mut problems);
                r.cookies.check("response.cookies", &mut problems);
                let status = match r.status.number {
                    Some(n) if (0.0..=999.0).contains(&n) && n.fract() == 0.0 => n as u16,
                    _ if r.status.value.is_none() && !r.status.wrong_type => 0,
                    _ => {
                        problems.push("`response.status` is not a number from 0 to 999".into());
                        0
                    }
                };
                HarResponse {
                    status,
                    headers: pairs_to_headers(r.headers),
                    cookies: pairs_to_cookies(r.cookies),
                    redirect_url: problems.loose("response.redirectURL", r.redirect_url),
                }
            }
        };
        if let Some(p) = problems.0.first() {
            let more = problems.0.len().saturating_sub(1);
            return Err(if more > 0 {
                format!("{p} (and {more} more problem(s))")
            } else {
                p.clone()
            });
        }
        Ok(HarEntry {
            index,
            pageref,
            started,
            request,
            response,
            initiator: raw.initiator.map(|i| HarInitiator {
                kind: i.kind.text(),
                url: i.url.value.filter(|u| !u.is_empty()),
                stack_urls: i.stack.map(|s| s.urls).unwrap_or_default(),
            }),
            resource_type: raw.resource_type.value.filter(|s| !s.is_empty()),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn read(
        text: &str,
    ) -> (
        Result<HarSummary, HarError>,
        Vec<Result<HarEntry, HarError>>,
    ) {
        let mut items = Vec::new();
        let r = read_har_bytes(text.as_bytes(), "t.har", &mut |_, e| items.push(e));
        (r, items)
    }

    #[test]
    fn reads_entries_and_skips_bodies() {
        let text = r#"{"log": {"version": "1.2",
          "creator": {"name": "WebInspector", "version": "537.36"},
          "pages": [{"id": "page_1", "title": "https://a.example/", "startedDateTime": "2026-01-01T00:00:00Z"}],
          "entries": [
            {"pageref": "page_1", "startedDateTime": "x", "_resourceType": "document",
             "_initiator": {"type": "script", "stack": {"callFrames": [{"url": "https://a.example/app.js"}]}},
             "request": {"method": "GET", "url": "https://a.example/", "headers": [{"name": "Cookie", "value": "a=1"}],
                         "cookies": [{"name": "a", "value": "1"}], "postData": {"text": "secret"}},
             "response": {"status": 302, "redirectURL": "https://b.example/", "content": {"text": "aGVsbG8="},
                          "headers": [{"name": "set-cookie", "value": "b=2"}], "cookies": []}}
          ]}}"#;
        let (r, items) = read(text);
        let summary = r.unwrap();
        assert_eq!(summary.entries, 1);
        assert_eq!(summary.meta.creator.unwrap().name, "WebInspector");
        assert_eq!(summary.meta.pages.len(), 1);
        let e = items.into_iter().next().unwrap().unwrap();
        assert_eq!(e.response.status, 302);
        assert_eq!(e.response.redirect_url, "https://b.example/");
        assert_eq!(e.request.header("cookie"), Some("a=1"));
        assert_eq!(
            e.initiator.unwrap().stack_urls,
            vec!["https://a.example/app.js"]
        );
        assert_eq!(e.resource_type.as_deref(), Some("document"));
    }

    #[test]
    fn a_bad_entry_is_an_item_and_reading_goes_on() {
        let text = r#"{"log": {"entries": [
            {"request": {"url": 5, "headers": "no"}, "response": {"status": "x"}},
            7,
            {"request": {"method": "GET", "url": "https://a.example/"}, "response": {"status": 200}}
        ]}}"#;
        let (r, items) = read(text);
        assert_eq!(r.unwrap().entries, 3);
        assert!(matches!(&items[0], Err(HarError::Entry { index: 0, .. })));
        assert!(matches!(&items[1], Err(HarError::Entry { index: 1, .. })));
        assert!(items[2].is_ok());
    }

    #[test]
    fn broken_json_is_one_error_with_a_position_and_the_entry() {
        let text = "{\"log\": {\"entries\": [\n{\"request\": {\"url\": \"https://a.example/\"}, \"response\": {}},\n{\"request\": {\"url\" \"x\"}}]}}";
        let (r, items) = read(text);
        assert_eq!(items.len(), 1);
        match r.unwrap_err() {
            HarError::Syntax {
                line, entry, file, ..
            } => {
                assert_eq!(line, 3);
                assert_eq!(entry, Some(1));
                assert_eq!(file, "t.har");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn not_a_har_is_an_error() {
        assert!(read("[]").0.is_err());
        assert!(read("{\"x\": 1}").0.is_err());
        assert!(read("").0.is_err());
    }

    #[test]
    fn header_limits_make_an_entry_error() {
        let headers: Vec<String> = (0..=MAX_HAR_HEADERS)
            .map(|i| format!("{{\"name\": \"h{i}\", \"value\": \"v\"}}"))
            .collect();
        let text = format!(
            "{{\"log\": {{\"entries\": [{{\"request\": {{\"url\": \"https://a.example/\", \"headers\": [{}]}}, \"response\": {{\"status\": 200}}}}]}}}}",
            headers.join(",")
        );
        let (r, items) = read(&text);
        assert!(r.is_ok());
        let err = items[0].as_ref().unwrap_err().to_string();
        assert!(err.contains("more than 512"), "{err}");
    }
}
