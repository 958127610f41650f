//! Reads: servers serve only the chain's blocks, and no reader accepts a record that is not
//! in the agreed chain.

use super::touched_server;
use crate::node::LedgerNode;
use sim_core::{CheckView, Checker};

/// Every record a server serves comes from the block its agreed chain names at that height.
#[derive(Clone, Debug, Default)]
pub struct ReadsServedMatchChain;

impl Checker<LedgerNode> for ReadsServedMatchChain {
    fn name(&self) -> &str {
        "reads served match the chain"
    }

    fn check(&mut self, view: &CheckView<'_, LedgerNode>) -> Result<(), String> {
        let Some((id, server)) = touched_server(view) else {
            return Ok(());
        };
        for &(height, hash) in &server.journal().served {
            let agreed = server.ledger().header(height).map(|h| h.hash());
            if agreed != Some(hash) {
                return Err(format!(
                    "{id} served a record of block {height} = {hash}, but the chain has {} there",
                    agreed.map_or("nothing".to_string(), |h| h.to_string())
                ));
            }
        }
        Ok(())
    }
}

/// No reader accepts a record proven against a block that is not in the agreed chain.
#[derive(Clone, Debug, Default)]
pub struct NoTamperedReads;

impl Checker<LedgerNode> for NoTamperedReads {
    fn name(&self) -> &str {
        "no client accepts a tampered record"
    }

    fn check(&mut self, view: &CheckView<'_, LedgerNode>) -> Result<(), String> {
        let Some(id) = view.touched else {
            return Ok(());
        };
        let Some(reader) = view.nodes.get(id).and_then(LedgerNode::reader) else {
            return Ok(());
        };
        for &(position, entry, height, hash) in &reader.journal().accepted {
            // The agreed chain, as any running server holds it (no two fork).
            let agreed = view
                .nodes
                .live()
                .filter_map(|(_, n)| n.server()?.ledger().header(height).map(|h| h.hash()))
                .next();
            if agreed.is_some_and(|a| a != hash) {
                return Err(format!(
                    "{id} accepted {entry} at position {position} from block {height} = {hash}, which is not the chain's"
                ));
            }
        }
        Ok(())
    }
}
