//! Agreement for single-decree Paxos, from a god's-eye view: a value is chosen once a majority
//! of acceptors has accepted it under one ballot (whether or not anyone learnt it), and no two
//! different values are ever chosen; every learner that learnt a value learnt the chosen one.
//!
//! An acceptance counts forever, even after the acceptor moves on to a higher ballot or loses
//! it in a crash: once a majority accepted, some learner may have learnt the value.

use crate::Ballot;
use crate::synod::{SynodNode, SynodValue};
use sim_core::{CheckView, Checker, NodeId};

/// The invariant checker; see the module documentation.
#[derive(Clone, Debug, Default)]
pub struct SynodAgreement {
    /// Every `(ballot, value)` accepted, and the acceptors that accepted it.
    votes: Vec<(Ballot, SynodValue, Vec<NodeId>)>,
    /// The value chosen, and the ballot that chose it first.
    chosen: Option<(SynodValue, Ballot)>,
}

impl SynodAgreement {
    /// The value chosen so far, and the ballot that first chose it.
    pub fn chosen(&self) -> Option<(SynodValue, Ballot)> {
        self.chosen
    }
}

impl Checker<SynodNode> for SynodAgreement {
    fn name(&self) -> &str {
        "agreement"
    }

    fn check(&mut self, view: &CheckView<'_, SynodNode>) -> Result<(), String> {
        let Some(id) = view.touched else {
            return Ok(());
        };
        let Some(node) = view.nodes.get(id) else {
            return Ok(());
        };
        if let Some((ballot, value)) = node.acceptor.as_ref().and_then(|a| a.accepted) {
            let acceptors = node.acceptors().len();
            let i = match self
                .votes
                .iter()
                .position(|(b, v, _)| *b == ballot && *v == value)
            {
                Some(i) => i,
                None => {
                    self.votes.push((ballot, value, Vec::new()));
                    self.votes.len() - 1
                }
            };
            let voters = &mut self.votes[i].2;
            if !voters.contains(&id) {
                voters.push(id);
            }
            if voters.len() > acceptors / 2 {
                match self.chosen {
                    None => self.chosen = Some((value, ballot)),
                    Some((v, b)) if v != value => {
                        let who: Vec<String> = voters.iter().map(ToString::to_string).collect();
                        return Err(format!(
                            "{value} is chosen under {ballot} (accepted by {}), but {v} was chosen under {b}",
                            who.join(", ")
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
        if let Some(learned) = node.learner.as_ref().and_then(|l| l.learned) {
            match self.chosen {
                Some((v, b)) if v != learned => {
                    return Err(format!(
                        "{id} learnt {learned}, but {v} was chosen under {b}"
                    ));
                }
                None => {
                    return Err(format!(
                        "{id} learnt {learned}, which no majority of acceptors accepted"
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}
