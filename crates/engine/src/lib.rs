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

use std::rc::Rc;

use cookie_doctor_cookie::Time;
use cookie_doctor_inputs::{Scenario, Step};
use cookie_doctor_profiles::{Profile, WatchedKnobs};
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
    /// past the scenario's end). A step shared by several lanes (riders) or
    /// branches is one trace, counted, not copied.
    pub kept: Vec<Option<Rc<StepTrace>>>,
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
/// Profiles that differ only in `third_party_cookies` (`chrome` and
/// `chrome-3pc-blocked`) share, the same way, the steps in which no decision
/// reads that knob: first-party navigations, mostly.
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
    let mut lanes: Vec<Vec<BranchRun>> = profiles
        .iter()
        .map(|_| {
            branches
                .iter()
                .map(|b| BranchRun {
                    kept: vec![None; b.keep.len()],
                    jar: None,
                })
                .collect()
        })
        .collect();
    // A profile that differs from an earlier one in watched knobs alone
    // rides on that one's browser until a step reads a knob they differ in.
    let mut leaders: Vec<(usize, Vec<Rider<'_>>)> = Vec::new();
    for (lane, profile) in profiles.iter().enumerate() {
        let leader = leaders.iter_mut().find_map(|(l, riders)| {
            profiles
                .get(*l)
                .and_then(|p| p.watched_difference(profile))
                .map(|differs| (riders, differs))
        });
        match leader {
            Some((riders, differs)) => riders.push(Rider {
                profile,
                lane,
                differs,
            }),
            None => leaders.push((lane, Vec::new())),
        }
    }
    for (lane, riders) in leaders {
        let Some(profile) = profiles.get(lane) else {
            continue;
        };
        let root = browser::Browser::new(profile, psl, &responses, &parsed, start);
        explore(root, lane, riders, 0, members.clone(), branches, &mut lanes);
    }
    lanes
}

/// A profile that takes another profile's steps instead of running its own:
/// the two differ only in watched knobs (`Profile::watched_difference`), so
/// they decide alike until a decision reads one of those knobs (the browser
/// records each read; see `Browser::take_knobs_read`). From that step on, the
/// rider runs on a browser of its own.
#[derive(Clone, Copy)]
struct Rider<'p> {
    profile: &'p Profile,
    /// Its index in `run_branches`' profiles.
    lane: usize,
    /// The knobs in which it differs from its leader.
    differs: WatchedKnobs,
}

/// Runs the branches in `members` (which share every step before `depth`)
/// from `depth` on, in the browser of lane `lane` and for its riders: a
/// straight stretch in a loop, and where they part, each group of branches
/// that agree on the next step on its own copy of the browser. Recursion
/// happens only where branches or riders part, so its depth is at most the
/// number of branches times the number of riders plus one, whatever the
/// number of steps.
fn explore<'a>(
    browser: browser::Browser<'a>,
    lane: usize,
    riders: Vec<Rider<'a>>,
    depth: usize,
    members: Vec<usize>,
    branches: &[Branch<'_>],
    lanes: &mut [Vec<BranchRun>],
) {
    let mut browser = browser;
    let mut riders = riders;
    let mut depth = depth;
    let mut members = members;
    loop {
        // The usual stretch: every member takes the same next step (none
        // ends here), and they go on together as they are.
        if let Some(step) = common_step(&members, depth, branches) {
            take_step(
                &mut browser,
                lane,
                &mut riders,
                step,
                depth,
                &members,
                branches,
                lanes,
            );
            depth += 1;
            continue;
        }
        let mut groups: Vec<(&Step, Vec<usize>)> = Vec::new();
        let mut ended: Vec<usize> = Vec::new();
        for &m in &members {
            let Some(branch) = branches.get(m) else {
                continue;
            };
            match branch.scenario.steps.get(depth) {
                None => {
                    if branch.want_jar {
                        ended.push(m);
                    }
                }
                Some(step) => match groups.iter_mut().find(|(s, _)| *s == step) {
                    Some((_, group)) => group.push(m),
                    None => groups.push((step, vec![m])),
                },
            }
        }
        if !ended.is_empty() {
            // A rider's jar is its leader's (no step so far read the knob
            // they differ in).
            let jar = browser.jar_now();
            for l in riders.iter().map(|r| r.lane).chain([lane]) {
                for &m in &ended {
                    if let Some(o) = lanes.get_mut(l).and_then(|runs| runs.get_mut(m)) {
                        o.jar = Some(jar.clone());
                    }
                }
            }
        }
        if groups.len() == 1
            && let Some((step, group)) = groups.pop()
        {
            // Everyone left takes the same step: no copy needed.
            take_step(
                &mut browser,
                lane,
                &mut riders,
                step,
                depth,
                &group,
                branches,
                lanes,
            );
            depth += 1;
            members = group;
            continue;
        }
        // Each group runs on a copy of the browser, the last on the browser.
        let last = groups.pop();
        let mut runs: Vec<_> = groups
            .into_iter()
            .map(|g| (g, browser.clone(), riders.clone()))
            .collect();
        if let Some(g) = last {
            runs.push((g, browser, riders));
        }
        for ((step, group), mut copy, mut copy_riders) in runs {
            take_step(
                &mut copy,
                lane,
                &mut copy_riders,
                step,
                depth,
                &group,
                branches,
                lanes,
            );
            explore(copy, lane, copy_riders, depth + 1, group, branches, lanes);
        }
        return;
    }
}

