//! `cookie-doctor har FILE`: replay a browser's HAR 1.2 export through the
//! engine and explain every cookie the browser dropped or withheld — and every
//! request where the browser's real Cookie header disagrees with the model
//! (a "model mismatch", which is a bug in cookie-doctor or a browser
//! difference it does not know yet).
//!
//! The replay streams: [`HarReplay::entry`] takes one entry at a time (from
//! [`cookie_doctor_inputs::read_har`]) and hands each finding to a sink at
//! once. It keeps the jar, the documents seen (bounded), the redirects in
//! flight (bounded) and counters — never the entries.
//!
//! How a HAR becomes browsing (HAR carries no frame tree, so this is evidence,
//! in order of trust):
//! * Navigations: `Sec-Fetch-Dest: document` (top-level) or `iframe`/`frame`
//!   (a frame), else Chrome's `_resourceType: document` (top-level when it is
//!   the first document of its `pageref`, else a frame).
//! * The document a request came from: Chrome's `_initiator` (`url`, then the
//!   stack's URLs), then `Referer` (whole URL, then its origin), then `Origin`,
//!   then the page's top-level document.
//! * Redirects: a 3xx entry's `redirectURL` is matched with a later entry for
//!   that URL, which continues the chain (Fetch "HTTP-redirect fetch").
//! * A top-level navigation's initiator: none when `Sec-Fetch-Site: none`
//!   (typed, bookmarked), else the referrer's site, else the previous page.

use std::collections::{HashMap, VecDeque};
use std::io::Read;
use std::rc::Rc;
use std::sync::Arc;

use cookie_doctor_cookie::{
    CookieJar, CookieUrl, Env, Reasons, Time, is_safe_method, parse_set_cookie,
};
use cookie_doctor_engine::cookies::{self, RequestCookieFacts};
use cookie_doctor_engine::{CookieRef, ExcludedCookie};
use cookie_doctor_fetch::{RequestContext, RequestShape, request_context};
use cookie_doctor_inputs::{HarEntry, HarError, HarMeta, HarSummary, read_har};
use cookie_doctor_profiles::Profile;
use cookie_doctor_site::{Origin, PublicSuffixList, Site};
use serde::Serialize;
use url::Url;

use crate::audit::AuditResponse;

/// A cookie's name, domain, path and partition: what `set_at` is keyed by.
type CookieIdentity = (Rc<str>, Rc<str>, Rc<str>, Option<Arc<str>>);

/// The version of the `har --format json` document (docs/har.md).
pub const HAR_REPLAY_VERSION: u32 = 1;

/// Documents remembered for finding a request's frame (oldest forgotten first).
const MAX_DOCUMENTS: usize = 4096;
/// Redirects whose next hop has not been seen yet.
const MAX_PENDING_REDIRECTS: usize = 1024;
/// Where-it-was-set records kept for reports.
const MAX_SET_RECORDS: usize = 65_536;

/// One thing the replay found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum HarFinding {
    /// A cookie the jar holds for this site was not sent on a request, and
    /// the browser did not send it either: the engine's reasons explain why.
    NotSent {
        /// The entry index (0-based in `log.entries`).
        request: usize,
        /// The request URL.
        url: String,
        /// The cookie.
        cookie: CookieRef,
        /// Why, as reason codes (`cookie-doctor explain CODE`).
        reasons: Reasons,
        /// The entry whose response set the cookie, if it is in this HAR.
        set_at: Option<usize>,
    },
    /// A Set-Cookie line the model refuses to store.
    Rejected {
        /// The entry index.
        request: usize,
        /// The response URL.
        url: String,
        /// The cookie name ("" when the line did not parse that far).
        cookie: String,
        /// The line, its value redacted unless `--show-values`.
        line: String,
        /// Why, as reason codes.
        reasons: Reasons,
    },
    /// The browser and the model disagree about one cookie on one request.
    Mismatch {
        /// The entry index.
        request: usize,
        /// The request URL.
        url: String,
        /// The cookie name.
        cookie: String,
        /// The browser sent it.
        browser_sent: bool,
        /// The model would send it.
        model_sent: bool,
        /// The model's reasons to withhold it (empty when it would send it).
        model_reasons: Reasons,
    },
    /// An entry that could not be read.
    BadEntry {
        /// The entry index.
        request: usize,
        /// What is wrong with it.
        error: String,
    },
}

