//! Judging `[[assert]]` claims on a running cluster: probes at the claims' instants and
//! through their windows, counters read where windows open and close.

use super::watch::{probe_after, probe_period};
use crate::duration::DurationStr;
use crate::registry::{CheckResult, Run};
use crate::scenario::{Assertion, Bound, Claim, NodeRef, Scenario, When};
use sim_core::{Duration, MarkKind, NodeId, NodeStatus, Time};

/// What one assertion has found so far.
#[derive(Clone, Debug)]
struct Judged {
    a: Assertion,
    /// The counter where the window opened (counting claims).
    opened: Option<f64>,
    /// Probes that looked, and the last thing one saw.
    probes: u64,
    seen: String,
    /// The verdict, once reached: passed, when, what was seen.
    verdict: Option<(bool, Time, String)>,
}

/// The run's assertions.
#[derive(Clone, Debug)]
pub(crate) struct Asserts {
    probe: Duration,
    items: Vec<Judged>,
    /// The last time probed: the agenda may hold two probes for one time.
    last: Option<Time>,
}

impl Asserts {
    /// The assertions of `s`; message counts by kind are switched on in `run` if one needs
    /// them.
    pub(crate) fn new(s: &Scenario, run: &mut dyn Run) -> Asserts {
        let probe = probe_period(s);
        let items: Vec<Judged> = s
            .assertions()
            .into_iter()
            .map(|a| Judged {
                a,
                opened: None,
                probes: 0,
                seen: String::new(),
                verdict: None,
            })
            .collect();
        if items
            .iter()
            .any(|j| matches!(&j.a.claim, Claim::Messages { kinds, .. } if !kinds.is_empty()))
        {
            run.count_sent_kinds();
        }
        Asserts {
            probe,
            items,
            last: None,
        }
    }

    /// Where counting windows open: `(time, assertion)`, to put on the agenda ahead of the
    /// events at that time.
    pub(crate) fn openings(&self) -> Vec<(Time, usize)> {
        self.items
            .iter()
            .enumerate()
            .filter_map(|(i, j)| match j.a.when {
                When::Always(from, _) if j.a.claim.counts() => Some((from, i)),
                _ => None,
            })
            .collect()
    }

    /// Counting window `i` opens now, before the events at this time.
    pub(crate) fn open(&mut self, i: usize, run: &dyn Run) {
        if let Some(j) = self.items.get_mut(i) {
            j.opened = Some(count(&j.a.claim, run));
        }
    }

    /// The first probe an assertion needs at or after `t` (`inclusive`) or after it.
    pub(crate) fn next_probe(&self, t: Time, inclusive: bool) -> Option<Time> {
        let after = |x: Time| if inclusive { x >= t } else { x > t };
        let next_multiple = probe_after(t, self.probe);
        self.items
            .iter()
            .filter(|j| j.verdict.is_none())
            .filter_map(|j| match j.a.when {
                When::At(x) => after(x).then_some(x),
                When::Always(_, b) if j.a.claim.counts() => after(b).then_some(b),
                When::Always(a, b) | When::Eventually(a, b) => {
                    if after(a) {
                        Some(a)
                    } else if after(b) {
                        Some(next_multiple.min(b))
                    } else {
                        None
                    }
                }
            })
            .min()
    }

