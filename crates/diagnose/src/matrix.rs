//! The delivery matrix: each cookie × each standard context × each browser
//! profile — stored or not, sent or not, and why — computed by running small
//! scenarios through the engine (so `check` and `simulate` can never disagree).
//!
//! For a context the scenario is: the user visits the URL first-party (the
//! response sets the cookies), then the page of the context (the embedder, the
//! calling site) makes its request to the URL — the response to that request
//! decides **stored** — and then the same request again, which decides **sent**
//! (it carries whatever the earlier responses left in the jar for this context).

use cookie_doctor_cookie::{Reason, Reasons, Time};
use cookie_doctor_engine::{Branch, BranchRun, JarCookie, RequestTrace, StepTrace};
use cookie_doctor_inputs::{Credentials, LoadAs, ResponseSpec, Scenario, Step, StepKind};
use cookie_doctor_profiles::Profile;
use cookie_doctor_site::{Origin, PublicSuffixList};
use serde::Serialize;
use std::rc::Rc;

/// A standard request context of `check` (DESIGN.md §7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Context {
    /// The app's own pages: a same-site top-level navigation.
    SameSite,
    /// A link on another site to the URL (top-level GET).
    TopLevelGet,
    /// A form on another site posting to the URL (top-level POST: SSO callbacks,
    /// payment returns).
    TopLevelPost,
    /// The URL in an iframe on the embedding site.
    Iframe,
    /// An image (or script) of the URL on the embedding site.
    Subresource,
    /// `fetch(url, {credentials: "include"})` from the calling site.
    FetchInclude,
}

impl Context {
    /// Every context, in report order.
    pub const ALL: [Context; 6] = [
        Context::SameSite,
        Context::TopLevelGet,
        Context::TopLevelPost,
        Context::Iframe,
        Context::Subresource,
        Context::FetchInclude,
    ];

    /// The kebab-case name (check JSON v1 `context`).
    pub fn as_str(self) -> &'static str {
        match self {
            Context::SameSite => "same-site",
            Context::TopLevelGet => "top-level-get",
            Context::TopLevelPost => "top-level-post",
            Context::Iframe => "iframe",
            Context::Subresource => "subresource",
            Context::FetchInclude => "fetch-include",
        }
    }

    /// A short label for a matrix column.
    pub fn label(self) -> &'static str {
        match self {
            Context::SameSite => "same-site",
            Context::TopLevelGet => "link",
            Context::TopLevelPost => "form POST",
            Context::Iframe => "iframe",
            Context::Subresource => "image",
            Context::FetchInclude => "fetch",
        }
    }
}

/// Where the app lives and who uses it: what `check` is told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deployment {
    /// The URL whose response sets the cookies.
    pub url: url::Url,
    /// Top-level sites that frame the app (`--embedded-in`).
    pub embedded_in: Vec<Origin>,
    /// Origins whose scripts call the URL with credentials (`--called-from`).
    pub called_from: Vec<Origin>,
    /// Other response header lines (`--header`), e.g. CORS and framing headers.
    pub headers: Vec<String>,
}

/// The stand-in for "some other site" when the user declared none.
pub const OTHER_SITE: &str = "https://other-site.example";

impl Deployment {
    /// The site whose page makes the context's request.
    pub fn origin_for(&self, context: Context) -> String {
        let declared = match context {
            Context::FetchInclude => self.called_from.first().or(self.embedded_in.first()),
            _ => self.embedded_in.first().or(self.called_from.first()),
        };
        declared.map_or_else(|| OTHER_SITE.to_string(), ToString::to_string)
    }
}

/// One cell of the matrix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// The browser profile (shared by the cells and runs of one matrix).
    pub browser: Rc<str>,
    /// The context.
    pub context: Context,
    /// The context's response stored the cookie.
    pub stored: bool,
    /// The context's next request carried it.
    pub sent: bool,
    /// Why not (store reasons, then send reasons; no duplicates).
    pub reasons: Reasons,
}

/// The engine's view of one context in one browser: the trace requests that
/// decided the cells, for rules that need more (CORS, framing).
#[derive(Clone, Debug)]
pub struct ContextRun {
    /// The browser profile.
    pub browser: Rc<str>,
    /// The context.
    pub context: Context,
    /// The steps whose requests decided "stored" and "sent", in that order
    /// (read through [`ContextRun::store_request`] and
    /// [`ContextRun::send_request`]; kept whole, so the requests are not
    /// moved out of them).
    decisive: Vec<Option<Rc<StepTrace>>>,
    /// The jar at the end of the context's run: kept for the same-site
    /// context only (what rules about the app's own pages read).
    pub jar: Option<Vec<JarCookie>>,
}