/// The totals of a replay.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct HarReplaySummary {
    /// The profile used.
    pub browser: String,
    /// Where the profile came from: `option`, `creator`, `browser`,
    /// `user-agent` or `default`.
    pub browser_from: String,
    /// `log.creator.name` (and version), if any.
    pub creator: Option<String>,
    /// Entries read (good and bad).
    pub entries: usize,
    /// Entries whose Cookie header was compared with the model's.
    pub requests_compared: usize,
    /// Cookie names compared (each name on each compared request).
    pub cookies_compared: usize,
    /// Of those, how many the browser and the model agreed on.
    pub cookies_agreed: usize,
    /// Set-Cookie lines applied to the jar.
    pub set_cookie_lines: usize,
    /// Cookies the model stored (or that deleted a cookie).
    pub stored: usize,
    /// [`HarFinding::Rejected`] findings.
    pub rejected: usize,
    /// [`HarFinding::NotSent`] findings.
    pub not_sent: usize,
    /// [`HarFinding::Mismatch`] findings.
    pub mismatches: usize,
    /// [`HarFinding::BadEntry`] findings.
    pub bad_entries: usize,
    /// Cookies the browser sent that no response in this HAR set (set before
    /// the recording began, or by script): not compared.
    pub unknown_cookies: usize,
    /// The HAR has responses but no Cookie or Set-Cookie anywhere: it was
    /// exported without cookies (Chrome's default), so nothing can be said.
    pub sanitized: bool,
}

impl HarReplaySummary {
    /// Whether the replay found something worth a non-zero exit: a cookie
    /// rejected or withheld, a mismatch, or an unreadable entry.
    pub fn has_problems(&self) -> bool {
        self.rejected > 0 || self.not_sent > 0 || self.mismatches > 0 || self.bad_entries > 0
    }
}

/// The built-in profile name for a HAR: `log.browser`, then `log.creator`,
/// then the first request's `User-Agent`; Chrome, Chromium and Edge are
/// `chrome`, Firefox `firefox`, Safari and WebKit `safari`. Returns the name
/// and where it came from; `("chrome", "default")` when nothing tells.
pub fn profile_name_for(meta: &HarMeta, first: Option<&HarEntry>) -> (&'static str, &'static str) {
    let classify = |name: &str| -> Option<&'static str> {
        let n = name.to_ascii_lowercase();
        if n.contains("firefox") || n.contains("gecko/") {
            Some("firefox")
        } else if n.contains("chrom") || n.contains("edg") || n.contains("webinspector") {
            // WebInspector is Chrome DevTools' creator name.
            Some("chrome")
        } else if n.contains("safari") || n.contains("webkit") {
            Some("safari")
        } else {
            None
        }
    };
    if let Some(b) = meta.browser.as_ref().and_then(|b| classify(&b.name)) {
        return (b, "browser");
    }
    if let Some(c) = meta.creator.as_ref().and_then(|c| classify(&c.name)) {
        return (c, "creator");
    }
    if let Some(ua) = first.and_then(|e| e.request.header("user-agent")) {
        // Order matters: Chrome's UA also says Safari, Edge's also says Chrome.
        let lower = ua.to_ascii_lowercase();
        let name = if lower.contains("firefox/") {
            Some("firefox")
        } else if lower.contains("chrome/") || lower.contains("chromium/") || lower.contains("edg/")
        {
            Some("chrome")
        } else if lower.contains("safari/") {
            Some("safari")
        } else {
            None
        };
        if let Some(name) = name {
            return (name, "user-agent");
        }
    }
    ("chrome", "default")
}

/// A document the browser loaded (a top-level page or a frame).
#[derive(Clone, Debug)]
struct Doc {
    url: String,
    origin: Origin,
    site: Site,
    parent: Option<u64>,
}

/// How a request relates to the documents.
#[derive(Clone, Debug)]
enum Kind {
    Top,
    Frame { container: Option<u64> },
    Sub { client: Option<u64> },
}

/// A redirect whose next hop is awaited.
#[derive(Clone, Debug)]
struct Pending {
    kind: Kind,
    initiator: Option<Site>,
    redirects: Vec<Site>,
    include_credentials: bool,
}

/// The replay of one HAR file through one profile.
pub struct HarReplay<'a> {
    profile: Option<Profile>,
    forced: Option<Profile>,
    psl: &'a dyn PublicSuffixList,
    jar: CookieJar,
    now: Time,
    show_values: bool,
    docs: HashMap<u64, Doc>,
    doc_order: VecDeque<u64>,
    by_url: HashMap<String, u64>,
    by_origin: HashMap<String, u64>,
    page_top: HashMap<String, u64>,
    last_top: Option<u64>,
    next_doc: u64,
    pending: HashMap<String, Pending>,
    pending_order: VecDeque<String>,
    set_at: HashMap<CookieIdentity, usize>,
    responses: usize,
    cookie_evidence: bool,
    summary: HarReplaySummary,
}

