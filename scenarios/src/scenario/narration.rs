//! `[[narration]]`: a guided tour over a real run. Each stop says something at a moment of the
//! run: at a time, or when something happens (the first leader elected, the third commit, a
//! remark such as "learned"). The front end and the exported web page show the stops as the
//! cursor passes them, highlight the nodes they name, and pause there while playing.
//!
//! ```toml
//! [[narration]]
//! at = "0s"
//! text = "Five servers start as followers, each with a randomized election timer."
//!
//! [[narration]]
//! mark = "elected"          # the first `elected` mark; `occurrence = 2` for the second
//! text = "A candidate won a majority of votes: it leads the cluster now."
//! ```
//!
//! A stop that waits for a mark highlights the node that made it unless `nodes` says otherwise.
//! `run`, `check` and `explore` ignore the section; `validate` checks it.

use crate::duration::DurationStr;
use serde::{Deserialize, Serialize};
use sim_core::{MarkKind, NodeId, Time, TraceEvent, TraceRecord};
use std::ops::Range;
use toml::Spanned;

/// One stop of a tour, as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NarrationEntry {
    /// At this virtual time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Spanned<DurationStr>>,
    /// Or when a node records a typed mark of this kind (`elected`, `committed`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mark: Option<Spanned<String>>,
    /// Or when a remark contains this text (`learned`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<Spanned<String>>,
    /// Which occurrence of the mark or remark (1, the default, is the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurrence: Option<Spanned<u32>>,
    /// What to say.
    pub text: Spanned<String>,
    /// Node ids to highlight, servers or clients (default: none, or the node that made the
    /// mark or remark).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nodes: Option<Spanned<Vec<u32>>>,
    /// Whether playing pauses at this stop (default: yes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause: Option<bool>,
}

/// When a stop happens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Moment {
    /// At a time.
    At(Time),
    /// At the `n`th mark of a kind (1 is the first).
    Mark(MarkKind, u32),
    /// At the `n`th remark that contains the text.
    Remark(String, u32),
}

/// A stop, read and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stop {
    /// When.
    pub moment: Moment,
    /// What to say.
    pub text: String,
    /// Nodes to highlight, if the file names them.
    pub nodes: Option<Vec<NodeId>>,
    /// Whether playing pauses here.
    pub pause: bool,
}

/// A stop placed in a run: its time, and the nodes to highlight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    /// The stop's position in the file.
    pub number: usize,
    /// When it happens.
    pub at: Time,
    /// What to say.
    pub text: String,
    /// Nodes to highlight.
    pub nodes: Vec<NodeId>,
    /// Whether playing pauses here.
    pub pause: bool,
}

/// A problem with a stop, and where it is written.
pub type Problem = (Option<Range<usize>>, String);

