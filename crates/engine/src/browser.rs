//! One browser profile running a scenario: the frame tree, the jar, the clock,
//! Storage Access grants; each step becomes requests whose cookie, CORS and
//! framing decisions go into the trace.

use std::borrow::Cow;
use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;

use smallvec::SmallVec;

use cookie_doctor_cookie::{
    Api, Cookie, CookieJar, CookieUrl, Env, GetContext, ParseError, ParseNotes, PartitionKey,
    Reason, Reasons, SetCookie, Time, is_safe_method, parse_set_cookie, reasons,
};
use cookie_doctor_fetch::{
    ContextKnobs, CorsRequest, CredentialsMode, Headers, RequestContext, RequestShape, cors,
    framing, request_context, third_party,
};
use cookie_doctor_inputs::{Credentials, Expect, LoadAs, Scenario, Step, StepKind};
use cookie_doctor_profiles::{Profile, StorageAccessScope, ThirdPartyCookies, WatchedKnobs};
use cookie_doctor_site::{Origin, PublicSuffixList, Site};
use url::Url;

use crate::cookies::{self, rejected};
use crate::trace::{
    Blocked, CookieRef, CorsTrace, ExcludedCookie, ExpectResult, JarCookie, RequestTrace, Run,
    SetCookieTrace, StepTrace, method_text,
};

/// Browsers stop following redirects after this many (Fetch "HTTP-redirect
/// fetch" step 5: "If request's redirect count is 20, return a network error").
const MAX_REDIRECTS: usize = 20;

/// A scenario's `[[response]]` entries, indexed by origin + path.
pub(crate) struct Responses {
    entries: Vec<ResponseEntry>,
    /// What an unmatched URL gets: no headers.
    empty: Headers,
    /// The steps' URLs (text → parsed), parsed once for every profile.
    step_urls: UrlMap<Option<Url>>,
    /// The origin, site and response entry of each URL a step or a response
    /// names (parsed URL text → all three), made once for every request and
    /// profile.
    known: UrlMap<KnownUrl>,
}

/// What the engine made of a URL: for a URL a scenario names, once per run
/// (and what a request hop to any URL starts from, [`Browser::hop_facts`]).
#[derive(Clone)]
struct KnownUrl {
    origin: Origin,
    site: Site,
    /// The response entry that answers it ([`entry_for`]).
    entry: Option<usize>,
    /// The URL's text and path, shared by every request's trace and cookie
    /// URL instead of copied into each.
    text: Rc<str>,
    path: Arc<str>,
}

/// HTML "origin" and "obtain a site" of a URL.
fn origin_and_site(url: &Url, psl: &dyn PublicSuffixList) -> Option<(Origin, Site)> {
    let origin = Origin::of_url(url).ok()?;
    let site = Site::of(&origin, psl);
    Some((origin, site))
}

/// URL text → what the engine made of it. Looked up on every step and
/// request. A scenario names few URLs (a check's two or three): up to
/// [`UrlMap::LINEAR`] of them are found by comparing texts, cheaper than
/// hashing one; past that a hash index (foldhash, seeded per process) is kept
/// beside them.
struct UrlMap<T> {
    entries: Vec<(String, T)>,
    index: Option<std::collections::HashMap<String, usize, foldhash::fast::RandomState>>,
}

impl<T> Default for UrlMap<T> {
    fn default() -> Self {
        UrlMap {
            entries: Vec::new(),
            index: None,
        }
    }
}

impl<T> UrlMap<T> {
    /// The most entries looked up by comparing texts.
    const LINEAR: usize = 8;

    fn position(&self, url: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(url).copied(),
            None => self.entries.iter().position(|(k, _)| k == url),
        }
    }

    fn get(&self, url: &str) -> Option<&T> {
        let at = self.position(url)?;
        self.entries.get(at).map(|(_, v)| v)
    }

    fn contains_key(&self, url: &str) -> bool {
        self.position(url).is_some()
    }

    /// Sets the value of `url` (replacing one it had).
    fn insert(&mut self, url: String, value: T) {
        if let Some(slot) = self.position(&url).and_then(|at| self.entries.get_mut(at)) {
            slot.1 = value;
            return;
        }
        if let Some(index) = &mut self.index {
            index.insert(url.clone(), self.entries.len());
        }
        self.entries.push((url, value));
        if self.index.is_none() && self.entries.len() > Self::LINEAR {
            self.index = Some(
                self.entries
                    .iter()
                    .enumerate()
                    .map(|(at, (k, _))| (k.clone(), at))
                    .collect(),
            );
        }
    }

    /// The values, in the order their URLs were first inserted.
    fn values(&self) -> impl Iterator<Item = &T> {
        self.entries.iter().map(|(_, v)| v)
    }
}

/// The entry whose URL matches `url`'s scheme, host, port and path (query
/// and fragment ignored), if any.
fn entry_for(entries: &[ResponseEntry], url: &Url) -> Option<usize> {
    entries.iter().position(|e| {
        e.url.scheme() == url.scheme()
            && e.url.host() == url.host()
            && e.url.port_or_known_default() == url.port_or_known_default()
            && e.url.path() == url.path()
    })
}

struct ResponseEntry {
    url: Url,
    status: u16,
    location: Option<String>,
    headers: Headers,
}

/// A response as the engine sees it.
struct Response<'a> {
    /// Which entry answered (`None`: the empty default response).
    entry: Option<usize>,
    status: u16,
    location: Option<&'a str>,
    headers: &'a Headers,
}

/// Each response entry's Set-Cookie lines, parsed once (RFC 6265bis §5.6 does
/// not depend on the browser or the request) for every request and profile
/// that receives them.
pub(crate) struct ParsedSetCookies<'r> {
    per_entry: Vec<Vec<ParsedLine<'r>>>,
}

/// One Set-Cookie line (shared with the traces that quote it) and its parse.
type ParsedLine<'r> = (Rc<str>, Result<SetCookie<'r>, ParseError>);

impl<'r> ParsedSetCookies<'r> {
    pub(crate) fn new(responses: &'r Responses) -> ParsedSetCookies<'r> {
        ParsedSetCookies {
            per_entry: responses
                .entries
                .iter()
                .map(|e| {
                    e.headers
                        .get_all("set-cookie")
                        .map(|line| {
                            let parsed = parse_set_cookie(line.as_bytes()).map(SetCookie::shared);
                            (Rc::from(line), parsed)
                        })
                        .collect()
                })
                .collect(),
        }
    }

    /// Whether a response has a `Partitioned` line.
    pub(crate) fn any_partitioned(&self) -> bool {
        self.per_entry
            .iter()
            .flatten()
            .any(|(_, parsed)| parsed.as_ref().is_ok_and(|p| p.partitioned))
    }

    /// The Set-Cookie lines of a response, in header order.
    fn of(&self, entry: Option<usize>) -> &[ParsedLine<'r>] {
        entry
            .and_then(|i| self.per_entry.get(i))
            .map_or(&[], Vec::as_slice)
    }
}

impl Responses {
    pub(crate) fn new(scenario: &Scenario, psl: &dyn PublicSuffixList) -> Responses {
        Responses::for_scenarios(&[scenario], psl)
    }