impl<'a> HarReplay<'a> {
    /// A replay starting at `start` (used until entries carry their own
    /// times). `profile`: `--browser`; `None` picks it from the HAR.
    pub fn new(
        profile: Option<Profile>,
        psl: &'a dyn PublicSuffixList,
        start: Time,
        show_values: bool,
    ) -> HarReplay<'a> {
        let mut summary = HarReplaySummary::default();
        if let Some(p) = &profile {
            summary.browser = p.name.clone();
            summary.browser_from = "option".into();
        }
        HarReplay {
            profile: None,
            forced: profile,
            psl,
            jar: CookieJar::new(),
            now: start,
            show_values,
            docs: HashMap::new(),
            doc_order: VecDeque::new(),
            by_url: HashMap::new(),
            by_origin: HashMap::new(),
            page_top: HashMap::new(),
            last_top: None,
            next_doc: 0,
            pending: HashMap::new(),
            pending_order: VecDeque::new(),
            set_at: HashMap::new(),
            responses: 0,
            cookie_evidence: false,
            summary,
        }
    }

    /// The totals so far.
    pub fn summary(&self) -> &HarReplaySummary {
        &self.summary
    }

    /// Ends the replay: the totals, with the sanitized-export verdict.
    pub fn finish(mut self) -> HarReplaySummary {
        self.summary.sanitized = self.responses > 0 && !self.cookie_evidence;
        if self.summary.browser.is_empty() {
            self.summary.browser = "chrome".into();
            self.summary.browser_from = "default".into();
        }
        self.summary
    }

    /// An entry the reader could not use.
    pub fn bad_entry(&mut self, error: &HarError, sink: &mut dyn FnMut(HarFinding)) {
        self.summary.entries = self.summary.entries.saturating_add(1);
        self.summary.bad_entries = self.summary.bad_entries.saturating_add(1);
        let request = match error {
            HarError::Entry { index, .. } => *index,
            _ => self.summary.entries.saturating_sub(1),
        };
        sink(HarFinding::BadEntry {
            request,
            error: error.to_string(),
        });
    }

    fn choose_profile(&mut self, meta: &HarMeta, entry: &HarEntry) {
        if self.profile.is_some() {
            return;
        }
        if let Some(p) = self.forced.take() {
            self.profile = Some(p);
            return;
        }
        let (name, from) = profile_name_for(meta, Some(entry));
        self.summary.creator = meta.creator.as_ref().map(|c| {
            if c.version.is_empty() {
                c.name.clone()
            } else {
                format!("{} {}", c.name, c.version)
            }
        });
        let profile = cookie_doctor_profiles::builtin_named(name)
            .or_else(|| cookie_doctor_profiles::builtin().into_iter().next());
        if let Some(p) = &profile {
            self.summary.browser = p.name.clone();
            self.summary.browser_from = from.into();
        }
        self.profile = profile;
    }

    fn remember_doc(&mut self, doc: Doc) -> u64 {
        let id = self.next_doc;
        self.next_doc = self.next_doc.saturating_add(1);
        if self.doc_order.len() >= MAX_DOCUMENTS
            && let Some(old) = self.doc_order.pop_front()
        {
            self.docs.remove(&old);
            self.by_url.retain(|_, v| *v != old);
            self.by_origin.retain(|_, v| *v != old);
            self.page_top.retain(|_, v| *v != old);
        }
        self.by_url.insert(doc.url.clone(), id);
        self.by_origin.insert(doc.origin.to_string(), id);
        self.docs.insert(id, doc);
        self.doc_order.push_back(id);
        id
    }

    /// The sites of a document and its ancestors, ending at the top.
    fn chain(&self, from: Option<u64>) -> Vec<Site> {
        let mut out = Vec::new();
        let mut at = from;
        while let Some(id) = at {
            let Some(doc) = self.docs.get(&id) else { break };
            if out.len() > 64 {
                break;
            }
            out.push(doc.site.clone());
            at = doc.parent;
        }
        out
    }

    fn doc_by_url(&self, url: &str) -> Option<u64> {
        self.by_url.get(url).copied().or_else(|| {
            // A URL without its fragment.
            url.split_once('#')
                .and_then(|(u, _)| self.by_url.get(u).copied())
        })
    }

    fn doc_by_origin_of(&self, url: &str) -> Option<u64> {
        let origin = Url::parse(url).ok().and_then(|u| Origin::of_url(&u).ok())?;
        self.by_origin.get(&origin.to_string()).copied()
    }

    /// The document that made a subresource request (or contains a frame).
    fn client_of(&self, entry: &HarEntry) -> Option<u64> {
        if let Some(init) = &entry.initiator {
            if let Some(d) = init.url.as_deref().and_then(|u| self.doc_by_url(u)) {
                return Some(d);
            }
            if let Some(d) = init.stack_urls.iter().find_map(|u| self.doc_by_url(u)) {
                return Some(d);
            }
        }
        if let Some(referer) = entry.request.header("referer") {
            if let Some(d) = self.doc_by_url(referer) {
                return Some(d);
            }
            if let Some(d) = self.doc_by_origin_of(referer) {
                return Some(d);
            }
        }
        if let Some(origin) = entry.request.header("origin")
            && origin != "null"
            && let Some(d) = self.doc_by_origin_of(origin)
        {
            return Some(d);
        }
        entry
            .pageref
            .as_ref()
            .and_then(|p| self.page_top.get(p).copied())
            .or(self.last_top)
    }

    fn site_of(&self, url: &Url) -> Option<(Origin, Site)> {
        let origin = Origin::of_url(url).ok()?;
        let site = Site::of(&origin, self.psl);
        Some((origin, site))
    }

    fn remember_redirect(&mut self, to: String, pending: Pending) {
        if self.pending_order.len() >= MAX_PENDING_REDIRECTS
            && let Some(old) = self.pending_order.pop_front()
        {
            self.pending.remove(&old);
        }
        self.pending_order.push_back(to.clone());
        self.pending.insert(to, pending);
    }

    /// Replays one entry: predicts its Cookie header, compares it with what
    /// the browser sent, then applies its Set-Cookie lines.
    pub fn entry(&mut self, meta: &HarMeta, entry: &HarEntry, sink: &mut dyn FnMut(HarFinding)) {
        self.summary.entries = self.summary.entries.saturating_add(1);
        self.choose_profile(meta, entry);
        // Taken out for the entry (the jar is borrowed mutably beside it).
        let Some(profile) = self.profile.take() else {
            return;
        };
        self.replay_entry(&profile, entry, sink);
        self.profile = Some(profile);
    }

    fn replay_entry(
        &mut self,
        profile: &Profile,
        entry: &HarEntry,
        sink: &mut dyn FnMut(HarFinding),
    ) {
        if let Some(t) = parse_iso8601(&entry.started)
            && t > self.now
        {
            self.now = t;
        }
        if entry.response.status > 0 {
            self.responses = self.responses.saturating_add(1);
        }
        let actual = browser_cookies(entry);
        let set_lines: Vec<&str> = entry
            .response
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("set-cookie"))
            .flat_map(|h| h.value.split('\n'))
            .filter(|l| !l.trim().is_empty())
            .collect();
        if !actual.is_empty() || !set_lines.is_empty() || !entry.response.cookies.is_empty() {
            self.cookie_evidence = true;
        }
        let Ok(url) = Url::parse(&entry.request.url) else {
            self.summary.bad_entries = self.summary.bad_entries.saturating_add(1);
            sink(HarFinding::BadEntry {
                request: entry.index,
                error: format!(
                    "request.url `{}` is not an absolute URL",
                    shorten(&entry.request.url)
                ),
            });
            return;
        };
        if !matches!(url.scheme(), "http" | "https") {
            return;
        }
        let Some((url_origin, url_site)) = self.site_of(&url) else {
            return;
        };
        let Ok(cookie_url) = CookieUrl::from_url(&url) else {
            return;
        };
        let method = entry.request.method.to_ascii_uppercase();
        let dest = entry
            .request
            .header("sec-fetch-dest")
            .map(str::to_ascii_lowercase);
        let mode = entry
            .request
            .header("sec-fetch-mode")
            .map(str::to_ascii_lowercase);
        let fetch_site = entry
            .request
            .header("sec-fetch-site")
            .map(str::to_ascii_lowercase);
        let resource = entry.resource_type.as_deref().map(str::to_ascii_lowercase);
        // CORS-preflight fetch (Fetch §4.8): never carries cookies, and its
        // Set-Cookie is not stored.
        let preflight = resource.as_deref() == Some("preflight")
            || (method == "OPTIONS"
                && entry
                    .request
                    .header("access-control-request-method")
                    .is_some());
        if preflight {
            return;
        }

        // ---- what kind of request, from which document ----
        let key = entry.request.url.clone();
        let continued = self.pending.remove(&key);
        let (kind, initiator, redirects, include_credentials) = match continued {
            Some(p) => (p.kind, p.initiator, p.redirects, p.include_credentials),
            None => {
                let kind = self.kind_of(entry, dest.as_deref(), resource.as_deref());
                let initiator = self.initiator_of(entry, &kind, fetch_site.as_deref(), &url_site);
                let include = match &kind {
                    Kind::Sub { client } if mode.as_deref() == Some("cors") => {
                        // Fetch §3.1.7 credentials mode: not in the HAR. A
                        // same-origin request carries credentials either way
                        // ("include" or the default "same-origin"); a
                        // cross-origin one only with "include", which the
                        // browser's Cookie header shows.
                        // With no known document, nothing says it was
                        // cross-origin: credentials are assumed.
                        let same_origin = client
                            .and_then(|c| self.docs.get(&c))
                            .is_none_or(|d| d.origin == url_origin);
                        same_origin || !actual.is_empty()
                    }
                    Kind::Sub { .. } if mode.as_deref() == Some("same-origin") => true,
                    _ => true,
                };
                (kind, initiator, Vec::new(), include)
            }
        };

        // ---- the context (RFC 6265bis §5.2, via the fetch crate) ----
        let (chain_from, top_nav) = match &kind {
            Kind::Top => (None, true),
            Kind::Frame { container } => (*container, false),
            Kind::Sub { client } => (*client, false),
        };
        let mut chain = self.chain(chain_from);
        if chain.is_empty() && !top_nav {
            // No document is known for the request (the HAR starts mid-page):
            // take it as first-party rather than invent a cross-site parent.
            chain.push(url_site.clone());
        }
        let chain_refs: Vec<&Site> = chain.iter().collect();
        let mut context: RequestContext = request_context(
            &RequestShape {
                url_site: &url_site,
                chain: &chain_refs,
                initiator: initiator.as_ref(),
                redirect_chain: &redirects,
                top_level_navigation: top_nav,
            },
            cookies::knobs(profile),
        );
        cookies::apply_redirect_taint(profile, &mut context);
        let facts = RequestCookieFacts {
            safe_method: is_safe_method(&method),
            top_level_navigation: top_nav,
            include_credentials,
            unpartitioned_access: !context.third_party,
        };
        let env = Env {
            now: self.now,
            psl: self.psl,
            policy: &profile.policy,
        };
        let (sent, excluded) = cookies::cookies_for_request(
            profile,
            &mut self.jar,
            &env,
            &cookie_url,
            &context,
            facts,
        );
        self.compare(entry, &sent, &excluded, &actual, sink);

        // ---- the response's Set-Cookie lines (RFC 6265bis §5.6–5.7) ----
        for line in set_lines {
            self.summary.set_cookie_lines = self.summary.set_cookie_lines.saturating_add(1);
            let env = Env {
                now: self.now,
                psl: self.psl,
                policy: &profile.policy,
            };
            let outcome = cookies::receive_set_cookie(
                profile,
                &mut self.jar,
                &env,
                &Rc::from(line),
                &parse_set_cookie(line.as_bytes()),
                &cookie_url,
                &context,
                facts,
            );
            if outcome.stored {
                self.summary.stored = self.summary.stored.saturating_add(1);
                if let Some(c) = &outcome.cookie
                    && self.set_at.len() < MAX_SET_RECORDS
                {
                    self.set_at.insert(
                        (
                            c.name.clone(),
                            c.domain.clone(),
                            c.path.clone(),
                            c.partition.clone(),
                        ),
                        entry.index,
                    );
                }
            } else {
                self.summary.rejected = self.summary.rejected.saturating_add(1);
                sink(HarFinding::Rejected {
                    request: entry.index,
                    url: entry.request.url.clone(),
                    cookie: outcome
                        .cookie
                        .as_ref()
                        .map(|c| c.name.to_string())
                        .unwrap_or_else(|| set_cookie_name(line)),
                    line: if self.show_values {
                        line.to_string()
                    } else {
                        redact_set_cookie(line)
                    },
                    reasons: outcome.reasons,
                });
            }
        }

        // ---- where the request leads: a redirect, or a new document ----
        let status = entry.response.status;
        let location = if entry.response.redirect_url.is_empty() {
            entry.response.header("location").unwrap_or_default()
        } else {
            entry.response.redirect_url.as_str()
        };
        if matches!(status, 301 | 302 | 303 | 307 | 308) && !location.is_empty() {
            if let Ok(next) = url.join(location) {
                let mut redirects = redirects;
                if redirects.len() < 32 {
                    redirects.push(url_site);
                }
                self.remember_redirect(
                    next.to_string(),
                    Pending {
                        kind,
                        initiator,
                        redirects,
                        include_credentials,
                    },
                );
            }
            return;
        }
        match kind {
            Kind::Top => {
                let id = self.remember_doc(Doc {
                    url: entry.request.url.clone(),
                    origin: url_origin,
                    site: url_site,
                    parent: None,
                });
                if let Some(p) = &entry.pageref {
                    self.page_top.insert(p.clone(), id);
                }
                self.last_top = Some(id);
            }
            Kind::Frame { container } => {
                self.remember_doc(Doc {
                    url: entry.request.url.clone(),
                    origin: url_origin,
                    site: url_site,
                    parent: container,
                });
            }
            Kind::Sub { .. } => {}
        }
    }

    fn kind_of(&self, entry: &HarEntry, dest: Option<&str>, resource: Option<&str>) -> Kind {
        match dest {
            Some("document") => return Kind::Top,
            Some("iframe" | "frame" | "fencedframe") => {
                return Kind::Frame {
                    container: self.client_of(entry),
                };
            }
            Some(_) => {
                return Kind::Sub {
                    client: self.client_of(entry),
                };
            }
            None => {}
        }
        if resource == Some("document") {
            // Without Sec-Fetch-Dest: the first document of its page is the
            // page itself; a later one is a frame.
            let page_has_top = entry
                .pageref
                .as_ref()
                .is_some_and(|p| self.page_top.contains_key(p));
            if entry.pageref.is_none() || !page_has_top {
                return Kind::Top;
            }
            return Kind::Frame {
                container: self.client_of(entry),
            };
        }
        Kind::Sub {
            client: self.client_of(entry),
        }
    }

    /// The site of the document that started the request (RequestShape's
    /// `initiator`); `None` for a browser-initiated navigation.
    fn initiator_of(
        &self,
        entry: &HarEntry,
        kind: &Kind,
        fetch_site: Option<&str>,
        url_site: &Site,
    ) -> Option<Site> {
        match kind {
            Kind::Frame { container: Some(d) } | Kind::Sub { client: Some(d) } => {
                self.docs.get(d).map(|d| d.site.clone())
            }
            Kind::Frame { container: None } | Kind::Sub { client: None } => None,
            Kind::Top => {
                // Fetch Metadata §2.4: `none` is a user-initiated navigation.
                match fetch_site {
                    Some("none") => return None,
                    Some("same-origin" | "same-site") => return Some(url_site.clone()),
                    _ => {}
                }
                let referrer_site = entry
                    .request
                    .header("referer")
                    .and_then(|r| Url::parse(r).ok())
                    .and_then(|u| self.site_of(&u))
                    .map(|(_, s)| s);
                if let Some(s) = referrer_site {
                    return Some(s);
                }
                let previous = self
                    .last_top
                    .and_then(|d| self.docs.get(&d))
                    .map(|d| d.site.clone());
                match fetch_site {
                    // Cross-site without a referrer: the previous page, if
                    // it is cross-site; else nothing better is known.
                    Some("cross-site") => previous.filter(|p| p != url_site),
                    _ => None,
                }
            }
        }
    }

    fn compare(
        &mut self,
        entry: &HarEntry,
        sent: &[CookieRef],
        excluded: &[ExcludedCookie],
        actual: &[String],
        sink: &mut dyn FnMut(HarFinding),
    ) {
        self.summary.requests_compared = self.summary.requests_compared.saturating_add(1);
        let mut names: Vec<&str> = sent.iter().map(|c| &*c.name).collect();
        names.extend(actual.iter().map(String::as_str));
        names.sort_unstable();
        names.dedup();
        for name in names {
            let model = sent.iter().filter(|c| *c.name == *name).count();
            let browser = actual.iter().filter(|c| *c == name).count();
            let withheld: Vec<&ExcludedCookie> =
                excluded.iter().filter(|e| *e.name == *name).collect();
            if browser > model && withheld.is_empty() && model == 0 {
                // Not in the model's jar at all: set before the recording, by
                // script, or in a way the HAR does not show.
                self.summary.unknown_cookies = self.summary.unknown_cookies.saturating_add(1);
                continue;
            }
            self.summary.cookies_compared = self.summary.cookies_compared.saturating_add(1);
            if model == browser {
                self.summary.cookies_agreed = self.summary.cookies_agreed.saturating_add(1);
                continue;
            }
            self.summary.mismatches = self.summary.mismatches.saturating_add(1);
            let mut model_reasons: Reasons = Reasons::new();
            for e in &withheld {
                for r in &e.reasons {
                    if !model_reasons.contains(r) {
                        model_reasons.push(*r);
                    }
                }
            }
            sink(HarFinding::Mismatch {
                request: entry.index,
                url: entry.request.url.clone(),
                cookie: name.to_string(),
                browser_sent: browser > 0,
                model_sent: model > 0,
                model_reasons,
            });
        }
        for e in excluded {
            if !actual.iter().any(|a| **a == *e.name) {
                self.not_sent(entry, e, sink);
            }
        }
    }

    fn not_sent(&mut self, entry: &HarEntry, e: &ExcludedCookie, sink: &mut dyn FnMut(HarFinding)) {
        self.summary.not_sent = self.summary.not_sent.saturating_add(1);
        let key = (
            e.name.clone(),
            e.domain.clone(),
            e.path.clone(),
            e.partition.clone(),
        );
        sink(HarFinding::NotSent {
            request: entry.index,
            url: entry.request.url.clone(),
            cookie: CookieRef {
                name: e.name.clone(),
                domain: e.domain.clone(),
                path: e.path.clone(),
                partition: e.partition.clone(),
            },
            reasons: e.reasons.clone(),
            set_at: self.set_at.get(&key).copied(),
        });
    }
}

