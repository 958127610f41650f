//! `[[assert]]`: claims about the cluster judged at an instant or over a window of the run,
//! not only at its end.
//!
//! ```toml
//! [[assert]]                 # no leader while the majority is cut off
//! that = "no-leader"
//! from = "2.5s"
//! until = "4s"
//!
//! [[assert]]                 # a new leader within 1s of the heal
//! that = "leader"
//! from = "4s"
//! within = "1s"
//!
//! [[assert]]                 # at most 60 messages in an idle second
//! that = "messages"
//! from = "5s"
//! until = "6s"
//! max = 60
//! ```
//!
//! [`AssertEntry`] is the file's syntax, one flat table; [`Assertion`] is the typed claim the
//! runner judges, read from it by [`AssertEntry::typed`] with every problem located.

use crate::duration::DurationStr;
use serde::{Deserialize, Serialize};
use sim_core::Time;
use std::fmt;
use std::ops::Range;
use toml::Spanned;

/// The claims, as written after `that =`.
pub const CLAIMS: [&str; 12] = [
    "leader",
    "no-leader",
    "leader-is",
    "leader-is-not",
    "elections",
    "term",
    "ops-completed",
    "field",
    "fields-equal",
    "messages",
    "converged",
    "crashed",
];

/// One `[[assert]]` table as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssertEntry {
    /// What is claimed (one of [`CLAIMS`]).
    pub that: Spanned<String>,
    /// Judge the claim at this instant, after every event up to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Spanned<DurationStr>>,
    /// Start of the window (default: the start of the run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Spanned<DurationStr>>,
    /// End of the window (default: the end of the run); the claim must hold at every probe
    /// in it, and counts are taken over it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Spanned<DurationStr>>,
    /// Instead of `until`: the claim must come true at some probe within this long of `from`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<Spanned<DurationStr>>,
    /// The node (`leader-is`, `leader-is-not`, `field`): an id, or the label of a fault,
    /// naming the node it touched (the leader it isolated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<Spanned<NodeRef>>,
    /// The view field, as the node's inspector names it (`field`, `fields-equal`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<Spanned<String>>,
    /// Only messages of these kinds (`messages`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kinds: Option<Spanned<Vec<String>>>,
    /// Smallest acceptable value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Spanned<f64>>,
    /// Largest acceptable value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Spanned<f64>>,
    /// The only acceptable value: a number, or for a `field`, its text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<Spanned<Expected>>,
}

/// The node an assertion is about: fixed, or whichever node a labelled fault touched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum NodeRef {
    /// This server.
    Id(u32),
    /// The (first) server the fault with this label touched when it fired.
    Label(String),
}

impl fmt::Display for NodeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeRef::Id(n) => write!(f, "n{n}"),
            NodeRef::Label(l) => write!(f, "{l}"),
        }
    }
}

/// An `equals` value: a number, or a field's text (`"n2"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Expected {
    /// A number, compared numerically.
    Number(f64),
    /// Text, compared as the view shows it.
    Text(String),
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Number(n) => write!(f, "{n}"),
            Expected::Text(t) => write!(f, "{t:?}"),
        }
    }
}

/// The acceptable values of a number.
#[derive(Clone, Debug, PartialEq)]
pub struct Bound {
    /// Smallest acceptable value.
    pub min: Option<f64>,
    /// Largest acceptable value.
    pub max: Option<f64>,
}

impl Bound {
    /// Whether `v` is acceptable.
    pub fn admits(&self, v: f64) -> bool {
        self.min.is_none_or(|a| v >= a) && self.max.is_none_or(|b| v <= b)
    }
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.min, self.max) {
            (Some(a), Some(b)) if a == b => write!(f, "= {a}"),
            (Some(a), Some(b)) => write!(f, "in [{a}, {b}]"),
            (Some(a), None) => write!(f, ">= {a}"),
            (None, Some(b)) => write!(f, "<= {b}"),
            (None, None) => f.write_str("any"),
        }
    }
}

