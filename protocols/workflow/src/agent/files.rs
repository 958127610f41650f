//! Files: fetching a task's inputs from their holders, falling back to the next holder on a
//! miss or a timeout, serving files to others, and passing outputs down the spanning tree.

use super::{Agent, Fetching, Phase};
use crate::config::Sharing;
use crate::message::{Msg, part_bytes, send_file};
use crate::node::WorkflowNode;
use crate::timer::Timer;
use sim_core::{Ctx, NodeId};

impl Agent {
    /// Makes sure `file`, an input of `task`, is being fetched.
    pub(super) fn fetch(&mut self, task: u32, file: u32, ctx: &mut Ctx<'_, WorkflowNode>) {
        let sources: Vec<NodeId> = self
            .runs
            .get(&task)
            .and_then(|r| r.sources.iter().find(|(f, _)| *f == file))
            .map(|(_, s)| s.iter().copied().filter(|&n| n != self.id).collect())
            .unwrap_or_default();
        match self.fetches.get_mut(&file) {
            // Already asked: take the fresher list of holders for the next try.
            Some(f) if !sources.is_empty() => f.sources = sources,
            Some(_) => {}
            None => {
                self.fetches.insert(
                    file,
                    Fetching {
                        sources,
                        next: 0,
                        request: 0,
                    },
                );
                self.ask(file, ctx);
            }
        }
    }

    /// Asks the current holder for `file` and waits for it.
    fn ask(&mut self, file: u32, ctx: &mut Ctx<'_, WorkflowNode>) {
        let Some(f) = self.fetches.get_mut(&file) else {
            return;
        };
        f.request += 1;
        let request = f.request;
        if let Some(&holder) = f.sources.get(f.next % f.sources.len().max(1)) {
            ctx.send(holder, Msg::Fetch { file });
            self.counters.work_messages += 1;
        }
        ctx.set_timer(
            self.setup.params.fetch_timeout,
            Timer::Fetch { file, request },
        );
    }

    /// The holder asked did not answer or does not have the file: ask the next one.
    pub(super) fn next_source(&mut self, file: u32, ctx: &mut Ctx<'_, WorkflowNode>) {
        if let Some(f) = self.fetches.get_mut(&file) {
            f.next += 1;
            self.ask(file, ctx);
        }
    }

    /// Another node asks for a file.
    pub(super) fn on_fetch(&mut self, from: NodeId, file: u32, ctx: &mut Ctx<'_, WorkflowNode>) {
        self.counters.work_messages += match self.held.get(&file) {
            Some(&bytes) => send_file(ctx, from, file, bytes, false),
            None => {
                ctx.send(from, Msg::Missing { file });
                1
            }
        };
    }

    /// A part of a file arrived: pass it on down the tree; once every part is there, keep the
    /// file and start the tasks it completes.
    pub(super) fn on_data(
        &mut self,
        from: NodeId,
        (file, part, parts, bytes): (u32, u32, u32, u64),
        spread: bool,
        ctx: &mut Ctx<'_, WorkflowNode>,
    ) {
        if self.held.contains_key(&file) {
            return;
        }
        let got = self.incoming.entry(file).or_default();
        if !got.insert(part) {
            return;
        }
        self.counters.bytes_in += part_bytes(bytes, part, parts);
        if spread && self.setup.params.sharing == Sharing::Tree {
            let to: Vec<NodeId> = self
                .setup
                .tree_neighbours(self.id)
                .into_iter()
                .filter(|&n| n != from)
                .collect();
            self.counters.work_messages += to.len() as u64;
            ctx.send_all(
                to,
                &Msg::Data {
                    file,
                    part,
                    parts,
                    bytes,
                    spread: true,
                },
            );
        }
        if (got.len() as u32) < parts {
            return;
        }
        self.incoming.remove(&file);
        self.persist_file(file, bytes, ctx);
        self.fetches.remove(&file);
        let ready: Vec<u32> = self
            .runs
            .iter_mut()
            .filter_map(|(task, run)| match &mut run.phase {
                Phase::Fetching(missing) => {
                    missing.remove(&file);
                    missing.is_empty().then_some(*task)
                }
                _ => None,
            })
            .collect();
        for task in ready {
            self.begin(task, 0, ctx);
        }
    }
}
