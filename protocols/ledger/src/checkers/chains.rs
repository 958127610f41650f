//! The agreed chains: each verifies, and no two fork.

use super::touched_server;
use crate::chain;
use crate::digest::Hash32;
use crate::node::LedgerNode;
use sim_core::{CheckView, Checker};

/// Every server's agreed chain verifies: consecutive heights, each header naming the hash of
/// the one before, records in unbroken positions.
#[derive(Clone, Debug, Default)]
pub struct ChainsVerify {
    /// Per node id, how many headers were checked.
    checked: Vec<usize>,
}

impl Checker<LedgerNode> for ChainsVerify {
    fn name(&self) -> &str {
        "chains verify"
    }

    fn check(&mut self, view: &CheckView<'_, LedgerNode>) -> Result<(), String> {
        let Some((id, server)) = touched_server(view) else {
            return Ok(());
        };
        let headers = server.ledger().headers();
        let from = unchecked_from(&mut self.checked, id.index(), headers.len());
        let before = from.checked_sub(1).and_then(|j| headers.get(j));
        chain::verify(before, headers.iter_from(from))
            .map_err(|fault| format!("{id}'s agreed chain breaks: {fault}"))?;
        self.checked[id.index()] = headers.len();
        Ok(())
    }
}

/// Where node `i`'s headers are still to be checked: after those checked before, or from the
/// start when its chain is now shorter (a restarted server replays it from the start or a
/// snapshot).
fn unchecked_from(checked: &mut Vec<usize>, i: usize, len: usize) -> usize {
    if checked.len() <= i {
        checked.resize(i + 1, 0);
    }
    if checked[i] > len { 0 } else { checked[i] }
}

/// No two servers' agreed chains fork: the block at each height has one hash everywhere.
#[derive(Clone, Debug, Default)]
pub struct NoForks {
    /// The hash first seen at each height (index `height - 1`), and who showed it.
    first: Vec<(Hash32, u32)>,
    /// Per node id, how many headers were compared.
    checked: Vec<usize>,
}

impl Checker<LedgerNode> for NoForks {
    fn name(&self) -> &str {
        "no forks"
    }

    fn check(&mut self, view: &CheckView<'_, LedgerNode>) -> Result<(), String> {
        let Some((id, server)) = touched_server(view) else {
            return Ok(());
        };
        let headers = server.ledger().headers();
        let from = unchecked_from(&mut self.checked, id.index(), headers.len());
        for h in headers.iter_from(from) {
            let at = (h.height - 1) as usize;
            let hash = h.hash();
            match self.first.get(at) {
                Some(&(first, by)) if first != hash => {
                    return Err(format!(
                        "{id} has block {} = {hash}, but n{by} had {first} at that height",
                        h.height
                    ));
                }
                Some(_) => {}
                None if at == self.first.len() => self.first.push((hash, id.0)),
                None => {
                    return Err(format!(
                        "{id} has block {} before any server had block {}",
                        h.height,
                        self.first.len() + 1
                    ));
                }
            }
        }
        self.checked[id.index()] = headers.len();
        Ok(())
    }
}