/// The step at `depth` of every branch in `members`, when they all have the
/// same one.
fn common_step<'s>(members: &[usize], depth: usize, branches: &[Branch<'s>]) -> Option<&'s Step> {
    let step_of = |m: usize| branches.get(m).and_then(|b| b.scenario.steps.get(depth));
    let (first, rest) = members.split_first()?;
    let step = step_of(*first)?;
    rest.iter()
        .all(|&m| step_of(m).is_some_and(|s| std::ptr::eq(s, step) || *s == *step))
        .then_some(step)
}

/// Takes step `depth` (`step`, shared by the branches of `group`) in
/// `browser`, whose traces go to lane `lane`, and for its riders. The riders
/// none of whose differing knobs a decision of the step read take its trace
/// and ride on (none do when the step checks an expectation, which may name
/// browsers). Each other rider takes the step on a browser of its own — a
/// copy made before the step when [`browser::Browser::may_read`] foresaw the
/// read, else one replayed from the start — and runs the rest of the
/// branches of `group` on it; it leaves `riders`.
#[allow(clippy::too_many_arguments)]
fn take_step<'a>(
    browser: &mut browser::Browser<'a>,
    lane: usize,
    riders: &mut Vec<Rider<'a>>,
    step: &Step,
    depth: usize,
    group: &[usize],
    branches: &[Branch<'_>],
    lanes: &mut [Vec<BranchRun>],
) {
    let store = !skips_last_set_cookie(step, depth, group, branches);
    browser.set_store_response_cookies(store);
    let expects = !step.expect.is_empty();
    let may_part =
        !riders.is_empty() && (expects || riders.iter().any(|r| browser.may_read(step, r.differs)));
    let before = may_part.then(|| browser.clone());
    browser.take_knobs_read();
    let trace = browser.step_checked(step);
    let read = browser.take_knobs_read();
    let parts = |r: &Rider<'_>| expects || r.differs.meets(read);
    if !riders.iter().any(parts) {
        let sharing = riders.iter().map(|r| r.lane).chain([lane]);
        keep_trace(trace, depth, group, branches, lanes, sharing);
        return;
    }
    let parting: Vec<Rider<'a>> = riders.iter().copied().filter(parts).collect();
    riders.retain(|r| !parts(r));
    let sharing = riders.iter().map(|r| r.lane).chain([lane]);
    keep_trace(trace, depth, group, branches, lanes, sharing);
    for rider in parting {
        let mut own = match &before {
            Some(before) => before.clone().with_profile(rider.profile),
            None => replay(browser, rider.profile, depth, group, branches),
        };
        own.set_store_response_cookies(store);
        let trace = own.step_checked(step);
        keep_trace(
            trace,
            depth,
            group,
            branches,
            lanes,
            [rider.lane].into_iter(),
        );
        let members = group.to_vec();
        explore(
            own,
            rider.lane,
            Vec::new(),
            depth + 1,
            members,
            branches,
            lanes,
        );
    }
}

/// A browser of `profile` that has taken the steps before `depth` of the
/// branches of `group` (which share them): where a rider's parting was not
/// foreseen.
fn replay<'a>(
    browser: &browser::Browser<'a>,
    profile: &'a Profile,
    depth: usize,
    group: &[usize],
    branches: &[Branch<'_>],
) -> browser::Browser<'a> {
    let mut own = browser.restarted(profile);
    let steps = group
        .first()
        .and_then(|&m| branches.get(m))
        .map_or(&[][..], |b| b.scenario.steps.as_slice());
    for step in steps.iter().take(depth) {
        // Not the last step of any of these branches: stored in full.
        own.set_store_response_cookies(true);
        own.step_checked(step);
    }
    own
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