impl ContextRun {
    /// The request whose response decided "stored".
    pub fn store_request(&self) -> Option<&RequestTrace> {
        main_request(self.decisive.first())
    }

    /// The request that decided "sent".
    pub fn send_request(&self) -> Option<&RequestTrace> {
        main_request(self.decisive.get(1))
    }
}

/// The matrix for every cookie line.
#[derive(Clone, Debug)]
pub struct Matrix {
    /// Per line (in input order), its cells: profile-major, context-minor.
    pub cells: Vec<Vec<Cell>>,
    /// The runs behind the cells.
    pub runs: Vec<ContextRun>,
}

/// The scenario for one context.
pub fn context_scenario(lines: &[String], deployment: &Deployment, context: Context) -> Scenario {
    scenario_for(
        lines,
        deployment,
        &ScenarioTexts::of(deployment),
        context,
        true,
    )
}

/// The texts the context scenarios of one deployment name, written once per
/// matrix rather than once per context.
struct ScenarioTexts {
    /// The URL.
    url: String,
    /// The other site of a frame, image or link ([`Deployment::origin_for`]).
    embedder: String,
    /// The other site of a credentialed fetch.
    caller: String,
}

impl ScenarioTexts {
    fn of(deployment: &Deployment) -> ScenarioTexts {
        ScenarioTexts {
            url: deployment.url.to_string(),
            embedder: deployment.origin_for(Context::Iframe),
            caller: deployment.origin_for(Context::FetchInclude),
        }
    }
}

/// The scenario for one context; without `with_response`, its response list
/// is left empty (the branches run together by `run_branches` use the first
/// one's responses only).
fn scenario_for(
    lines: &[String],
    deployment: &Deployment,
    texts: &ScenarioTexts,
    context: Context,
    with_response: bool,
) -> Scenario {
    let url = &texts.url;
    let headers: Vec<String> = if with_response {
        let mut headers = Vec::with_capacity(lines.len() + deployment.headers.len());
        headers.extend(lines.iter().map(|l| ["Set-Cookie: ", l].concat()));
        headers.extend(deployment.headers.iter().cloned());
        headers
    } else {
        Vec::new()
    };
    let other: &str = match context {
        Context::FetchInclude => &texts.caller,
        _ => &texts.embedder,
    };
    let step = |index: usize, kind: StepKind| Step {
        index,
        kind,
        line: 0,
        url: None,
        from: None,
        name: None,
        method: None,
        credentials: None,
        target: None,
        load_as: None,
        headers: None,
        cookie: None,
        seconds: None,
        expect: Vec::new(),
    };
    let open = |index: usize, to: &str| Step {
        url: Some(to.to_string()),
        ..step(index, StepKind::Open)
    };
    let request = |index: usize| -> Step {
        match context {
            Context::SameSite => open(index, url),
            Context::TopLevelGet => Step {
                url: Some(url.clone()),
                ..step(index, StepKind::Click)
            },
            Context::TopLevelPost => Step {
                url: Some(url.clone()),
                method: Some("POST".into()),
                ..step(index, StepKind::Submit)
            },
            Context::Iframe => Step {
                url: Some(url.clone()),
                name: Some(format!("app{index}")),
                ..step(index, StepKind::Iframe)
            },
            Context::Subresource => Step {
                url: Some(url.clone()),
                load_as: Some(LoadAs::Image),
                ..step(index, StepKind::Load)
            },
            Context::FetchInclude => Step {
                url: Some(url.clone()),
                credentials: Some(Credentials::Include),
                ..step(index, StepKind::Fetch)
            },
        }
    };
    let mut steps = vec![open(0, url)];
    if context == Context::SameSite {
        // The first visit decides "stored", the second "sent"; its response
        // sets the lines once more, which leaves the jar as the first did
        // (a namesake keeps its creation time), and the rules read that jar.
        steps.push(open(1, url));
    } else {
        steps.push(open(1, other));
        steps.push(request(2));
        if matches!(context, Context::TopLevelGet | Context::TopLevelPost) {
            // Back to the other site so the next navigation is cross-site again.
            steps.push(open(3, other));
            steps.push(request(4));
        } else {
            steps.push(request(3));
        }
    }
    Scenario {
        name: ["check ", url, " in context ", context.as_str()].concat(),
        browsers: Vec::new(),
        responses: if with_response {
            vec![ResponseSpec {
                url: url.clone(),
                status: 200,
                location: None,
                headers,
            }]
        } else {
            Vec::new()
        },
        steps,
    }
}