/// The cookie names the browser sent: the `Cookie` request headers (RFC
/// 6265bis §5.8.3 step 5: `; `-joined pairs), else HAR's `request.cookies`.
fn browser_cookies(entry: &HarEntry) -> Vec<String> {
    let headers: Vec<&str> = entry
        .request
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("cookie"))
        .map(|h| h.value.as_str())
        .collect();
    if !headers.is_empty() {
        let mut names = Vec::new();
        for h in headers {
            for pair in h.split(';') {
                let pair = pair.trim_matches([' ', '\t']);
                if pair.is_empty() {
                    continue;
                }
                // A nameless cookie is sent as its value alone.
                let name = pair.split_once('=').map_or("", |(n, _)| n);
                names.push(name.trim().to_string());
            }
        }
        return names;
    }
    entry
        .request
        .cookies
        .iter()
        .map(|c| c.name.clone())
        .collect()
}

/// The name a Set-Cookie line sets (RFC 6265bis §5.6 step 3), trimmed.
fn set_cookie_name(line: &str) -> String {
    let pair = line.split(';').next().unwrap_or_default();
    pair.split_once('=')
        .map_or("", |(n, _)| n)
        .trim()
        .to_string()
}

/// A Set-Cookie line with its value replaced by `<redacted>`.
pub fn redact_set_cookie(line: &str) -> String {
    let (pair, rest) = match line.find(';') {
        Some(i) => (line.get(..i).unwrap_or(line), line.get(i..).unwrap_or("")),
        None => (line, ""),
    };
    match pair.split_once('=') {
        Some((name, value)) if !value.trim().is_empty() => format!("{name}=<redacted>{rest}"),
        Some(_) => line.to_string(),
        None => format!("<redacted>{rest}"),
    }
}

fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// ISO 8601 / RFC 3339 date-time (HAR 1.2 §entries `startedDateTime`) to
/// seconds since the Unix epoch; `None` when it is not one.
pub fn parse_iso8601(s: &str) -> Option<Time> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = s.get(from..from.checked_add(len)?)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let year = num(0, 4)?;
    let month = num(5, 2)?;
    let day = num(8, 2)?;
    let hour = num(11, 2)?;
    let minute = num(14, 2)?;
    let second = num(17, 2)?;
    if b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !matches!(b.get(10), Some(b'T' | b't' | b' '))
    {
        return None;
    }
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    let offset = match b.get(i) {
        Some(b'Z' | b'z') | None => 0,
        Some(sign @ (b'+' | b'-')) => {
            let h = num(i + 1, 2)?;
            let m = num(i + 4, 2).or_else(|| num(i + 3, 2)).unwrap_or(0);
            let off = h * 3600 + m * 60;
            if *sign == b'+' { off } else { -off }
        }
        Some(_) => return None,
    };
    // Howard Hinnant's days_from_civil.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(Time::from_unix(
        days * 86_400 + hour * 3600 + minute * 60 + second - offset,
    ))
}

/// Replays a whole HAR from `reader`: each finding goes to `sink` as soon as it
/// is known. A broken file ends with the reader's error.
pub fn replay_har<R: Read>(
    reader: R,
    file: &str,
    replay: &mut HarReplay<'_>,
    sink: &mut dyn FnMut(HarFinding),
) -> Result<HarSummary, HarError> {
    read_har(reader, file, &mut |meta, item| match item {
        Ok(entry) => replay.entry(meta, &entry, sink),
        Err(e) => replay.bad_entry(&e, sink),
    })
}