    /// The responses of the first scenario, and the step URLs of all of them
    /// (scenarios run together by `run_branches` share their responses).
    pub(crate) fn for_scenarios(scenarios: &[&Scenario], psl: &dyn PublicSuffixList) -> Responses {
        let entries: Vec<ResponseEntry> = scenarios
            .first()
            .map(|scenario| {
                scenario
                    .responses
                    .iter()
                    .filter_map(|spec| {
                        let url = Url::parse(&spec.url).ok()?;
                        Some(ResponseEntry {
                            url,
                            status: spec.status,
                            location: spec.location.clone(),
                            headers: Headers::from_lines(&spec.headers),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut step_urls = UrlMap::default();
        for step in scenarios.iter().flat_map(|s| &s.steps) {
            if let Some(text) = step.url.as_deref()
                && !step_urls.contains_key(text)
            {
                step_urls.insert(text.to_string(), Url::parse(text).ok());
            }
        }
        let mut known = UrlMap::default();
        let named = step_urls
            .values()
            .flatten()
            .chain(entries.iter().map(|e| &e.url));
        for url in named {
            if let Some((origin, site)) = origin_and_site(url, psl) {
                let entry = entry_for(&entries, url);
                known.insert(
                    url.as_str().to_string(),
                    KnownUrl {
                        origin,
                        site,
                        entry,
                        text: url.as_str().into(),
                        path: url.path().into(),
                    },
                );
            }
        }
        Responses {
            entries,
            empty: Headers::new(),
            step_urls,
            known,
        }
    }

    /// The parsed URL of a step.
    fn step_url(&self, step: &Step) -> Option<Url> {
        self.step_urls.get(step.url.as_deref()?).cloned().flatten()
    }

    /// "A request matches the entry with the same origin and path (the query is
    /// ignored). Anything unmatched gets 200 with no extra headers."
    fn find(&self, url: &Url) -> Response<'_> {
        let entry = match self.known.get(url.as_str()) {
            Some(known) => known.entry,
            None => entry_for(&self.entries, url),
        };
        self.response(entry)
    }

    /// The response of entry `entry` (`None`: the empty default response).
    fn response(&self, entry: Option<usize>) -> Response<'_> {
        match entry {
            Some(i) => match self.entries.get(i) {
                Some(e) => Response {
                    entry: Some(i),
                    status: e.status,
                    location: e.location.as_deref(),
                    headers: &e.headers,
                },
                None => self.empty_response(),
            },
            None => self.empty_response(),
        }
    }

    fn empty_response(&self) -> Response<'_> {
        Response {
            entry: None,
            status: 200,
            location: None,
            headers: &self.empty,
        }
    }
}

/// A frame and its ancestors up to the top-level one (as indices into the
/// frame tree): rarely more than a few, so kept off the heap.
type FrameChain = SmallVec<[usize; 4]>;

/// A document in the frame tree.
#[derive(Clone, Debug)]
struct Frame {
    /// `top`, or the name its iframe step gave it.
    name: Cow<'static, str>,
    url: Url,
    origin: Origin,
    site: Site,
    parent: Option<usize>,
    /// Navigated away or removed with its parent.
    gone: bool,
    /// The document was refused (framing, mixed content): an error page.
    refused: Option<String>,
    /// `document.requestStorageAccess()` was granted to this document.
    storage_access: bool,
}

/// How a request relates to the frame tree.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// Navigates the top-level document.
    TopNavigation,
    /// Navigates a frame whose container document is this frame.
    FrameNavigation { container: usize },
    /// A subresource or fetch made by this frame's document.
    Subresource { client: usize },
}

struct RequestPlan {
    url: Url,
    method: Cow<'static, str>,
    destination: &'static str,
    kind: Kind,
    initiator: Option<usize>,
    credentials: CredentialsMode,
    /// fetch(): CORS applies to cross-origin requests; the author headers.
    cors_headers: Option<Headers>,
}

struct RequestOutcome {
    traces: Vec<RequestTrace>,
    /// Where the request ended (after redirects); `None` once a navigation
    /// gave it to its frame.
    final_url: Option<Url>,
    /// The document was refused or never requested.
    refused: Option<String>,
}

#[cfg(test)]
thread_local! {
    /// Tests set this to make every rider's parting unforeseen (replayed).
    pub(crate) static NEVER_FORESEE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The state of one browser while it runs a scenario (cloned where the
/// branches of [`crate::run_branches`] part).
#[derive(Clone)]
pub(crate) struct Browser<'a> {
    profile: &'a Profile,
    psl: &'a dyn PublicSuffixList,
    responses: &'a Responses,
    parsed: &'a ParsedSetCookies<'a>,
    frames: Vec<Frame>,
    top: Option<usize>,
    jar: CookieJar,
    now: Time,
    /// Storage Access grants with site-pair scope: (top-level site, embedded site).
    grants: Vec<(Site, Site)>,
    /// Whether a final (non-redirect) response's Set-Cookie lines are stored;
    /// `false` only for a last step whose caller reads nothing they would
    /// change (see [`crate::Branch::last_set_cookie`]).
    store_response_cookies: bool,
    /// The clock at the start (a rider replays its steps from there).
    start: Time,
    /// The watched knobs a decision since the last
    /// [`Browser::take_knobs_read`] may have read (see [`WatchedKnobs`]; for
    /// `third_party_cookies`, `cookies::partition_reads_third_party_cookies`
    /// and `cookies::reads_third_party_cookies_on_access`).
    knobs_read: Cell<WatchedKnobs>,
}

impl<'a> Browser<'a> {
    pub(crate) fn new(
        profile: &'a Profile,
        psl: &'a dyn PublicSuffixList,
        responses: &'a Responses,
        parsed: &'a ParsedSetCookies<'a>,
        start: Time,
    ) -> Browser<'a> {
        Browser {
            profile,
            psl,
            responses,
            parsed,
            frames: Vec::new(),
            top: None,
            jar: CookieJar::new(),
            now: start,
            grants: Vec::new(),
            store_response_cookies: true,
            start,
            knobs_read: Cell::new(WatchedKnobs::NONE),
        }
    }

    /// A new browser of `profile` at the start, sharing this one's
    /// responses.
    pub(crate) fn restarted(&self, profile: &'a Profile) -> Browser<'a> {
        Browser::new(profile, self.psl, self.responses, self.parsed, self.start)
    }

    /// This browser's state under `profile`: only for a profile whose knobs
    /// differ from this one's in watched knobs alone, none of them read so far
    /// (the state so far is what `profile` would have).
    pub(crate) fn with_profile(mut self, profile: &'a Profile) -> Browser<'a> {
        self.profile = profile;
        self
    }

    /// The watched knobs a decision since the last call may have read; clears
    /// the record.
    pub(crate) fn take_knobs_read(&self) -> WatchedKnobs {
        self.knobs_read.replace(WatchedKnobs::NONE)
    }

    /// Records that a decision may read `knob`.
    fn note_read(&self, knob: WatchedKnobs) {
        self.knobs_read.set(self.knobs_read.get().with(knob));
    }

    /// Whether `step` may read one of the knobs in `watched`, as far as the
    /// step and the state tell. A guess that only saves work: the reads
    /// themselves are recorded, and a wrong guess costs time only.
    ///
    /// * `third_party_cookies`: a typed navigation, a link that navigates the
    ///   top-level document, a form posted to it or time passing make only
    ///   first-party requests (every hop of a top-level navigation is
    ///   first-party), which read it only in a profile without CHIPS.
    /// * Lax-allowing-unsafe: only a form posts a top-level navigation.
    /// * CHIPS: only with a partitioned cookie in the jar or a `Partitioned`
    ///   line among the responses.
    /// * Storage Access: only the step that asks for it, or after a grant.
    pub(crate) fn may_read(&self, step: &Step, watched: WatchedKnobs) -> bool {
        #[cfg(test)]
        if NEVER_FORESEE.with(std::cell::Cell::get) {
            return false;
        }
        let first_party_only = match step.kind {
            StepKind::Open | StepKind::Click | StepKind::Wait => true,
            StepKind::Submit => step.target.as_deref().is_none_or(|t| t == "top"),
            _ => false,
        };
        let third_party_cookies = watched.meets(WatchedKnobs::THIRD_PARTY_COOKIES)
            && (!first_party_only || cookies::partition_reads_third_party_cookies(self.profile));
        let lax_allow_unsafe =
            watched.meets(WatchedKnobs::LAX_ALLOW_UNSAFE) && step.kind == StepKind::Submit;
        let chips = watched.meets(WatchedKnobs::CHIPS)
            && (self.parsed.any_partitioned() || self.jar.has_partitioned());
        let storage_access = watched.meets(WatchedKnobs::STORAGE_ACCESS)
            && (step.kind == StepKind::StorageAccess || self.any_storage_access_grant());
        third_party_cookies || lax_allow_unsafe || chips || storage_access
    }

    /// Records that a decision in a context with (or without) unpartitioned
    /// access may read the `third_party_cookies` knob.
    fn note_access(&self, unpartitioned_access: bool) {
        if cookies::reads_third_party_cookies_on_access(unpartitioned_access) {
            self.note_read(WatchedKnobs::THIRD_PARTY_COOKIES);
        }
    }

    /// Records the watched knobs a cookie write of `parsed` may read (in
    /// `cookies::write_cookie` and the jar's `store`): CHIPS for a
    /// `Partitioned` line or a write into a partition of third-party
    /// partitioning; the non-ASCII Domain rule for a non-ASCII Domain; the tab
    /// rule for a tab in the name or value.
    fn note_write(
        &self,
        parsed: &Result<SetCookie<'_>, ParseError>,
        context: &RequestContext,
        unpartitioned_access: bool,
    ) {
        self.note_access(unpartitioned_access);
        let Ok(parsed) = parsed else {
            return;
        };
        let partitions_third_party = context.third_party
            && !unpartitioned_access
            && self.profile.third_party_cookies == ThirdPartyCookies::Partition;
        if parsed.partitioned || partitions_third_party {
            self.note_read(WatchedKnobs::CHIPS);
        }
        if parsed.domain.is_some_and(|d| !d.is_ascii()) {
            self.note_read(WatchedKnobs::NON_ASCII_DOMAIN);
        }
        if parsed.notes.contains(ParseNotes::TAB_IN_NAME_OR_VALUE) {
            self.note_read(WatchedKnobs::TAB_IN_NAME_OR_VALUE);
        }
    }

    /// Records the watched knobs a retrieval may read: CHIPS (the partition
    /// this context reads, its ancestor bit) when the jar holds a partitioned
    /// cookie; Lax-allowing-unsafe on a cross-site top-level navigation with
    /// an unsafe method (the only case where a young cookie without SameSite
    /// goes out because it is young: RFC 6265bis §5.6.7.2).
    fn note_retrieval(
        &self,
        context: &RequestContext,
        safe_method: bool,
        top_level_navigation: bool,
    ) {
        if self.jar.has_partitioned() {
            self.note_read(WatchedKnobs::CHIPS);
        }
        if !context.same_site && top_level_navigation && !safe_method {
            self.note_read(WatchedKnobs::LAX_ALLOW_UNSAFE);
        }
    }

    /// Whether a Storage Access grant exists: before the first one, every
    /// scope answers "no access", so the scope knob is not read.
    fn any_storage_access_grant(&self) -> bool {
        !self.grants.is_empty() || self.frames.iter().any(|f| f.storage_access)
    }

    /// The request's context, recording a read of `third_party.schemeful`
    /// when the third-party verdict depends on it.
    fn context_of(&self, shape: &RequestShape<'_>) -> RequestContext {
        let knobs = self.knobs();
        let context = request_context(shape, knobs);
        // Schemes that all agree make the scheme rule moot.
        let one_scheme = shape
            .chain
            .iter()
            .all(|s| s.scheme() == shape.url_site.scheme());
        if !shape.top_level_navigation
            && !one_scheme
            && third_party(shape, !knobs.third_party_schemeful) != context.third_party
        {
            self.note_read(WatchedKnobs::THIRD_PARTY_SCHEMEFUL);
        }
        context
    }

    /// Sets whether the next steps store the Set-Cookie lines of their final
    /// responses (redirect hops always store theirs).
    pub(crate) fn set_store_response_cookies(&mut self, store: bool) {
        self.store_response_cookies = store;
    }

    fn env(&self) -> Env<'a> {
        Env {
            now: self.now,
            psl: self.psl,
            policy: &self.profile.policy,
        }
    }

    fn knobs(&self) -> ContextKnobs {
        cookies::knobs(self.profile)
    }

    /// The origin of `url`, from the run's table when it names the URL.
    fn origin_of(&self, url: &Url) -> Option<Origin> {
        match self.responses.known.get(url.as_str()) {
            Some(known) => Some(known.origin.clone()),
            None => Origin::of_url(url).ok(),
        }
    }

    fn site_of(&self, url: &Url) -> Option<(Origin, Site)> {
        match self.responses.known.get(url.as_str()) {
            Some(known) => Some((known.origin.clone(), known.site.clone())),
            None => origin_and_site(url, self.psl),
        }
    }

    /// The origin and site of `url`, the response entry that answers it, and
    /// its text and path (one look-up in the run's table for a URL the
    /// scenario names).
    fn hop_facts(&self, url: &Url) -> Option<KnownUrl> {
        match self.responses.known.get(url.as_str()) {
            Some(known) => Some(known.clone()),
            None => origin_and_site(url, self.psl).map(|(origin, site)| KnownUrl {
                origin,
                site,
                entry: entry_for(&self.responses.entries, url),
                text: url.as_str().into(),
                path: url.path().into(),
            }),
        }
    }

    /// The live frame called `name` (`top` is the top-level document).
    fn frame_named(&self, name: &str) -> Option<usize> {
        if name == "top" {
            return self.top;
        }
        self.frames
            .iter()
            .rposition(|f| !f.gone && f.name == name && self.top.is_some())
    }

    /// The frame, then each ancestor up to the top-level document.
    fn chain_from(&self, frame: usize) -> FrameChain {
        let mut chain = FrameChain::new();
        let mut at = Some(frame);
        while let Some(i) = at {
            if chain.len() > self.frames.len() {
                break;
            }
            chain.push(i);
            at = self.frames.get(i).and_then(|f| f.parent);
        }
        chain
    }

    /// Runs the whole scenario.
    pub(crate) fn run(mut self, scenario: &Scenario) -> Run {
        let steps = scenario
            .steps
            .iter()
            .map(|step| {
                let mut trace = self.step(step);
                trace.expect = self.check_expectations(step, &trace);
                trace
            })
            .collect();
        let jar = self.final_jar();
        Run {
            browser: self.profile.name.clone(),
            steps,
            jar,
        }
    }

    /// Runs one step with its expectations checked.
    pub(crate) fn step_checked(&mut self, step: &Step) -> StepTrace {
        let mut trace = self.step(step);
        trace.expect = self.check_expectations(step, &trace);
        trace
    }

    /// The jar as the trace shows it at the end of a run.
    pub(crate) fn jar_now(&self) -> Vec<JarCookie> {
        self.final_jar()
    }

    fn step(&mut self, step: &Step) -> StepTrace {
        let mut trace = StepTrace {
            index: step.index,
            kind: Cow::Borrowed(step.kind.as_str()),
            from: (!matches!(step.kind, StepKind::Open | StepKind::Wait))
                .then(|| step.from.clone().map_or(Cow::Borrowed("top"), Cow::Owned)),
            requests: Vec::new(),
            js_cookie: None,
            js_set: None,
            storage_access: None,
            error: None,
            expect: Vec::new(),
        };
        let from_name = step.from.as_deref().unwrap_or("top");
        let url = self.responses.step_url(step);
        let from = self.frame_named(from_name);
        // Every kind but `open` and `wait` runs in a document.
        let needs_document = !matches!(step.kind, StepKind::Open | StepKind::Wait);
        if needs_document {
            match from.and_then(|i| self.frames.get(i)) {
                None => {
                    trace.error = Some(format!("no frame named {from_name}"));
                    return trace;
                }
                Some(frame) => {
                    if let Some(refused) = &frame.refused {
                        trace.error =
                            Some(format!("frame {from_name} shows an error page ({refused})"));
                        return trace;
                    }
                }
            }
        }
        let from = from.unwrap_or(0);
        match step.kind {
            StepKind::Open | StepKind::Click => {
                let Some(url) = url else {
                    trace.error = Some("bad URL".into());
                    return trace;
                };
                let initiator = (step.kind == StepKind::Click).then_some(from);
                let out = self.navigate_top(url, Cow::Borrowed("GET"), initiator);
                trace.requests = out.traces;
            }
            StepKind::Submit => {
                let Some(mut url) = url else {
                    trace.error = Some("bad URL".into());
                    return trace;
                };
                let method: Cow<'static, str> = match &step.method {
                    Some(m) => Cow::Owned(m.to_ascii_uppercase()),
                    None => Cow::Borrowed("POST"),
                };
                if method == "GET" {
                    // HTML "mutate action URL": a GET form replaces the query with
                    // its fields (the harness carries the action's query over as
                    // fields), so an action without a query gains an empty one.
                    let query = url.query().unwrap_or_default().to_string();
                    url.set_query(Some(&query));
                }
                let target = step.target.as_deref().unwrap_or("top");
                if target == "top" {
                    trace.requests = self.navigate_top(url, method, Some(from)).traces;
                } else {
                    match self.frame_named(target) {
                        Some(frame) => {
                            let out = self.navigate_frame(frame, url, method, Some(from));
                            trace.requests = out.traces;
                        }
                        None => trace.error = Some(format!("no frame named {target}")),
                    }
                }
            }
            StepKind::Iframe => {
                let Some(url) = url else {
                    trace.error = Some("bad URL".into());
                    return trace;
                };
                let name = step.name.clone().unwrap_or_default();
                let out = self.create_frame(from, name, url);
                record(&mut trace, out);
            }
            StepKind::Load => {
                let Some(url) = url else {
                    trace.error = Some("bad URL".into());
                    return trace;
                };
                let destination = match step.load_as {
                    Some(LoadAs::Script) => "script",
                    Some(LoadAs::Style) => "style",
                    _ => "image",
                };
                let out = self.subresource(RequestPlan {
                    url,
                    method: Cow::Borrowed("GET"),
                    destination,
                    kind: Kind::Subresource { client: from },
                    initiator: Some(from),
                    // No-cors loads carry credentials (Fetch: "include" for
                    // elements without a crossorigin attribute).
                    credentials: CredentialsMode::Include,
                    cors_headers: None,
                });
                record(&mut trace, out);
            }
            StepKind::Fetch => {
                let Some(url) = url else {
                    trace.error = Some("bad URL".into());
                    return trace;
                };
                let credentials = match step.credentials {
                    Some(Credentials::Omit) => CredentialsMode::Omit,
                    Some(Credentials::Include) => CredentialsMode::Include,
                    Some(Credentials::SameOrigin) | None => CredentialsMode::SameOrigin,
                };
                let headers = Headers::from_lines(step.headers.as_deref().unwrap_or_default());
                let method = step.method.as_deref().unwrap_or("GET");
                let out = self.subresource(RequestPlan {
                    url,
                    method: normalize_method(method),
                    destination: "empty",
                    kind: Kind::Subresource { client: from },
                    initiator: Some(from),
                    credentials,
                    cors_headers: Some(headers),
                });
                record(&mut trace, out);
            }
            StepKind::JsSet => {
                let line = step.cookie.clone().unwrap_or_default();
                trace.js_set = Some(self.script_write(from, &line));
            }
            StepKind::JsRead => {
                trace.js_cookie = Some(self.script_read(from));
            }
            StepKind::Wait => {
                let seconds = step.seconds.unwrap_or(0.0);
                // Time passes in whole seconds; a partial second rounds up so that a
                // cookie due to expire during the wait has expired (the real browser
                // also spends time between steps).
                let whole = if seconds.is_finite() && seconds > 0.0 {
                    seconds.ceil() as i64
                } else {
                    0
                };
                self.now = self.now.plus(whole);
            }
            StepKind::StorageAccess => {
                trace.storage_access = Some(self.request_storage_access(from));
            }
        }
        trace
    }

    // ---- navigations -------------------------------------------------------

    fn navigate_top(
        &mut self,
        url: Url,
        method: Cow<'static, str>,
        initiator: Option<usize>,
    ) -> RequestOutcome {
        let mut out = self.fetch(RequestPlan {
            url,
            method,
            destination: "document",
            kind: Kind::TopNavigation,
            initiator,
            credentials: CredentialsMode::Include,
            cors_headers: None,
        });
        // The top-level document is replaced and every frame goes.
        self.frames.clear();
        if let Some(final_url) = out.final_url.take()
            && let Some((origin, site)) = self.site_of(&final_url)
        {
            self.frames.push(Frame {
                name: Cow::Borrowed("top"),
                url: final_url,
                origin,
                site,
                parent: None,
                gone: false,
                refused: out.refused.clone(),
                storage_access: false,
            });
            self.top = Some(0);
        } else {
            self.top = None;
        }
        out
    }

    fn create_frame(&mut self, container: usize, name: String, url: Url) -> RequestOutcome {
        let index = self.frames.len();
        let placeholder = self.site_of(&url).map(|(origin, site)| Frame {
            name: Cow::Owned(name),
            url: url.clone(),
            origin,
            site,
            parent: Some(container),
            gone: true,
            refused: None,
            storage_access: false,
        });
        let Some(frame) = placeholder else {
            return RequestOutcome {
                traces: Vec::new(),
                final_url: Some(url),
                refused: Some("bad URL".into()),
            };
        };
        self.frames.push(frame);
        let out = self.load_frame(index, container, url, Cow::Borrowed("GET"), Some(container));
        if let Some(f) = self.frames.get_mut(index) {
            f.gone = false;
        }
        out
    }

    fn navigate_frame(
        &mut self,
        frame: usize,
        url: Url,
        method: Cow<'static, str>,
        initiator: Option<usize>,
    ) -> RequestOutcome {
        let Some(container) = self.frames.get(frame).and_then(|f| f.parent) else {
            return self.navigate_top(url, method, initiator);
        };
        // The frame's old document goes, with every frame inside it.
        self.remove_descendants(frame);
        self.load_frame(frame, container, url, method, initiator)
    }

    fn remove_descendants(&mut self, frame: usize) {
        let mut changed = true;
        while changed {
            changed = false;
            for i in 0..self.frames.len() {
                let parent_gone_or_target =
                    self.frames.get(i).and_then(|f| f.parent).is_some_and(|p| {
                        p == frame || self.frames.get(p).is_some_and(|pf| pf.gone)
                    });
                if let Some(f) = self.frames.get_mut(i)
                    && parent_gone_or_target
                    && !f.gone
                    && i != frame
                {
                    f.gone = true;
                    changed = true;
                }
            }
        }
    }

    fn load_frame(
        &mut self,
        frame: usize,
        container: usize,
        url: Url,
        method: Cow<'static, str>,
        initiator: Option<usize>,
    ) -> RequestOutcome {
        if let Some(reason) = self.mixed_content(container, &url, "iframe") {
            if let Some(f) = self.frames.get_mut(frame) {
                f.refused = Some("frame-not-loaded".into());
            }
            return RequestOutcome {
                traces: vec![self.never_sent(&url, &method, "iframe", reason)],
                final_url: Some(url),
                refused: Some("frame-not-loaded (mixed content)".into()),
            };
        }
        let mut out = self.fetch(RequestPlan {
            url,
            method,
            destination: "iframe",
            kind: Kind::FrameNavigation { container },
            initiator,
            credentials: CredentialsMode::Include,
            cors_headers: None,
        });
        if let Some(final_url) = out.final_url.take()
            && let Some((origin, site)) = self.site_of(&final_url)
            && let Some(f) = self.frames.get_mut(frame)
        {
            f.url = final_url;
            f.origin = origin;
            f.site = site;
            f.refused = out.refused.clone();
            f.storage_access = false;
        }
        out
    }

    fn subresource(&mut self, plan: RequestPlan) -> RequestOutcome {
        let Kind::Subresource { client } = plan.kind else {
            return self.fetch(plan);
        };
        let mut plan = plan;
        if let Some(reason) = self.mixed_content(client, &plan.url, plan.destination) {
            if plan.destination == "image" {
                // Mixed Content §4.3 (Level 2): images are upgraded to https.
                let _ = plan.url.set_scheme("https");
            } else {
                return RequestOutcome {
                    traces: vec![self.never_sent(
                        &plan.url,
                        &plan.method,
                        plan.destination,
                        reason,
                    )],
                    final_url: Some(plan.url),
                    refused: Some("mixed content".into()),
                };
            }
        }
        self.fetch(plan)
    }

    /// W3C Mixed Content: a request from a secure document to an `http:` URL that
    /// is not potentially trustworthy (loopback).
    fn mixed_content(&self, client: usize, url: &Url, _destination: &str) -> Option<Reason> {
        let document = self.frames.get(client)?;
        let secure_document = document.url.scheme() == "https";
        let insecure_target =
            url.scheme() == "http" && !Origin::of_url(url).is_ok_and(|o| o.host.is_loopback());
        (secure_document && insecure_target).then_some(Reason::MixedContent)
    }

    fn never_sent(
        &self,
        url: &Url,
        method: &str,
        destination: &'static str,
        reason: Reason,
    ) -> RequestTrace {
        let top = self.top_site_text();
        RequestTrace {
            url: url.as_str().into(),
            method: method_text(method),
            destination: Cow::Borrowed(destination),
            site_for_cookies: None,
            same_site: false,
            top_level_site: top,
            third_party: false,
            sent: Vec::new(),
            excluded: Vec::new(),
            set_cookie: Vec::new(),
            cors: None,
            blocked: Some(Blocked {
                by: "mixed-content".into(),
                reasons: reasons![reason],
            }),
            status: 0,
        }
    }

    fn top_site_text(&self) -> Arc<str> {
        self.top
            .and_then(|t| self.frames.get(t))
            .map_or_else(|| Arc::from(""), |f| f.site.text().clone())
    }

    // ---- the request itself ----------------------------------------------

    /// Sends a request and follows its redirects: every hop is a request with its
    /// own context, cookies and Set-Cookie.
    fn fetch(&mut self, mut plan: RequestPlan) -> RequestOutcome {
        // One request, the usual case; a preflight or redirects add more.
        let mut traces = Vec::with_capacity(1);
        // `plan.url` is the current hop's URL (a redirect replaces it) and
        // `method` its method.
        let mut method = std::mem::take(&mut plan.method);
        let mut redirect_sites: Vec<Site> = Vec::new();
        let client_origin = match plan.kind {
            Kind::Subresource { client } => self.frames.get(client).map(|f| f.origin.clone()),
            _ => None,
        };

        // CORS-preflight fetch (Fetch §4.8), for a cross-origin fetch() whose
        // method or headers are not safelisted.
        let mut cors_for_main: Option<(bool, Reasons)> = None;
        if let (Some(headers), Some(origin)) = (&plan.cors_headers, &client_origin) {
            let cross_origin = self.origin_of(&plan.url).is_none_or(|o| o != *origin);
            if cross_origin {
                let request = CorsRequest {
                    origin,
                    method: &method,
                    headers,
                    credentials: plan.credentials,
                };
                if let Some(preflight) = cors::preflight_for(&request) {
                    self.note_read(WatchedKnobs::CORS_WILDCARD_AUTHORIZATION);
                    let response = self.responses.find(&plan.url);
                    let result = cors::check_preflight_with(
                        &request,
                        &preflight,
                        response.status,
                        response.headers,
                        cors::CorsOptions {
                            authorization_covered_by_wildcard: self
                                .profile
                                .cors_wildcard_covers_authorization,
                        },
                    );
                    let mut trace =
                        self.describe_without_cookies(&plan, &plan.url, "OPTIONS", &redirect_sites);
                    trace.status = response.status;
                    trace.set_cookie = response
                        .headers
                        .get_all("set-cookie")
                        .map(|line| SetCookieTrace {
                            line: line.into(),
                            stored: false,
                            reasons: reasons![Reason::CredentialsNotIncludedOnStore],
                            cookie: None,
                            deleted: false,
                        })
                        .collect();
                    match result {
                        Ok(()) => {
                            trace.cors = Some(CorsTrace {
                                preflight: true,
                                readable: true,
                                reasons: Reasons::new(),
                            });
                            traces.push(trace);
                            cors_for_main = Some((true, Reasons::new()));
                        }
                        Err(reasons) => {
                            trace.cors = Some(CorsTrace {
                                preflight: true,
                                readable: false,
                                reasons: reasons.clone(),
                            });
                            let mut all = reasons![Reason::CorsPreflightFailed];
                            all.extend(reasons);
                            trace.blocked = Some(Blocked {
                                by: "cors-preflight".into(),
                                reasons: all,
                            });
                            traces.push(trace);
                            return RequestOutcome {
                                traces,
                                final_url: Some(plan.url),
                                refused: Some("cors-preflight".into()),
                            };
                        }
                    }
                } else {
                    cors_for_main = Some((false, Reasons::new()));
                }
            }
        }

        let mut last_headers: Option<&Headers> = None;
        let mut tainted = false;
        for hop in 0..=MAX_REDIRECTS {
            let Some(KnownUrl {
                origin: hop_origin,
                site: url_site,
                entry,
                text: url_text,
                path: url_path,
            }) = self.hop_facts(&plan.url)
            else {
                break;
            };
            let context = self.context_for(&plan, &url_site, &redirect_sites);
            // Fetch §4.1 main fetch: a hop to another origin sets the response
            // tainting to "cors", and it never goes back to "basic".
            if client_origin.as_ref().is_some_and(|o| *o != hop_origin) {
                tainted = true;
            }
            let include_credentials = match plan.credentials {
                CredentialsMode::Include => true,
                CredentialsMode::Omit => false,
                // Fetch §4.5 HTTP-network-or-cache fetch: "same-origin" includes
                // credentials only while the response tainting is "basic" (every
                // hop so far same-origin with the document).
                CredentialsMode::SameOrigin => !tainted,
            };
            let unpartitioned = self.unpartitioned_access(&plan, &context, &url_site);
            // The cookie URL of this hop: its origin is at hand already.
            let cookie_url = CookieUrl::with_shared_path(hop_origin, url_path);
            let safe = is_safe_method(&method);
            let top_nav = matches!(plan.kind, Kind::TopNavigation);

            let (sent, excluded) = self.cookies_for_request(
                &cookie_url,
                &context,
                safe,
                top_nav,
                include_credentials,
                unpartitioned,
            );

            let responses = self.responses;
            let response = responses.response(entry);
            let status = response.status;
            let location = response.location;
            let headers = response.headers;
            let parsed = self.parsed;
            let redirect = matches!(status, 301 | 302 | 303 | 307 | 308);
            // A redirect hop's cookies decide what the next hop carries: they
            // are always stored; a final response's only when someone reads
            // what they change.
            let lines = if self.store_response_cookies || redirect {
                parsed.of(response.entry)
            } else {
                &[]
            };
            let mut set_cookie = Vec::with_capacity(lines.len());
            for (line, parsed) in lines {
                set_cookie.push(self.receive_set_cookie(
                    line,
                    parsed,
                    &cookie_url,
                    &context,
                    top_nav,
                    include_credentials,
                    unpartitioned,
                ));
            }
            traces.push(RequestTrace {
                url: url_text,
                method: method_text(&method),
                destination: Cow::Borrowed(plan.destination),
                site_for_cookies: context.site_for_cookies.as_ref().map(|s| s.text().clone()),
                same_site: context.same_site,
                top_level_site: context.top_level_site.text().clone(),
                third_party: context.third_party,
                sent,
                excluded,
                set_cookie,
                cors: None,
                blocked: None,
                status,
            });

            // Fetch §4.4 HTTP fetch step 4.3: a redirect answered to a CORS request
            // whose tainting is "cors" must itself pass the CORS check, or the
            // fetch ends in a network error and the next hop is never requested.
            if redirect
                && tainted
                && let (Some(author), Some(origin)) = (&plan.cors_headers, &client_origin)
            {
                let request = CorsRequest {
                    origin,
                    method: &method,
                    headers: author,
                    credentials: plan.credentials,
                };
                if let Err(reasons) = cors::cors_check(&request, headers) {
                    if let Some(last) = traces.last_mut() {
                        last.cors = Some(CorsTrace {
                            preflight: cors_for_main.as_ref().is_some_and(|c| c.0),
                            readable: false,
                            reasons: reasons.clone(),
                        });
                        last.blocked = Some(Blocked {
                            by: "cors-redirect".into(),
                            reasons,
                        });
                    }
                    return RequestOutcome {
                        traces,
                        final_url: Some(plan.url),
                        refused: Some("cors: redirect failed the CORS check".into()),
                    };
                }
            }
            match (redirect, location.and_then(|l| plan.url.join(l).ok())) {
                (true, Some(next)) if hop < MAX_REDIRECTS => {
                    // Fetch "HTTP-redirect fetch" step 12: 301/302 turn POST into
                    // GET; 303 turns everything but HEAD into GET.
                    if (matches!(status, 301 | 302) && method == "POST")
                        || (status == 303 && method != "HEAD")
                    {
                        method = Cow::Borrowed("GET");
                    }
                    redirect_sites.push(url_site);
                    plan.url = next;
                }
                (true, Some(_)) => {
                    if let Some(last) = traces.last_mut() {
                        last.blocked = Some(Blocked {
                            by: "redirect-limit".into(),
                            reasons: Reasons::new(),
                        });
                    }
                    return RequestOutcome {
                        traces,
                        final_url: Some(plan.url),
                        refused: Some("net::ERR_TOO_MANY_REDIRECTS".into()),
                    };
                }
                _ => {
                    last_headers = Some(headers);
                    break;
                }
            }
        }

        let mut refused = None;
        let headers = last_headers.unwrap_or(&self.responses.empty);
        // CORS check on the final response (Fetch §4.10).
        if let (Some((preflight, _)), Some(origin), Some(author)) =
            (&cors_for_main, &client_origin, &plan.cors_headers)
        {
            let request = CorsRequest {
                origin,
                method: &method,
                headers: author,
                credentials: plan.credentials,
            };
            let verdict = cors::cors_check(&request, headers);
            if let Some(last) = traces.last_mut() {
                last.cors = Some(CorsTrace {
                    preflight: *preflight,
                    readable: verdict.is_ok(),
                    reasons: verdict.err().unwrap_or_default(),
                });
            }
        }
        // Framing (HTML "check a navigation response's adherence to
        // X-Frame-Options" and CSP frame-ancestors) for frame navigations.
        if let Kind::FrameNavigation { container } = plan.kind
            && let Some(response_origin) = self.origin_of(&plan.url)
        {
            let ancestors: Vec<Origin> = self
                .chain_from(container)
                .into_iter()
                .filter_map(|i| self.frames.get(i).map(|f| f.origin.clone()))
                .collect();
            if let Err(reasons) = framing::check_framing_with(
                headers,
                &response_origin,
                &ancestors,
                framing::FramingOptions {
                    ancestor_paths: if self.profile.frame_ancestors_ignore_paths {
                        framing::AncestorPaths::Ignore
                    } else {
                        framing::AncestorPaths::Match
                    },
                },
            ) {
                let by = if reasons.contains(&Reason::CspFrameAncestors) {
                    "csp"
                } else {
                    "x-frame-options"
                };
                if let Some(last) = traces.last_mut() {
                    last.blocked = Some(Blocked {
                        by: by.into(),
                        reasons,
                    });
                }
                refused = Some(format!("refused by {by}"));
            }
        }
        RequestOutcome {
            traces,
            final_url: Some(plan.url),
            refused,
        }
    }

    fn context_for(
        &self,
        plan: &RequestPlan,
        url_site: &Site,
        redirects: &[Site],
    ) -> RequestContext {
        let chain_frames = match plan.kind {
            Kind::TopNavigation => FrameChain::new(),
            Kind::FrameNavigation { container } => self.chain_from(container),
            Kind::Subresource { client } => self.chain_from(client),
        };
        let chain: SmallVec<[&Site; 4]> = chain_frames
            .iter()
            .filter_map(|i| self.frames.get(*i).map(|f| &f.site))
            .collect();
        let initiator = plan
            .initiator
            .and_then(|i| self.frames.get(i))
            .map(|f| &f.site);
        let mut context = self.context_of(&RequestShape {
            url_site,
            chain: &chain,
            initiator,
            redirect_chain: redirects,
            top_level_navigation: matches!(plan.kind, Kind::TopNavigation),
        });
        // Fetch "redirect-taint": a cross-site hop makes the request cross-site,
        // and the jar applies its cross-site rules (Lax still rides a top-level GET).
        cookies::apply_redirect_taint(self.profile, &mut context);
        context
    }

    /// A preflight: no cookies, never stored.
    fn describe_without_cookies(
        &self,
        plan: &RequestPlan,
        url: &Url,
        method: &str,
        redirects: &[Site],
    ) -> RequestTrace {
        let context = self
            .site_of(url)
            .map(|(_, site)| self.context_for(plan, &site, redirects));
        RequestTrace {
            url: url.as_str().into(),
            method: method_text(method),
            destination: Cow::Borrowed(plan.destination),
            site_for_cookies: context
                .as_ref()
                .and_then(|c| c.site_for_cookies.as_ref().map(|s| s.text().clone())),
            same_site: context.as_ref().is_some_and(|c| c.same_site),
            top_level_site: context
                .as_ref()
                .map(|c| c.top_level_site.text().clone())
                .unwrap_or_default(),
            third_party: context.as_ref().is_some_and(|c| c.third_party),
            sent: Vec::new(),
            excluded: Vec::new(),
            set_cookie: Vec::new(),
            cors: None,
            blocked: None,
            status: 0,
        }
    }

    /// Whether this context may use unpartitioned cookies despite being
    /// third-party: a Storage Access grant that reaches it.
    fn unpartitioned_access(
        &self,
        plan: &RequestPlan,
        context: &RequestContext,
        url_site: &Site,
    ) -> bool {
        if !context.third_party {
            return true;
        }
        if !self.any_storage_access_grant() {
            return false;
        }
        self.note_read(WatchedKnobs::STORAGE_ACCESS);
        match self.profile.storage_access {
            StorageAccessScope::Unsupported => false,
            StorageAccessScope::Document => match plan.kind {
                Kind::Subresource { client } => self
                    .frames
                    .get(client)
                    .is_some_and(|f| f.storage_access && f.site == *url_site),
                _ => false,
            },
            StorageAccessScope::SitePair => self
                .grants
                .iter()
                .any(|(top, embedded)| *top == context.top_level_site && embedded == url_site),
        }
    }

    /// The partition this context reads and writes partitioned cookies in.
    fn partition_of(&self, context: &RequestContext) -> Option<PartitionKey> {
        if cookies::partition_reads_third_party_cookies(self.profile) {
            self.note_read(WatchedKnobs::THIRD_PARTY_COOKIES);
        }
        cookies::partition_of(self.profile, context)
    }

    /// RFC 6265bis §5.8.3 through the jar, then the browser's policy on top.
    fn cookies_for_request(
        &mut self,
        url: &CookieUrl,
        context: &RequestContext,
        safe_method: bool,
        top_level_navigation: bool,
        include_credentials: bool,
        unpartitioned_access: bool,
    ) -> (Vec<CookieRef>, Vec<ExcludedCookie>) {
        if cookies::partition_reads_third_party_cookies(self.profile) {
            self.note_read(WatchedKnobs::THIRD_PARTY_COOKIES);
        }
        self.note_access(unpartitioned_access);
        self.note_retrieval(context, safe_method, top_level_navigation);
        let env = self.env();
        cookies::cookies_for_request(
            self.profile,
            &mut self.jar,
            &env,
            url,
            context,
            cookies::RequestCookieFacts {
                safe_method,
                top_level_navigation,
                include_credentials,
                unpartitioned_access,
            },
        )
    }

    /// The browser's reasons to hold back a cookie the spec would send.
    fn policy_exclusion(
        &self,
        cookie: &Cookie,
        context: &RequestContext,
        include_credentials: bool,
        unpartitioned_access: bool,
    ) -> Option<Reason> {
        self.note_access(unpartitioned_access);
        cookies::policy_exclusion(
            self.profile,
            cookie,
            context,
            include_credentials,
            unpartitioned_access,
        )
    }

    /// A Set-Cookie line received on a response.
    #[allow(clippy::too_many_arguments)]
    fn receive_set_cookie(
        &mut self,
        line: &Rc<str>,
        parsed: &Result<SetCookie<'_>, ParseError>,
        url: &CookieUrl,
        context: &RequestContext,
        top_level_navigation: bool,
        include_credentials: bool,
        unpartitioned_access: bool,
    ) -> SetCookieTrace {
        self.note_write(parsed, context, unpartitioned_access);
        let env = self.env();
        cookies::receive_set_cookie(
            self.profile,
            &mut self.jar,
            &env,
            line,
            parsed,
            url,
            context,
            cookies::RequestCookieFacts {
                safe_method: true,
                top_level_navigation,
                include_credentials,
                unpartitioned_access,
            },
        )
    }

    // ---- script ------------------------------------------------------------

    /// The context of the document in `frame`, as its script sees cookies.
    fn document_context(&self, frame: usize) -> Option<(CookieUrl, RequestContext, bool)> {
        let f = self.frames.get(frame)?;
        let url = CookieUrl::from_url(&f.url).ok()?;
        let chain: Vec<&Site> = self
            .chain_from(frame)
            .iter()
            .filter_map(|i| self.frames.get(*i).map(|f| &f.site))
            .collect();
        let context = self.context_of(&RequestShape {
            url_site: &f.site,
            chain: &chain,
            initiator: None,
            redirect_chain: &[],
            top_level_navigation: false,
        });
        let unpartitioned = !context.third_party || self.granted_to_document(f, &context);
        Some((url, context, unpartitioned))
    }

    /// Whether a Storage Access grant lets the document of `frame`, third-party
    /// in `context`, use unpartitioned cookies.
    fn granted_to_document(&self, frame: &Frame, context: &RequestContext) -> bool {
        if !self.any_storage_access_grant() {
            return false;
        }
        self.note_read(WatchedKnobs::STORAGE_ACCESS);
        match self.profile.storage_access {
            StorageAccessScope::Unsupported => false,
            StorageAccessScope::Document => frame.storage_access,
            StorageAccessScope::SitePair => self
                .grants
                .iter()
                .any(|(top, embedded)| *top == context.top_level_site && *embedded == frame.site),
        }
    }

    fn script_read(&mut self, frame: usize) -> String {
        let Some((url, context, unpartitioned)) = self.document_context(frame) else {
            return String::new();
        };
        let get = GetContext {
            url: &url,
            api: Api::Script,
            same_site: context.same_site,
            safe_method: true,
            top_level_navigation: false,
            partition: self.partition_of(&context),
        };
        self.note_retrieval(&context, true, false);
        let env = self.env();
        let retrieval = self.jar.retrieve(&get, &env);
        let visible: Vec<&Cookie> = retrieval
            .sent
            .iter()
            .filter(|c| {
                self.policy_exclusion(c, &context, true, unpartitioned)
                    .is_none()
            })
            .collect();
        visible
            .iter()
            .map(|c| {
                if c.name.is_empty() {
                    c.value_str().into_owned()
                } else {
                    format!("{}={}", c.name_str(), c.value_str())
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn script_write(&mut self, frame: usize, line: &str) -> SetCookieTrace {
        let shared: Rc<str> = line.into();
        let Some((url, context, unpartitioned)) = self.document_context(frame) else {
            return rejected(&shared, reasons![Reason::InvalidHost], None);
        };
        let parsed = parse_set_cookie(line.as_bytes());
        self.note_write(&parsed, &context, unpartitioned);
        let env = self.env();
        cookies::write_cookie(
            self.profile,
            &mut self.jar,
            &env,
            &shared,
            &parsed,
            &url,
            Api::Script,
            &context,
            false,
            unpartitioned,
        )
    }

    fn request_storage_access(&mut self, frame: usize) -> String {
        let Some((_, context, _)) = self.document_context(frame) else {
            return "no document".into();
        };
        if !context.third_party {
            return "not needed: the frame is first-party".into();
        }
        let site = self.frames.get(frame).map(|f| f.site.clone());
        self.note_read(WatchedKnobs::STORAGE_ACCESS);
        match (self.profile.storage_access, site) {
            (StorageAccessScope::Unsupported, _) | (_, None) => {
                "unsupported by this profile".into()
            }
            (StorageAccessScope::Document, Some(_)) => {
                if let Some(f) = self.frames.get_mut(frame) {
                    f.storage_access = true;
                }
                "granted to this document".into()
            }
            (StorageAccessScope::SitePair, Some(site)) => {
                if let Some(f) = self.frames.get_mut(frame) {
                    f.storage_access = true;
                }
                self.grants.push((context.top_level_site.clone(), site));
                "granted for this site under this top-level site".into()
            }
        }
    }

    // ---- results -------------------------------------------------------------

    fn check_expectations(&self, step: &Step, trace: &StepTrace) -> Vec<ExpectResult> {
        let mut results = Vec::new();
        if step.expect.is_empty() {
            return results;
        }
        let last = trace
            .requests
            .iter()
            .rev()
            .find(|r| r.blocked.as_ref().is_none_or(|b| b.by != "mixed-content"));
        let sent: Vec<&str> =
            last.map_or_else(Vec::new, |r| r.sent.iter().map(|c| &*c.name).collect());
        let live = |name: &str| {
            self.jar
                .cookies()
                .iter()
                .any(|c| *c.name_str() == *name && !c.is_expired(self.now))
        };
        for expect in step.expect.iter().filter(|e| self.applies(e)) {
            for name in &expect.sent {
                let passed = sent.contains(&name.as_str());
                results.push(expect_result("sent", name, passed, sent.join(", ")));
            }
            for name in &expect.not_sent {
                let passed = !sent.contains(&name.as_str());
                results.push(expect_result("not_sent", name, passed, sent.join(", ")));
            }
            for name in &expect.stored {
                results.push(expect_result(
                    "stored",
                    name,
                    live(name),
                    "not in the jar".into(),
                ));
            }
            for name in &expect.not_stored {
                results.push(expect_result(
                    "not_stored",
                    name,
                    !live(name),
                    "in the jar".into(),
                ));
            }
            if let Some(js) = &expect.js_cookie {
                let actual = trace.js_cookie.clone().unwrap_or_default();
                results.push(expect_result("js_cookie", js, *js == actual, actual));
            }
        }
        results
    }

    fn applies(&self, expect: &Expect) -> bool {
        expect
            .browsers
            .as_ref()
            .is_none_or(|list| list.contains(&self.profile.name))
    }

    fn final_jar(&self) -> Vec<JarCookie> {
        let mut jar: Vec<JarCookie> = self
            .jar
            .cookies()
            .iter()
            .filter(|c| !c.is_expired(self.now))
            .map(|c| JarCookie {
                name: c.name_text().clone(),
                value: c.value_str().into_owned(),
                domain: c.domain.clone(),
                host_only: c.host_only,
                path: c.path_text().clone(),
                secure: c.secure,
                http_only: c.http_only,
                same_site: Cow::Borrowed(c.same_site.as_str()),
                partition: c
                    .partition
                    .as_ref()
                    .map(|p| p.top_level_site.text().clone()),
                expires: c.expiry.map(|e| e.since(c.last_set)),
            })
            .collect();
        jar.sort_by(|a, b| {
            (&a.domain, &a.path, &a.name, &a.partition).cmp(&(
                &b.domain,
                &b.path,
                &b.name,
                &b.partition,
            ))
        });
        jar
    }
}

/// A step's requests, and the error the browser shows if the document or
/// request was refused.
fn record(trace: &mut StepTrace, out: RequestOutcome) {
    trace.requests = out.traces;
    if let Some(refused) = out.refused {
        trace.error = Some(refused);
    }
}

fn normalize_method(method: &str) -> Cow<'static, str> {
    // Fetch "normalize a method": these six are upper-cased; others kept as is.
    const NORMALIZED: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
    NORMALIZED
        .iter()
        .find(|m| m.eq_ignore_ascii_case(method))
        .map_or_else(|| Cow::Owned(method.to_string()), |m| Cow::Borrowed(*m))
}

fn expect_result(check: &str, value: &str, passed: bool, actual: String) -> ExpectResult {
    ExpectResult {
        check: check.into(),
        value: value.into(),
        passed,
        actual: (!passed).then_some(actual),
    }
}

#[cfg(test)]
mod url_map_tests {
    #![allow(clippy::unwrap_used)]
    use super::UrlMap;

    #[test]
    fn a_url_map_answers_as_a_hash_map_below_and_past_its_linear_size() {
        let mut map: UrlMap<usize> = UrlMap::default();
        let mut reference = std::collections::HashMap::new();
        // Past LINEAR the index takes over; every key is inserted twice (the
        // second value replaces the first) and some are looked up absent.
        for round in 0..2 {
            for n in 0..(3 * UrlMap::<usize>::LINEAR) {
                let url = format!("https://s{n}.example/p");
                map.insert(url.clone(), n * 10 + round);
                reference.insert(url, n * 10 + round);
                for k in 0..(3 * UrlMap::<usize>::LINEAR + 2) {
                    let probe = format!("https://s{k}.example/p");
                    assert_eq!(map.get(&probe), reference.get(&probe), "{probe}");
                    assert_eq!(map.contains_key(&probe), reference.contains_key(&probe));
                }
            }
        }
        let mut values: Vec<usize> = map.values().copied().collect();
        let mut expected: Vec<usize> = reference.values().copied().collect();
        values.sort_unstable();
        expected.sort_unstable();
        assert_eq!(values, expected);
        assert!(map.index.is_some());
    }
}
