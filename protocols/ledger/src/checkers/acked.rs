//! At the end of a run: every record a producer had acknowledged is in the ledger, at the
//! position it was told, with the data it submitted.

use crate::block::Block;
use crate::entry::Entry;
use crate::node::LedgerNode;
use crate::op::{LedgerAnswer, LedgerOp};
use crate::record::{Record, block_key};
use crate::submitted::Submitted;
use sim_core::Simulation;

/// Checks every acknowledged append of every producer against the longest agreed chain
/// (blocks read from any server's disk or from the state's latest blocks, checked against
/// the chain) and the records still waiting for a block.
pub fn acked_records_in_chain(sim: &Simulation<LedgerNode>) -> Result<(), String> {
    let Some((leader, ledger)) = sim
        .nodes()
        .live()
        .filter_map(|(id, n)| Some((id, n.server()?.ledger())))
        .max_by_key(|(_, l)| l.appended())
    else {
        return Ok(());
    };
    let servers: Vec<_> = sim
        .nodes()
        .live()
        .filter(|(_, n)| n.server().is_some())
        .map(|(id, _)| id)
        .collect();
    let block_at = |height: u64| -> Option<Block> {
        let expected = ledger.header(height)?.hash();
        if let Some(b) = ledger.recent_block(height) {
            return Some(b.clone());
        }
        servers
            .iter()
            .find_map(|&s| match sim.disk(s)?.get(block_key(height)) {
                Some(Record::Block(b)) if b.hash() == expected && b.check().is_ok() => {
                    Some(Block::clone(b))
                }
                _ => None,
            })
    };
    let waiting_from = ledger.appended() - ledger.pending().len() as u64;
    let history = rsm::collect_history(crate::cluster::clients(sim)).map_err(|e| e.to_string())?;
    {
        for op in history.ops() {
            let (LedgerOp::Append(submitted), Some(LedgerAnswer::Appended { position })) =
                (&op.input, op.completion.output())
            else {
                continue;
            };
            let found: Option<Entry> = if *position >= waiting_from {
                ledger
                    .pending()
                    .get((*position - waiting_from) as usize)
                    .map(Submitted::entry)
            } else {
                ledger
                    .height_of(*position)
                    .and_then(block_at)
                    .and_then(|b| b.prove(*position).map(|(e, _)| e))
            };
            match found {
                Some(e) if e == submitted.entry() => {}
                Some(e) => {
                    return Err(format!(
                        "position {position} holds {e}, not the acknowledged {submitted} (per {leader})"
                    ));
                }
                None => {
                    return Err(format!(
                        "the acknowledged record {submitted} at position {position} is in no block any server can read"
                    ));
                }
            }
        }
    }
    Ok(())
}