/// What an assertion claims.
#[derive(Clone, Debug, PartialEq)]
pub enum Claim {
    /// Some running server leads and reaches a majority (a leader cut off from the others
    /// that has not noticed yet does not count).
    Leader,
    /// No running server that reaches a majority leads.
    NoLeader,
    /// This node leads.
    LeaderIs(NodeRef),
    /// This node does not lead (another may, or none).
    LeaderIsNot(NodeRef),
    /// Elections won in the window (a leader change each).
    Elections(Bound),
    /// The highest term (epoch) among the running servers.
    Term(Bound),
    /// Client operations completed in the window.
    OpsCompleted(Bound),
    /// A node's view field, as a number.
    FieldNumber {
        /// The node.
        node: NodeRef,
        /// The field.
        field: String,
        /// Its acceptable values.
        bound: Bound,
    },
    /// A node's view field, as text.
    FieldText {
        /// The node.
        node: NodeRef,
        /// The field.
        field: String,
        /// The text it must show.
        text: String,
    },
    /// Every running server shows the same value in this field.
    FieldsEqual(String),
    /// Messages sent in the window, of the given kinds (all kinds if empty).
    Messages {
        /// The kinds counted.
        kinds: Vec<String>,
        /// The acceptable counts.
        bound: Bound,
    },
    /// The protocol says it has converged.
    Converged,
    /// Servers down (crashed or stopped).
    Crashed(Bound),
}

impl Claim {
    /// Whether the claim counts something over a window rather than looking at a state.
    pub fn counts(&self) -> bool {
        matches!(
            self,
            Claim::Elections(_) | Claim::OpsCompleted(_) | Claim::Messages { .. }
        )
    }
}

impl fmt::Display for Claim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Claim::Leader => f.write_str("leader"),
            Claim::NoLeader => f.write_str("no-leader"),
            Claim::LeaderIs(n) => write!(f, "leader-is {n}"),
            Claim::LeaderIsNot(n) => write!(f, "leader-is-not {n}"),
            Claim::Elections(b) => write!(f, "elections {b}"),
            Claim::Term(b) => write!(f, "term {b}"),
            Claim::OpsCompleted(b) => write!(f, "ops-completed {b}"),
            Claim::FieldNumber { node, field, bound } => {
                write!(f, "field {node} {field:?} {bound}")
            }
            Claim::FieldText { node, field, text } => {
                write!(f, "field {node} {field:?} = {text:?}")
            }
            Claim::FieldsEqual(field) => write!(f, "fields-equal {field:?}"),
            Claim::Messages { kinds, bound } if kinds.is_empty() => write!(f, "messages {bound}"),
            Claim::Messages { kinds, bound } => write!(f, "messages {} {bound}", kinds.join("+")),
            Claim::Converged => f.write_str("converged"),
            Claim::Crashed(b) => write!(f, "crashed {b}"),
        }
    }
}

/// When an assertion is judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// At one instant, after every event up to it.
    At(Time),
    /// At every probe from the first time to the second, both included; counts are taken
    /// over the same span.
    Always(Time, Time),
    /// At some probe from the first time to the second: the first probe that sees it ends
    /// the wait.
    Eventually(Time, Time),
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = |t: Time| DurationStr(sim_core::Duration(t.0));
        match *self {
            When::At(t) => write!(f, "at {}", d(t)),
            When::Always(a, b) => write!(f, "from {} until {}", d(a), d(b)),
            When::Eventually(a, b) => write!(f, "within {} of {}", DurationStr(b - a), d(a)),
        }
    }
}

/// A typed assertion.
#[derive(Clone, Debug, PartialEq)]
pub struct Assertion {
    /// What it claims.
    pub claim: Claim,
    /// When.
    pub when: When,
}

impl fmt::Display for Assertion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "assert {} {}", self.claim, self.when)
    }
}

/// A problem in an `[[assert]]` table, with where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct AssertProblem {
    /// Where (a span of the file; `0..0` for a scenario built in code).
    pub span: Range<usize>,
    /// What is wrong.
    pub message: String,
}