    /// Looks at the cluster at `t`, after every event up to `t`; `node` says which server
    /// a label names (`None` before its fault fired).
    pub(crate) fn probe(&mut self, t: Time, run: &dyn Run, node: &dyn Fn(&str) -> Option<u32>) {
        if self.last == Some(t) {
            return;
        }
        self.last = Some(t);
        for j in self.items.iter_mut().filter(|j| j.verdict.is_none()) {
            match j.a.when {
                When::At(x) if x == t => {
                    let (ok, seen) = look(&j.a.claim, run, node);
                    j.verdict = Some((ok, t, seen));
                }
                // A counting window is read at its end only.
                When::Always(_, b) if j.a.claim.counts() && t == b => {
                    let n = count(&j.a.claim, run) - j.opened.unwrap_or(0.0);
                    let ok = bound_of(&j.a.claim).is_none_or(|bd| bd.admits(n));
                    j.verdict = Some((
                        ok,
                        t,
                        format!("{} = {}", counted(&j.a.claim), crate::text::number(n)),
                    ));
                }
                When::Always(a, b) if !j.a.claim.counts() && a <= t && t <= b => {
                    let (ok, seen) = look(&j.a.claim, run, node);
                    j.probes += 1;
                    if !ok {
                        j.verdict = Some((false, t, seen));
                    } else if t == b {
                        j.verdict = Some((true, t, seen));
                    } else {
                        j.seen = seen;
                    }
                }
                When::Eventually(a, b) if a <= t && t <= b => {
                    let (ok, seen) = look(&j.a.claim, run, node);
                    j.probes += 1;
                    if ok {
                        j.verdict = Some((true, t, seen));
                    } else if t == b {
                        j.verdict = Some((false, t, seen));
                    }
                }
                _ => {}
            }
        }
    }

    /// The verdicts, the run having stopped at `end`.
    pub(crate) fn judge(&self, end: Time) -> Vec<CheckResult> {
        let d = |t: Time| DurationStr(Duration(t.0));
        self.items
            .iter()
            .map(|j| {
                let name = j.a.to_string();
                match &j.verdict {
                    None => CheckResult::fail(
                        name,
                        format!("not judged: the run stopped at {}", d(end)),
                    ),
                    Some((ok, t, seen)) => {
                        let detail = match (j.a.when, ok) {
                            (When::Always(..), true) if !j.a.claim.counts() => {
                                format!("held at all {} probes; at {}: {seen}", j.probes, d(*t))
                            }
                            (When::Always(from, _), _) if j.a.claim.counts() => {
                                format!("{seen} from {} to {}", d(from), d(*t))
                            }
                            (When::Eventually(from, _), true) => {
                                format!(
                                    "at {} ({} after {}): {seen}",
                                    d(*t),
                                    DurationStr(*t - from),
                                    d(from)
                                )
                            }
                            (When::Eventually(..), false) => format!(
                                "not seen at any of {} probes; at {}: {seen}",
                                j.probes,
                                d(*t)
                            ),
                            _ => format!("at {}: {seen}", d(*t)),
                        };
                        if *ok {
                            CheckResult::pass(name, detail)
                        } else {
                            CheckResult::fail(name, detail)
                        }
                    }
                }
            })
            .collect()
    }
}

fn bound_of(c: &Claim) -> Option<&Bound> {
    match c {
        Claim::Elections(b)
        | Claim::Term(b)
        | Claim::OpsCompleted(b)
        | Claim::Crashed(b)
        | Claim::FieldNumber { bound: b, .. }
        | Claim::Messages { bound: b, .. } => Some(b),
        _ => None,
    }
}

/// What a counting claim counts, for reports.
fn counted(c: &Claim) -> String {
    match c {
        Claim::Elections(_) => "elections".into(),
        Claim::OpsCompleted(_) => "operations completed".into(),
        Claim::Messages { kinds, .. } if kinds.is_empty() => "messages sent".into(),
        Claim::Messages { kinds, .. } => format!("{} sent", kinds.join(" + ")),
        _ => String::new(),
    }
}

/// The counter a counting claim reads, since the start of the run.
fn count(c: &Claim, run: &dyn Run) -> f64 {
    match c {
        Claim::Elections(_) => run.trace().marks().get(MarkKind::Elected) as f64,
        Claim::OpsCompleted(_) => run.metrics().get("ops_completed").unwrap_or(0.0),
        Claim::Messages { kinds, .. } if kinds.is_empty() => run.stats().sent as f64,
        Claim::Messages { kinds, .. } => run
            .sent_by_kind()
            .iter()
            .filter(|(k, _)| kinds.iter().any(|want| want == k))
            .map(|(_, n)| *n as f64)
            .sum(),
        _ => 0.0,
    }
}

