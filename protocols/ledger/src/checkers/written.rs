//! What servers write to their disks: only the chain's own blocks. A block fetched to repair
//! a damaged copy and written without being checked may be a tampered one, which this catches
//! the moment it is written.

use super::touched_server;
use crate::node::LedgerNode;
use sim_core::{CheckView, Checker};

/// Every block a server writes is the block its agreed chain names at that height.
#[derive(Clone, Debug, Default)]
pub struct BlocksMatchChain;

impl Checker<LedgerNode> for BlocksMatchChain {
    fn name(&self) -> &str {
        "blocks written match the chain"
    }

    fn check(&mut self, view: &CheckView<'_, LedgerNode>) -> Result<(), String> {
        let Some((id, server)) = touched_server(view) else {
            return Ok(());
        };
        for &(height, hash) in &server.journal().written {
            match server.ledger().header(height) {
                Some(h) if h.hash() == hash => {}
                Some(h) => {
                    return Err(format!(
                        "{id} wrote block {height} = {hash} to its disk, but the chain has {} there",
                        h.hash()
                    ));
                }
                None => {
                    return Err(format!(
                        "{id} wrote block {height} = {hash}, beyond its chain's head"
                    ));
                }
            }
        }
        Ok(())
    }
}