/// One HAR entry as an audit input (DESIGN.md §7 audit lines): the response's
/// URL, status and header lines. A frame document (`Sec-Fetch-Dest: iframe`)
/// whose page (`pageref` title) is another origin is audited as embedded in
/// it; a CORS request (`Sec-Fetch-Mode: cors`) whose `Origin` is another
/// origin is audited as called from it.
pub fn entry_to_audit_response(entry: &HarEntry, meta: &HarMeta) -> AuditResponse {
    let url_origin = Url::parse(&entry.request.url)
        .ok()
        .and_then(|u| Origin::of_url(&u).ok());
    let other_origin = |candidate: &str| -> Option<String> {
        let o = Origin::parse(candidate).ok()?;
        (Some(&o) != url_origin.as_ref()).then(|| o.to_string())
    };
    let dest = entry.request.header("sec-fetch-dest").unwrap_or_default();
    let mut embedded_in = Vec::new();
    if dest.eq_ignore_ascii_case("iframe") || dest.eq_ignore_ascii_case("frame") {
        let page = entry
            .pageref
            .as_deref()
            .and_then(|p| meta.page(p))
            .map(|p| p.title.as_str());
        if let Some(o) = page.and_then(&other_origin) {
            embedded_in.push(o);
        }
    }
    let mut called_from = Vec::new();
    if entry
        .request
        .header("sec-fetch-mode")
        .is_some_and(|m| m.eq_ignore_ascii_case("cors"))
        && let Some(o) = entry.request.header("origin").and_then(other_origin)
    {
        called_from.push(o);
    }
    AuditResponse {
        url: entry.request.url.clone(),
        status: (entry.response.status > 0).then_some(entry.response.status),
        headers: entry
            .response
            .headers
            .iter()
            .filter(|h| !h.name.starts_with(':'))
            .flat_map(|h| {
                h.value
                    .split('\n')
                    .map(move |v| format!("{}: {}", h.name, v))
            })
            .collect(),
        embedded_in,
        called_from,
    }
}