/// Whether a state claim holds now, and what was seen.
fn look(c: &Claim, run: &dyn Run, labelled: &dyn Fn(&str) -> Option<u32>) -> (bool, String) {
    let resolve = |r: &NodeRef| match r {
        NodeRef::Id(n) => Ok(*n),
        NodeRef::Label(l) => {
            labelled(l).ok_or_else(|| format!("the fault labelled {l:?} has not fired"))
        }
    };
    let leader = || super::leaders::leader_in_touch(run);
    let led = |l: Option<NodeId>| l.map_or("no leader".to_string(), |n| format!("leader {n}"));
    let servers = run.server_count();
    let up = || {
        let statuses = run.statuses();
        (0..servers)
            .filter(move |i| statuses.get(*i as usize) == Some(&NodeStatus::Up))
            .map(NodeId)
            .collect::<Vec<_>>()
    };
    match c {
        Claim::Leader => {
            let l = leader();
            (l.is_some(), led(l))
        }
        Claim::NoLeader => {
            let l = leader();
            (l.is_none(), led(l))
        }
        Claim::LeaderIs(n) => match resolve(n) {
            Ok(n) => {
                let l = leader();
                (l == Some(NodeId(n)), led(l))
            }
            Err(why) => (false, why),
        },
        Claim::LeaderIsNot(n) => match resolve(n) {
            Ok(n) => {
                let l = leader();
                (l != Some(NodeId(n)), led(l))
            }
            Err(why) => (false, why),
        },
        Claim::Term(bound) => {
            let term = up()
                .into_iter()
                .filter_map(|n| run.view(n).and_then(|v| v.epoch))
                .max();
            match term {
                Some(t) => (bound.admits(t as f64), format!("term {t}")),
                None => (false, "no running server has a term".into()),
            }
        }
        Claim::Crashed(bound) => {
            let down = run
                .statuses()
                .iter()
                .take(servers as usize)
                .filter(|s| **s == NodeStatus::Down)
                .count();
            (bound.admits(down as f64), format!("{down} servers down"))
        }
        Claim::Converged => match run.converged() {
            Some(true) => (true, "converged".into()),
            _ => (false, "not converged".into()),
        },
        Claim::FieldNumber { node, field, bound } => {
            match resolve(node).and_then(|n| field_of(run, n, field).map(|v| (n, v))) {
                Err(why) => (false, why),
                Ok((node, text)) => match text.trim().parse::<f64>() {
                    Ok(v) => (bound.admits(v), format!("n{node} {field} = {text}")),
                    Err(_) => (false, format!("n{node} {field} is {text:?}, not a number")),
                },
            }
        }
        Claim::FieldText { node, field, text } => {
            match resolve(node).and_then(|n| field_of(run, n, field).map(|v| (n, v))) {
                Err(why) => (false, why),
                Ok((node, v)) => (&v == text, format!("n{node} {field} = {v:?}")),
            }
        }
        Claim::FieldsEqual(field) => {
            let mut values: Vec<(NodeId, String)> = Vec::new();
            for n in up() {
                match field_of(run, n.0, field) {
                    Ok(v) => values.push((n, v)),
                    Err(why) => return (false, why),
                }
            }
            let shown = values
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join(" ");
            let same = values.windows(2).all(|w| w[0].1 == w[1].1);
            (same, format!("{field}: {shown}"))
        }
        Claim::Elections(_) | Claim::OpsCompleted(_) | Claim::Messages { .. } => {
            (true, String::new())
        }
    }
}

/// The text of `field` in node `node`'s view, or why there is none.
fn field_of(run: &dyn Run, node: u32, field: &str) -> Result<String, String> {
    let view = run
        .view(NodeId(node))
        .ok_or_else(|| format!("n{node} is down"))?;
    view.fields
        .iter()
        .find(|(k, _)| k == field)
        .map(|(_, v)| v.clone())
        .ok_or_else(|| format!("n{node} shows no field {field:?}"))
}