/// The last request of a step that reached the URL (redirects and preflights
/// come first).
fn main_request(step: Option<&Option<Rc<StepTrace>>>) -> Option<&RequestTrace> {
    step?
        .as_ref()?
        .requests
        .iter()
        .rev()
        .find(|r| r.method != "OPTIONS")
}

/// The steps of a context's scenario whose requests decide "stored" and
/// "sent".
fn decisive_steps(context: Context) -> [usize; 2] {
    match context {
        Context::SameSite => [0, 1],
        Context::TopLevelGet | Context::TopLevelPost => [2, 4],
        _ => [2, 3],
    }
}

/// Runs every context in every profile.
pub fn delivery_matrix(
    lines: &[String],
    deployment: &Deployment,
    profiles: &[Profile],
    psl: &dyn PublicSuffixList,
    now: Time,
) -> Matrix {
    // Without cookie lines there are no cells; the runs still carry the
    // verdicts that do not involve cookies — framing in the iframe of a
    // declared embedder (rule framing-blocks-declared-embedder) and CORS in the
    // fetch of a declared caller (the cors-* rules) — and nothing reads the
    // runs of an undeclared one.
    let no_cookie_contexts: Vec<Context> = [
        (!deployment.embedded_in.is_empty()).then_some(Context::Iframe),
        (!deployment.called_from.is_empty()).then_some(Context::FetchInclude),
    ]
    .into_iter()
    .flatten()
    .collect();
    let contexts: &[Context] = if lines.is_empty() {
        &no_cookie_contexts
    } else {
        &Context::ALL
    };
    delivery_matrix_in(lines, deployment, profiles, psl, now, contexts)
}

