//! The browser model: runs a scenario's steps through a browser profile and
//! writes the trace (DESIGN.md §6) — every request the browser makes, which
//! cookies it carries and why the others stay home, what each Set-Cookie did,
//! the CORS and framing verdicts, and the jar at the end.
//!
//! Pure: no I/O and no clock of its own (the start time is an argument).
//! Browser differences come only from the [`Profile`] values.
#![forbid(unsafe_code)]

mod browser;
pub mod cookies;
pub mod trace;

use cookie_doctor_cookie::Time;
use cookie_doctor_inputs::{Scenario, Step};
use cookie_doctor_profiles::Profile;
use cookie_doctor_site::PublicSuffixList;

pub use trace::{
    Blocked, CookieRef, CorsTrace, ExcludedCookie, ExpectResult, JarCookie, RequestTrace, Run,
    SetCookieTrace, StepTrace, Trace,
};

/// Runs `scenario` in one browser profile, starting at `start`.
pub fn run(scenario: &Scenario, profile: &Profile, psl: &dyn PublicSuffixList, start: Time) -> Run {
    let responses = browser::Responses::new(scenario, psl);
    let parsed = browser::ParsedSetCookies::new(&responses);
    browser::Browser::new(profile, psl, &responses, &parsed, start).run(scenario)
}

/// Runs `scenario` in each of the borrowed profiles (callers that pick a
/// subset of their profiles need not clone them).
pub fn simulate_refs(
    scenario: &Scenario,
    profiles: &[&Profile],
    psl: &dyn PublicSuffixList,
    start: Time,
) -> Trace {
    let responses = browser::Responses::new(scenario, psl);
    let parsed = browser::ParsedSetCookies::new(&responses);
    Trace {
        scenario: scenario.name.clone(),
        runs: profiles
            .iter()
            .map(|p| browser::Browser::new(p, psl, &responses, &parsed, start).run(scenario))
            .collect(),
    }
}

/// One of several scenarios run together by [`run_branches`]: its steps and
/// the positions of the steps whose traces the caller wants back.
#[derive(Clone, Copy, Debug)]
pub struct Branch<'s> {
    /// The scenario (every branch of one call has the same responses).
    pub scenario: &'s Scenario,
    /// Step positions to return traces for, in the order wanted.
    pub keep: &'s [usize],
    /// Whether to return the jar at the end of the branch.
    pub want_jar: bool,
    /// Whether the Set-Cookie lines of the final response of the branch's
    /// last step are stored and traced. A caller that reads only what the
    /// last step's request carried (and not the jar after it) says `false`:
    /// the engine skips that work, and the last step's trace then lists no
    /// `set_cookie` for that response. Redirect hops before it are always
    /// stored (they decide what the later hops carry). Honoured only when
    /// every branch taking that step agrees and none wants the jar or checks
    /// an expectation there.
    pub last_set_cookie: bool,
}

/// What [`run_branches`] returns for one branch.
#[derive(Clone, Debug, PartialEq)]
pub struct BranchRun {
    /// The traces of the kept steps, in `keep` order (`None` for a position
    /// past the scenario's end).
    pub kept: Vec<Option<StepTrace>>,
    /// The jar after the branch's last step (as in [`Run::jar`]), when the
    /// branch asked for it.
    pub jar: Option<Vec<JarCookie>>,
}