/// Reads a HAR and hands each entry to `on` as an [`AuditResponse`] (or the
/// entry's error), streaming: what `cookie-doctor audit` calls for a HAR file.
pub fn har_audit_responses<R: Read>(
    reader: R,
    file: &str,
    on: &mut dyn FnMut(Result<AuditResponse, HarError>),
) -> Result<HarSummary, HarError> {
    read_har(reader, file, &mut |meta, item| {
        on(item.map(|entry| entry_to_audit_response(&entry, meta)));
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use cookie_doctor_cookie::Reason;

    #[test]
    fn iso_dates() {
        assert_eq!(
            parse_iso8601("1970-01-01T00:00:00Z"),
            Some(Time::from_unix(0))
        );
        assert_eq!(
            parse_iso8601("2026-12-03T17:08:54.283Z"),
            Some(Time::from_unix(1_796_317_734))
        );
        assert_eq!(
            parse_iso8601("2026-12-03T18:08:54.283+01:00"),
            Some(Time::from_unix(1_796_317_734))
        );
        assert_eq!(parse_iso8601("yesterday"), None);
        assert_eq!(parse_iso8601("2026-13-03T17:08:54Z"), None);
        assert_eq!(parse_iso8601("2026-12-03T17:08:5"), None);
    }

    fn replay_text(text: &str) -> (Vec<HarFinding>, HarReplaySummary) {
        let mut replay = HarReplay::new(
            None,
            &cookie_doctor_site::BuiltinPsl,
            Time::from_unix(1_700_000_000),
            false,
        );
        let mut findings = Vec::new();
        replay_har(text.as_bytes(), "t.har", &mut replay, &mut |f| {
            findings.push(f)
        })
        .unwrap();
        (findings, replay.finish())
    }

    #[test]
    fn a_request_from_an_unknown_document_is_taken_as_first_party() {
        let (findings, summary) = replay_text(
            r#"{"log": {"entries": [
              {"request": {"method": "GET", "url": "https://a.example/api", "headers": [{"name": "Sec-Fetch-Mode", "value": "cors"}]},
               "response": {"status": 200, "headers": [{"name": "Set-Cookie", "value": "s=1; Secure; SameSite=Lax"}]}},
              {"request": {"method": "GET", "url": "https://a.example/api", "headers": [{"name": "Cookie", "value": "s=1"}]},
               "response": {"status": 200}}
            ]}}"#,
        );
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!((summary.cookies_compared, summary.cookies_agreed), (1, 1));
    }

    #[test]
    fn a_redirect_chain_carries_the_top_level_context() {
        // A link on c.example leads to a.example through b.example: the Lax
        // cookie rides the top-level GET; a Strict one stays home (the
        // initiator is carried along the redirect chain).
        let (findings, summary) = replay_text(
            r#"{"log": {"entries": [
              {"request": {"method": "GET", "url": "https://a.example/", "headers": [{"name": "Sec-Fetch-Dest", "value": "document"}, {"name": "Sec-Fetch-Site", "value": "none"}]},
               "response": {"status": 200, "headers": [{"name": "Set-Cookie", "value": "lax=1; Secure; SameSite=Lax"}, {"name": "Set-Cookie", "value": "strict=1; Secure; SameSite=Strict"}]}},
              {"request": {"method": "GET", "url": "https://b.example/go", "headers": [{"name": "Sec-Fetch-Dest", "value": "document"}, {"name": "Sec-Fetch-Site", "value": "cross-site"}, {"name": "Referer", "value": "https://c.example/"}]},
               "response": {"status": 302, "redirectURL": "https://a.example/in"}},
              {"request": {"method": "GET", "url": "https://a.example/in", "headers": [{"name": "Sec-Fetch-Dest", "value": "document"}, {"name": "Sec-Fetch-Site", "value": "cross-site"}, {"name": "Cookie", "value": "lax=1"}]},
               "response": {"status": 200}}
            ]}}"#,
        );
        assert_eq!(summary.mismatches, 0, "{findings:?}");
        assert!(findings.iter().any(|f| matches!(f,
            HarFinding::NotSent { request: 2, cookie, reasons, .. }
                if &*cookie.name == "strict" && reasons.contains(&Reason::SameSiteStrict))));
    }

    #[test]
    fn redaction_keeps_name_and_attributes() {
        assert_eq!(
            redact_set_cookie("sid=abc123; Path=/; SameSite=None"),
            "sid=<redacted>; Path=/; SameSite=None"
        );
        assert_eq!(redact_set_cookie("sid=; Max-Age=0"), "sid=; Max-Age=0");
        assert_eq!(redact_set_cookie("token"), "<redacted>");
    }

    #[test]
    fn profile_from_creator_browser_and_user_agent() {
        let mut meta = HarMeta::default();
        assert_eq!(profile_name_for(&meta, None), ("chrome", "default"));
        meta.creator = Some(cookie_doctor_inputs::HarSoftware {
            name: "WebInspector".into(),
            version: "537.36".into(),
        });
        assert_eq!(profile_name_for(&meta, None), ("chrome", "creator"));
        meta.browser = Some(cookie_doctor_inputs::HarSoftware {
            name: "Firefox".into(),
            version: "128".into(),
        });
        assert_eq!(profile_name_for(&meta, None), ("firefox", "browser"));
        let mut entry = HarEntry::default();
        entry.request.headers.push(cookie_doctor_inputs::HarHeader {
            name: "User-Agent".into(),
            value: "Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15"
                .into(),
        });
        assert_eq!(
            profile_name_for(&HarMeta::default(), Some(&entry)),
            ("safari", "user-agent")
        );
    }
}