/// Hands the trace of step `depth` to the branches of `group` that keep it,
/// in each of the lanes `sharing`: all of them share it.
fn keep_trace(
    trace: StepTrace,
    depth: usize,
    group: &[usize],
    branches: &[Branch<'_>],
    lanes: &mut [Vec<BranchRun>],
    sharing: impl Iterator<Item = usize> + Clone,
) {
    // The (lane, branch, slot) triples that keep step `depth`, in order;
    // usually one per lane, often none: no list is built.
    let keepers = || {
        sharing.clone().flat_map(move |lane| {
            group
                .iter()
                .filter_map(|&m| branches.get(m).map(|b| (m, b)))
                .flat_map(move |(m, b)| {
                    b.keep
                        .iter()
                        .enumerate()
                        .filter(move |(_, k)| **k == depth)
                        .map(move |(slot, _)| (lane, m, slot))
                })
        })
    };
    let mut trace = Some(trace);
    let mut shared: Option<Rc<StepTrace>> = None;
    for (lane, m, slot) in keepers() {
        if let Some(kept) = lanes
            .get_mut(lane)
            .and_then(|runs| runs.get_mut(m))
            .and_then(|o| o.kept.get_mut(slot))
        {
            if shared.is_none() {
                shared = trace.take().map(Rc::new);
            }
            kept.clone_from(&shared);
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

/// The scenario corpus helpers of `tests/branches.rs`, for the unit tests.
#[cfg(test)]
#[path = "../tests/support/mod.rs"]
mod support;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::*;
    use crate::support;
    use cookie_doctor_profiles::builtin_named;
    use cookie_doctor_site::BuiltinPsl;

    /// A rider whose parting was not foreseen replays its steps from the
    /// start and then gets exactly what its own run gives, on every corpus
    /// scenario and at every prefix (the prefixes end at each step, so the
    /// rider parts at each one that reads a knob it differs in): for a rider
    /// that differs in `third_party_cookies` alone and for one that differs
    /// in several watched knobs.
    #[test]
    fn an_unforeseen_parting_replays_to_the_riders_own_run() {
        let pairs = [
            ("chrome", "chrome-3pc-blocked", 10),
            ("chrome", "rfc6265bis", 10),
        ];
        for (leader, rider, at_least) in pairs {
            let leader = builtin_named(leader).unwrap();
            let rider = builtin_named(rider).unwrap();
            let differs = leader.watched_difference(&rider).unwrap();
            assert!(!differs.is_empty());
            let start = Time::from_unix(1_795_435_200);
            let mut parted = 0usize;
            browser::NEVER_FORESEE.with(|f| f.set(true));
            for (path, scenario) in support::corpus() {
                let variants: Vec<Scenario> = (1..=scenario.steps.len())
                    .map(|k| support::with_steps(&scenario, scenario.steps[..k].to_vec()))
                    .collect();
                let keeps = support::keep_all(&variants);
                let branches = support::branch_set(&variants, &keeps, true);
                let together = run_branches(&branches, &[&leader, &rider], &BuiltinPsl, start);
                for (variant, branch_run) in variants.iter().zip(&together[1]) {
                    let alone = run(variant, &rider, &BuiltinPsl, start);
                    let kept: Vec<_> = branch_run
                        .kept
                        .iter()
                        .map(|s| s.as_deref().cloned().unwrap())
                        .collect();
                    assert_eq!(kept, alone.steps, "{}: {}", path.display(), rider.name);
                    assert_eq!(
                        branch_run.jar.as_ref(),
                        Some(&alone.jar),
                        "{}: {}",
                        path.display(),
                        rider.name
                    );
                }
                let leader_runs = run_branches(&branches, &[&leader], &BuiltinPsl, start);
                parted += usize::from(leader_runs[0] != together[1]);
            }
            browser::NEVER_FORESEE.with(|f| f.set(false));
            // The corpus has scenarios where the two profiles differ.
            assert!(
                parted > at_least,
                "only {parted} scenarios told {} and {} apart",
                leader.name,
                rider.name
            );
        }
    }
}