impl AssertEntry {
    /// The typed assertion, for a run that ends at `end`; every problem is reported.
    pub fn typed(&self, end: Time) -> Result<Assertion, Vec<AssertProblem>> {
        let mut problems = Vec::new();
        let mut bad = |span: Range<usize>, message: String| {
            problems.push(AssertProblem { span, message });
        };
        let that = self.that.get_ref().as_str();
        let that_span = self.that.span();
        let keys = self.keys_set();
        let allowed: &[&str] = match that {
            "leader" | "no-leader" | "converged" => &[],
            "leader-is" | "leader-is-not" => &["node"],
            "elections" | "term" | "ops-completed" | "crashed" => &["min", "max", "equals"],
            "field" => &["node", "field", "min", "max", "equals"],
            "fields-equal" => &["field"],
            "messages" => &["kinds", "min", "max", "equals"],
            other => {
                let hint = crate::diag::suggest(other, CLAIMS)
                    .map(|s| format!(", did you mean \"{s}\"?"))
                    .unwrap_or_default();
                bad(
                    that_span,
                    format!(
                        "unknown claim {other:?}{hint} (expected one of {})",
                        CLAIMS.map(|c| format!("\"{c}\"")).join(", ")
                    ),
                );
                return Err(problems);
            }
        };
        for k in &keys {
            if !allowed.contains(&k.0) {
                bad(
                    k.1.clone(),
                    format!(
                        "`{}` does not go with that = {that:?} (it takes {})",
                        k.0,
                        if allowed.is_empty() {
                            "no other keys".to_string()
                        } else {
                            allowed
                                .iter()
                                .map(|a| format!("`{a}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        }
                    ),
                );
            }
        }
        let need = |key: &str, set: bool, problems: &mut Vec<AssertProblem>| {
            if !set && allowed.contains(&key) {
                problems.push(AssertProblem {
                    span: that_span.clone(),
                    message: format!("that = {that:?} needs `{key}`"),
                });
            }
        };
        need("node", self.node.is_some(), &mut problems);
        need("field", self.field.is_some(), &mut problems);
        let node = self
            .node
            .as_ref()
            .map_or(NodeRef::Id(0), |n| n.get_ref().clone());
        let field = self
            .field
            .as_ref()
            .map(|f| f.get_ref().clone())
            .unwrap_or_default();
        let bound = self.bound(that, &mut problems);
        let text = match self.equals.as_ref().map(|e| e.get_ref()) {
            Some(Expected::Text(t)) => Some(t.clone()),
            _ => None,
        };
        let claim = match that {
            "leader" => Claim::Leader,
            "no-leader" => Claim::NoLeader,
            "leader-is" => Claim::LeaderIs(node.clone()),
            "leader-is-not" => Claim::LeaderIsNot(node.clone()),
            "elections" => Claim::Elections(bound),
            "term" => Claim::Term(bound),
            "ops-completed" => Claim::OpsCompleted(bound),
            "crashed" => Claim::Crashed(bound),
            "field" => match text {
                Some(text) => Claim::FieldText { node, field, text },
                None => Claim::FieldNumber { node, field, bound },
            },
            "fields-equal" => Claim::FieldsEqual(field),
            "messages" => Claim::Messages {
                kinds: self
                    .kinds
                    .as_ref()
                    .map(|k| k.get_ref().clone())
                    .unwrap_or_default(),
                bound,
            },
            _ => Claim::Converged,
        };
        if let Some(k) = &self.kinds
            && k.get_ref().is_empty()
        {
            problems.push(AssertProblem {
                span: k.span(),
                message: "`kinds` lists no kind; leave it out to count every kind".into(),
            });
        }
        let when = self.when(&claim, end, &mut problems);
        if problems.is_empty() {
            Ok(Assertion { claim, when })
        } else {
            Err(problems)
        }
    }

    /// The bounds of a counting or numeric claim: at least one of `min`, `max`, `equals`.
    fn bound(&self, that: &str, problems: &mut Vec<AssertProblem>) -> Bound {
        let get = |v: &Option<Spanned<f64>>| v.as_ref().map(|v| *v.get_ref());
        let (mut min, mut max) = (get(&self.min), get(&self.max));
        let numeric = matches!(
            that,
            "elections" | "term" | "ops-completed" | "crashed" | "field" | "messages"
        );
        if let Some(e) = &self.equals {
            match e.get_ref() {
                Expected::Number(v) => {
                    if min.is_some() || max.is_some() {
                        problems.push(AssertProblem {
                            span: e.span(),
                            message: "give `equals`, or `min` and `max`, not both".into(),
                        });
                    }
                    (min, max) = (Some(*v), Some(*v));
                }
                Expected::Text(_) if that == "field" => {
                    if min.is_some() || max.is_some() {
                        problems.push(AssertProblem {
                            span: e.span(),
                            message: "a field equal to a text takes no `min` or `max`".into(),
                        });
                    }
                    return Bound { min, max };
                }
                Expected::Text(t) => problems.push(AssertProblem {
                    span: e.span(),
                    message: format!(
                        "that = {that:?} counts: `equals` must be a number, got {t:?}"
                    ),
                }),
            }
        }
        if numeric && min.is_none() && max.is_none() && self.equals.is_none() {
            problems.push(AssertProblem {
                span: self.that.span(),
                message: format!("that = {that:?} needs `min`, `max` or `equals`"),
            });
        }
        for v in [&self.min, &self.max].into_iter().flatten() {
            if !v.get_ref().is_finite() {
                problems.push(AssertProblem {
                    span: v.span(),
                    message: format!("expected a finite number, got {}", v.get_ref()),
                });
            }
        }
        if let (Some(a), Some(b)) = (min, max)
            && a > b
        {
            let span = self.min.as_ref().map_or(self.that.span(), |m| m.span());
            problems.push(AssertProblem {
                span,
                message: format!("min ({a}) is above max ({b})"),
            });
        }
        Bound { min, max }
    }

    /// When the claim is judged, checked against the run's end.
    fn when(&self, claim: &Claim, end: Time, problems: &mut Vec<AssertProblem>) -> When {
        let t = |d: &Option<Spanned<DurationStr>>| d.as_ref().map(|d| Time(d.get_ref().nanos()));
        let mut bad = |span: Range<usize>, message: String| {
            problems.push(AssertProblem { span, message });
        };
        let shown = |t: Time| DurationStr(sim_core::Duration(t.0));
        let late = |d: &Option<Spanned<DurationStr>>,
                    what: &str,
                    bad: &mut dyn FnMut(Range<usize>, String)| {
            if let Some(d) = d
                && Time(d.get_ref().nanos()) > end
            {
                bad(
                    d.span(),
                    format!(
                        "{what} {} is after the run ends at {}",
                        d.get_ref(),
                        shown(end)
                    ),
                );
            }
        };
        if let Some(at) = &self.at {
            for (k, span) in [
                ("from", &self.from),
                ("until", &self.until),
                ("within", &self.within),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k, v.span())))
            {
                bad(
                    span,
                    format!(
                        "give `at`, or a window (`from`, `until` or `within`), not `{k}` with `at`"
                    ),
                );
            }
            if claim.counts() {
                bad(
                    at.span(),
                    format!(
                        "that = \"{}\" counts over a window: give `from` and `until` instead of `at`",
                        self.that.get_ref()
                    ),
                );
            }
            late(&self.at, "at", &mut bad);
            return When::At(Time(at.get_ref().nanos()));
        }
        let from = t(&self.from).unwrap_or(Time::ZERO);
        late(&self.from, "from", &mut bad);
        late(&self.until, "until", &mut bad);
        if let Some(w) = &self.within {
            if let Some(u) = &self.until {
                bad(u.span(), "give `until` or `within`, not both".into());
            }
            if claim.counts() {
                bad(
                    w.span(),
                    format!(
                        "that = \"{}\" counts over a window: give `until`, not `within`",
                        self.that.get_ref()
                    ),
                );
            }
            let until = from + sim_core::Duration(w.get_ref().nanos());
            if until > end {
                bad(
                    w.span(),
                    format!(
                        "the wait ends at {}, after the run ends at {}",
                        shown(until),
                        shown(end)
                    ),
                );
            }
            return When::Eventually(from, until);
        }
        let until = t(&self.until).unwrap_or(end);
        if until < from {
            let span = self.until.as_ref().map_or(self.that.span(), |u| u.span());
            bad(
                span,
                format!("until {} is before from {}", shown(until), shown(from)),
            );
        }
        When::Always(from, until)
    }

    /// The keys set besides `that` and the time keys, with their spans.
    fn keys_set(&self) -> Vec<(&'static str, Range<usize>)> {
        let mut v = Vec::new();
        if let Some(n) = &self.node {
            v.push(("node", n.span()));
        }
        if let Some(f) = &self.field {
            v.push(("field", f.span()));
        }
        if let Some(k) = &self.kinds {
            v.push(("kinds", k.span()));
        }
        if let Some(m) = &self.min {
            v.push(("min", m.span()));
        }
        if let Some(m) = &self.max {
            v.push(("max", m.span()));
        }
        if let Some(e) = &self.equals {
            v.push(("equals", e.span()));
        }
        v
    }
}