/// Runs `contexts` only (in every profile): the cells of other contexts are
/// absent. Rules that ask "does the fix work where the user needs it" probe
/// just the declared contexts.
pub fn delivery_matrix_in(
    lines: &[String],
    deployment: &Deployment,
    profiles: &[Profile],
    psl: &dyn PublicSuffixList,
    now: Time,
    contexts: &[Context],
) -> Matrix {
    let mut runs = Vec::with_capacity(contexts.len() * profiles.len());
    // A row holds its cells in report order, profile-major and context-minor
    // (contexts in `Context` order): each context's rank in that order.
    let width = contexts.len();
    let rank: Vec<usize> = contexts
        .iter()
        .map(|c| contexts.iter().filter(|o| *o < c).count())
        .collect();
    let mut cells: Vec<Vec<Option<Cell>>> = (0..lines.len())
        .map(|_| vec![None; width * profiles.len()])
        .collect();
    // Profiles whose knobs are all equal give equal runs: simulate one of them
    // and name the copies (firefox-strict behaves as firefox).
    let mut distinct: Vec<&Profile> = Vec::new();
    let mut same_as: Vec<(String, String)> = Vec::new();
    for p in profiles {
        match distinct.iter().find(|d| d.same_behaviour(p)) {
            Some(d) => same_as.push((p.name.clone(), d.name.clone())),
            None => distinct.push(p),
        }
    }
    // The contexts' scenarios share their first steps (the first-party visit,
    // then the other site's page): the engine runs them as one tree.
    // Where each line's Set-Cookie trace is: the response sets the lines in
    // order, so the first trace of a line's text is at the index of the
    // first line with that text.
    let first_of: Vec<usize> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| lines.iter().position(|l| l == line).unwrap_or(i))
        .collect();
    let texts = ScenarioTexts::of(deployment);
    let scenarios: Vec<Scenario> = contexts
        .iter()
        .enumerate()
        .map(|(i, &c)| scenario_for(lines, deployment, &texts, c, i == 0))
        .collect();
    let keeps: Vec<[usize; 2]> = contexts.iter().map(|&c| decisive_steps(c)).collect();
    let branches: Vec<Branch<'_>> = scenarios
        .iter()
        .zip(&keeps)
        .zip(contexts)
        .map(|((scenario, keep), &context)| Branch {
            scenario,
            keep,
            want_jar: context == Context::SameSite,
            // The last step decides "sent" only: its request's cookies, not
            // what its response sets (`cell_for` and the rules read no
            // `set_cookie` of a send request).
            last_set_cookie: false,
        })
        .collect();
    let mut by_profile: Vec<(&str, Vec<Option<BranchRun>>)> = Vec::new();
    let all_runs = cookie_doctor_engine::run_branches(&branches, &distinct, psl, now);
    for (profile, branch_runs) in distinct.iter().zip(all_runs) {
        by_profile.push((
            profile.name.as_str(),
            branch_runs.into_iter().map(Some).collect(),
        ));
    }
    // Each profile's simulated original (itself, or the distinct profile it
    // behaves like).
    let originals: Vec<&str> = profiles
        .iter()
        .map(|p| {
            same_as
                .iter()
                .find(|(copy, _)| *copy == p.name)
                .map_or(p.name.as_str(), |(_, original)| original.as_str())
        })
        .collect();
    // Each profile's name, shared by its cells and runs.
    let names: Vec<Rc<str>> = profiles.iter().map(|p| Rc::from(p.name.as_str())).collect();
    // Context-major, profile-minor, as the rules read the runs.
    for (c, &context) in contexts.iter().enumerate() {
        for ((at, &original), name) in originals.iter().enumerate().zip(&names) {
            // The last profile that reads a simulated run takes it; the
            // others (copies behaving the same) clone it.
            let last_reader = originals.iter().rposition(|o| *o == original) == Some(at);
            let Some(slot) = by_profile
                .iter_mut()
                .find(|(name, _)| *name == original)
                .and_then(|(_, runs)| runs.get_mut(c))
            else {
                continue;
            };
            let decided = if last_reader {
                slot.take()
            } else {
                slot.clone()
            };
            let Some(BranchRun { kept, jar }) = decided else {
                continue;
            };
            let run = ContextRun {
                browser: name.clone(),
                context,
                decisive: kept,
                jar,
            };
            let place = at * width + rank.get(c).copied().unwrap_or(0);
            for ((i, line), &first) in lines.iter().enumerate().zip(&first_of) {
                let store = run.store_request();
                let cell = cell_for(line, first, name, context, store, run.send_request());
                if let Some(slot) = cells.get_mut(i).and_then(|row| row.get_mut(place)) {
                    *slot = Some(cell);
                }
            }
            runs.push(run);
        }
    }
    let cells = cells
        .into_iter()
        .map(|row| row.into_iter().flatten().collect())
        .collect();
    Matrix { cells, runs }
}

/// The cell of `line` (whose Set-Cookie trace is expected at index
/// `expected_at` of the store request's, see `first_of`; looked up by its
/// text otherwise).
fn cell_for(
    line: &str,
    expected_at: usize,
    browser: &Rc<str>,
    context: Context,
    store: Option<&RequestTrace>,
    send: Option<&RequestTrace>,
) -> Cell {
    // Store reasons, then send reasons; each once.
    let mut reasons: Reasons = Reasons::new();
    let mut add = |found: &[Reason]| {
        for &r in found {
            if !reasons.contains(&r) {
                reasons.push(r);
            }
        }
    };
    let set = store.and_then(|r| {
        r.set_cookie
            .get(expected_at)
            .filter(|s| *s.line == *line)
            .or_else(|| r.set_cookie.iter().find(|s| *s.line == *line))
    });
    let stored = set.is_some_and(|s| s.stored && !s.deleted);
    if let Some(set) = set {
        add(&set.reasons);
    }
    if let Some(blocked) = store.and_then(|r| r.blocked.as_ref()) {
        add(&blocked.reasons);
    }
    // The cookie the line makes, to find it on the next request.
    let identity = set.and_then(|s| s.cookie.as_ref());
    let mut sent = false;
    if let (Some(send), Some(id)) = (send, identity) {
        let same = |name: &str, domain: &str, path: &str| {
            name == &*id.name && domain == &*id.domain && path == &*id.path
        };
        sent = send.sent.iter().any(|c| same(&c.name, &c.domain, &c.path));
        if !sent {
            for excluded in send
                .excluded
                .iter()
                .filter(|c| same(&c.name, &c.domain, &c.path))
            {
                add(&excluded.reasons);
            }
        }
    }
    Cell {
        browser: browser.clone(),
        context,
        stored,
        sent,
        reasons,
    }
}
