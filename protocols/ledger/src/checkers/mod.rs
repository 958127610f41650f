//! The ledger's safety properties. Checked after every event, each incremental: every
//! server's agreed chain verifies link by link, no two servers' chains fork, every block a
//! server writes to its disk is the block the chain names at its height, every record served
//! to a reader comes from such a block, and no reader accepts a record from any other. At the end of a run:
//! every acknowledged record is in the chain, and the producers' history is linearizable.

mod acked;
mod chains;
mod reads;
mod written;

pub use acked::acked_records_in_chain;
pub use chains::{ChainsVerify, NoForks};
pub use reads::{NoTamperedReads, ReadsServedMatchChain};
pub use written::BlocksMatchChain;

use crate::node::LedgerNode;
use crate::server::LedgerServer;
use sim_core::{CheckView, NodeId, Simulation};

/// Adds every per-event check to `sim`.
pub fn add_checkers(sim: &mut Simulation<LedgerNode>) {
    sim.add_checker(ChainsVerify::default());
    sim.add_checker(NoForks::default());
    sim.add_checker(BlocksMatchChain);
    sim.add_checker(ReadsServedMatchChain);
    sim.add_checker(NoTamperedReads);
}

/// The running server an event touched, if it touched one.
fn touched_server<'a>(view: &CheckView<'a, LedgerNode>) -> Option<(NodeId, &'a LedgerServer)> {
    let id = view.touched?;
    Some((id, view.nodes.get(id)?.server()?))
}