/// Runs several scenarios that share their responses in one profile, as a
/// tree: the steps a group of scenarios have in common at the start run once
/// and the browser (frames, jar, clock, grants) is cloned where they part.
/// Each branch's kept step traces and final jar are exactly those of
/// [`run`] on its scenario — the browser is deterministic and a step depends
/// only on the state the earlier steps left — at the cost of one run per
/// distinct step instead of one per scenario and step (except, when the
/// branches ask, the Set-Cookie lines of their last responses: see
/// [`Branch::last_set_cookie`]).
///
/// The responses are those of the first branch's scenario. Returns, per
/// profile, one [`BranchRun`] per branch.
pub fn run_branches(
    branches: &[Branch<'_>],
    profiles: &[&Profile],
    psl: &dyn PublicSuffixList,
    start: Time,
) -> Vec<Vec<BranchRun>> {
    let scenarios: Vec<&Scenario> = branches.iter().map(|b| b.scenario).collect();
    let responses = browser::Responses::for_scenarios(&scenarios, psl);
    let parsed = browser::ParsedSetCookies::new(&responses);
    let members: Vec<usize> = (0..branches.len()).collect();
    profiles
        .iter()
        .map(|profile| {
            let mut out: Vec<BranchRun> = branches
                .iter()
                .map(|b| BranchRun {
                    kept: vec![None; b.keep.len()],
                    jar: None,
                })
                .collect();
            let root = browser::Browser::new(profile, psl, &responses, &parsed, start);
            explore(root, 0, members.clone(), branches, &mut out);
            out
        })
        .collect()
}

/// Runs the branches in `members` (which share every step before `depth`)
/// from `depth` on: a straight stretch in a loop, and where they part, each
/// group of branches that agree on the next step on its own copy of the
/// browser. Recursion happens only where branches part, so its depth is at
/// most the number of branches, whatever the number of steps.
fn explore(
    browser: browser::Browser<'_>,
    depth: usize,
    members: Vec<usize>,
    branches: &[Branch<'_>],
    out: &mut [BranchRun],
) {
    let mut browser = browser;
    let mut depth = depth;
    let mut members = members;
    loop {
        let mut groups: Vec<(&Step, Vec<usize>)> = Vec::new();
        for &m in &members {
            let Some(branch) = branches.get(m) else {
                continue;
            };
            match branch.scenario.steps.get(depth) {
                None => {
                    if let Some(o) = out.get_mut(m).filter(|_| branch.want_jar) {
                        o.jar = Some(browser.jar_now());
                    }
                }
                Some(step) => match groups.iter_mut().find(|(s, _)| *s == step) {
                    Some((_, group)) => group.push(m),
                    None => groups.push((step, vec![m])),
                },
            }
        }
        if groups.len() == 1
            && let Some((step, group)) = groups.pop()
        {
            // Everyone left takes the same step: no copy needed.
            browser
                .set_store_response_cookies(!skips_last_set_cookie(step, depth, &group, branches));
            let trace = browser.step_checked(step);
            keep_trace(trace, depth, &group, branches, out);
            depth += 1;
            members = group;
            continue;
        }
        // Each group runs on a copy of the browser, the last on the browser.
        let last = groups.pop();
        for (step, group) in groups {
            let mut copy = browser.clone();
            copy.set_store_response_cookies(!skips_last_set_cookie(step, depth, &group, branches));
            let trace = copy.step_checked(step);
            keep_trace(trace, depth, &group, branches, out);
            explore(copy, depth + 1, group, branches, out);
        }
        if let Some((step, group)) = last {
            browser
                .set_store_response_cookies(!skips_last_set_cookie(step, depth, &group, branches));
            let trace = browser.step_checked(step);
            keep_trace(trace, depth, &group, branches, out);
            explore(browser, depth + 1, group, branches, out);
        }
        return;
    }
}

/// Whether step `depth` (`step`, taken by the branches of `group`) may leave
/// its final response's Set-Cookie lines unstored: it is the last step of
/// every one of them, none wants the jar after it, each said
/// [`Branch::last_set_cookie`] `false`, and the step checks no expectation.
fn skips_last_set_cookie(
    step: &Step,
    depth: usize,
    group: &[usize],
    branches: &[Branch<'_>],
) -> bool {
    step.expect.is_empty()
        && group.iter().all(|&m| {
            branches.get(m).is_some_and(|b| {
                !b.last_set_cookie && !b.want_jar && b.scenario.steps.len() == depth + 1
            })
        })
}

/// Hands the trace of step `depth` to the branches of `group` that keep it:
/// each gets a copy, the last one the trace itself.
fn keep_trace(
    trace: StepTrace,
    depth: usize,
    group: &[usize],
    branches: &[Branch<'_>],
    out: &mut [BranchRun],
) {
    // The (branch, slot) pairs that keep step `depth`, in order; usually
    // one, often none: no list is built.
    let keepers = || {
        group
            .iter()
            .filter_map(|&m| branches.get(m).map(|b| (m, b)))
            .flat_map(|(m, b)| {
                b.keep
                    .iter()
                    .enumerate()
                    .filter(|(_, k)| **k == depth)
                    .map(move |(slot, _)| (m, slot))
            })
    };
    let count = keepers().count();
    let mut trace = Some(trace);
    for (n, (m, slot)) in keepers().enumerate() {
        let copy = if n + 1 == count {
            trace.take()
        } else {
            trace.clone()
        };
        if let Some(kept) = out.get_mut(m).and_then(|o| o.kept.get_mut(slot)) {
            *kept = copy;
        }
    }
}

/// Runs `scenario` in each profile: the whole trace.
pub fn simulate(
    scenario: &Scenario,
    profiles: &[Profile],
    psl: &dyn PublicSuffixList,
    start: Time,
) -> Trace {
    let borrowed: Vec<&Profile> = profiles.iter().collect();
    simulate_refs(scenario, &borrowed, psl, start)
}