impl NarrationEntry {
    /// The stop this entry describes, in a run of `nodes` nodes (servers and clients) that
    /// ends at `end`, or what is wrong with it.
    pub fn stop(&self, number: usize, nodes: u32, end: Time) -> Result<Stop, Vec<Problem>> {
        let mut problems = Vec::new();
        let name = format!("narration {}", number + 1);
        let occurrence = self.occurrence.as_ref().map_or(1, |o| *o.get_ref());
        if let Some(o) = &self.occurrence
            && *o.get_ref() == 0
        {
            problems.push((Some(o.span()), format!("{name}: occurrence counts from 1")));
        }
        let moment = match (&self.at, &self.mark, &self.remark) {
            (Some(at), None, None) => {
                let t = Time(at.get_ref().nanos());
                if t > end {
                    problems.push((
                        Some(at.span()),
                        format!(
                            "{name}: at {} is after the run's end ({})",
                            at.get_ref(),
                            DurationStr(sim_core::Duration(end.0))
                        ),
                    ));
                }
                if let Some(o) = &self.occurrence {
                    problems.push((
                        Some(o.span()),
                        format!("{name}: `occurrence` counts marks or remarks, not times"),
                    ));
                }
                Moment::At(t)
            }
            (None, Some(mark), None) => match MarkKind::from_name(mark.get_ref()) {
                Some(kind) => Moment::Mark(kind, occurrence),
                None => {
                    let known: Vec<&str> = MarkKind::ALL.iter().map(|k| k.name()).collect();
                    problems.push((
                        Some(mark.span()),
                        format!(
                            "{name}: unknown mark `{}`; expected one of {}",
                            mark.get_ref(),
                            known.join(", ")
                        ),
                    ));
                    Moment::At(Time::ZERO)
                }
            },
            (None, None, Some(remark)) => {
                if remark.get_ref().trim().is_empty() {
                    problems.push((
                        Some(remark.span()),
                        format!("{name}: `remark` needs the text to wait for"),
                    ));
                }
                Moment::Remark(remark.get_ref().clone(), occurrence)
            }
            _ => {
                problems.push((
                    Some(self.text.span()),
                    format!("{name}: give exactly one of `at`, `mark` and `remark`"),
                ));
                Moment::At(Time::ZERO)
            }
        };
        if self.text.get_ref().trim().is_empty() {
            problems.push((Some(self.text.span()), format!("{name}: `text` is empty")));
        }
        if let Some(named) = &self.nodes
            && let Some(bad) = named.get_ref().iter().find(|&&n| n >= nodes)
        {
            problems.push((
                Some(named.span()),
                format!(
                    "{name}: node {bad} does not exist (the nodes, servers then clients, are 0 to {})",
                    nodes.saturating_sub(1)
                ),
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Stop {
            moment,
            text: self.text.get_ref().trim().to_string(),
            nodes: self
                .nodes
                .as_ref()
                .map(|n| n.get_ref().iter().map(|&n| NodeId(n)).collect()),
            pause: self.pause.unwrap_or(true),
        })
    }
}

/// Something a stop may wait for: a typed mark or a remark, when and by whom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Happening {
    /// When.
    pub at: Time,
    /// The node that made it (none for the harness's remarks).
    pub node: Option<NodeId>,
    /// What.
    pub what: What,
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum What {
    /// A typed mark of this kind.
    Mark(MarkKind),
    /// A remark with this text.
    Remark(String),
}

impl Happening {
    /// The happening a trace record is, if it is a mark or a remark.
    pub fn of(r: &TraceRecord) -> Option<Happening> {
        let (node, what) = match &r.event {
            TraceEvent::Mark { node, mark, .. } => (Some(*node), What::Mark(mark.kind())),
            TraceEvent::Annotate { node, text } => (*node, What::Remark(text.clone())),
            _ => return None,
        };
        Some(Happening {
            at: r.time,
            node,
            what,
        })
    }

    fn fits(&self, moment: &Moment) -> bool {
        match (moment, &self.what) {
            (Moment::Mark(kind, _), What::Mark(k)) => kind == k,
            (Moment::Remark(part, _), What::Remark(text)) => text.contains(part.as_str()),
            _ => false,
        }
    }
}

/// The tour's stops placed in a run, given what happened in it so far (in the order it
/// happened), in the order of their times (file order among equal times); and the positions in
/// the file of the stops that have not happened (yet).
pub fn place<'a>(
    stops: &[Stop],
    happened: impl IntoIterator<Item = &'a Happening>,
) -> (Vec<Placed>, Vec<usize>) {
    let mut placed: Vec<Option<Placed>> = stops
        .iter()
        .enumerate()
        .map(|(number, s)| match s.moment {
            Moment::At(at) => Some(Placed {
                number,
                at,
                text: s.text.clone(),
                nodes: s.nodes.clone().unwrap_or_default(),
                pause: s.pause,
            }),
            _ => None,
        })
        .collect();
    let mut seen = vec![0u32; stops.len()];
    for h in happened {
        for (i, stop) in stops.iter().enumerate() {
            if placed[i].is_some() || !h.fits(&stop.moment) {
                continue;
            }
            seen[i] += 1;
            let wanted = match stop.moment {
                Moment::Mark(_, n) | Moment::Remark(_, n) => n,
                Moment::At(_) => continue,
            };
            if seen[i] == wanted {
                placed[i] = Some(Placed {
                    number: i,
                    at: h.at,
                    text: stop.text.clone(),
                    nodes: stop
                        .nodes
                        .clone()
                        .unwrap_or_else(|| h.node.into_iter().collect()),
                    pause: stop.pause,
                });
            }
        }
    }
    let waiting = (0..stops.len()).filter(|&i| placed[i].is_none()).collect();
    let mut out: Vec<Placed> = placed.into_iter().flatten().collect();
    out.sort_by_key(|p| (p.at, p.number));
    (out, waiting)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::Mark;

    fn entry(toml_text: &str) -> NarrationEntry {
        toml::from_str(toml_text).unwrap()
    }

    fn record(ms: u64, event: TraceEvent) -> TraceRecord {
        TraceRecord {
            index: 0,
            time: Time(ms * 1_000_000),
            event,
        }
    }

    #[test]
    fn stops_wait_for_their_occurrence_of_a_mark_or_remark() {
        let stops = [
            "at = \"1ms\"\ntext = \"start\"\npause = false",
            "mark = \"elected\"\noccurrence = 2\ntext = \"second leader\"",
            "remark = \"learned\"\ntext = \"chosen\"\nnodes = [0, 2]",
        ]
        .iter()
        .enumerate()
        .map(|(i, t)| entry(t).stop(i, 3, Time(10_000_000)).unwrap())
        .collect::<Vec<Stop>>();
        let happening = |ms: u64, event| Happening::of(&record(ms, event)).unwrap();
        let elected = |node, epoch| TraceEvent::Mark {
            node: NodeId(node),
            number: 0,
            mark: Mark::Elected { epoch },
        };
        let mut happened = vec![happening(2, elected(1, 1))];
        assert_eq!(place(&stops, &happened).1, vec![1, 2]);
        happened.push(happening(
            3,
            TraceEvent::Annotate {
                node: Some(NodeId(1)),
                text: "learned 1001".into(),
            },
        ));
        assert_eq!(
            place(&stops, &happened).1,
            vec![1],
            "the first election is not the second"
        );
        happened.push(happening(4, elected(2, 2)));
        happened.push(happening(5, elected(0, 3)));
        let (placed, waiting) = place(&stops, &happened);
        let summary: Vec<(u64, &str, Vec<NodeId>, bool)> = placed
            .iter()
            .map(|s| {
                (
                    s.at.0 / 1_000_000,
                    s.text.as_str(),
                    s.nodes.clone(),
                    s.pause,
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (1, "start", vec![], false),
                (3, "chosen", vec![NodeId(0), NodeId(2)], true),
                (4, "second leader", vec![NodeId(2)], true),
            ]
        );
        assert!(waiting.is_empty());
        assert!(
            Happening::of(&record(
                1,
                TraceEvent::Start {
                    node: NodeId(0),
                    incarnation: 0
                }
            ))
            .is_none()
        );
    }

    #[test]
    fn a_stop_says_what_is_wrong_with_it() {
        let problems = |t: &str| -> Vec<String> {
            entry(t)
                .stop(0, 3, Time(1_000_000_000))
                .unwrap_err()
                .into_iter()
                .map(|p| p.1)
                .collect()
        };
        assert_eq!(
            problems("mark = \"voted\"\ntext = \"x\""),
            vec![
                "narration 1: unknown mark `voted`; expected one of elected, stepped-down, \
                 committed, delivered, snapshot, joined, converged"
            ]
        );
        assert_eq!(
            problems("at = \"2s\"\nmark = \"elected\"\ntext = \"x\""),
            vec!["narration 1: give exactly one of `at`, `mark` and `remark`"]
        );
        assert_eq!(
            problems("at = \"2s\"\ntext = \" \"\nnodes = [3]"),
            vec![
                "narration 1: at 2s is after the run's end (1s)",
                "narration 1: `text` is empty",
                "narration 1: node 3 does not exist (the nodes, servers then clients, are 0 to 2)"
            ]
        );
        assert_eq!(
            problems("mark = \"elected\"\noccurrence = 0\ntext = \"x\""),
            vec!["narration 1: occurrence counts from 1"]
        );
    }
}
