//! Files: fetching a task's inputs, in the version the engine committed, from their holders,
//! falling back to the next holder on a miss or a timeout; serving files to others; passing
//! outputs down the spanning tree. A file is known by its id and its version (the attempt of
//! the task that wrote it), so that an agent never reads a superseded attempt's output.

use super::{Agent, Fetching, Phase};
use crate::config::Sharing;
use crate::message::{Msg, part_bytes, send_file};
use crate::node::WorkflowNode;
use crate::timer::Timer;
use sim_core::{Ctx, NodeId};

impl Agent {
    /// Makes sure `file`, an input of `task`, is being fetched in the version the task needs.
    pub(super) fn fetch(&mut self, task: u32, file: u32, ctx: &mut Ctx<'_, WorkflowNode>) {
        let Some(source) = self
            .runs
            .get(&task)
            .and_then(|r| r.sources.iter().find(|s| s.file == file))
        else {
            return;
        };
        let version = source.version;
        let sources: Vec<NodeId> = source
            .holders
            .iter()
            .copied()
            .filter(|&n| n != self.id)
            .collect();
        match self.fetches.get_mut(&file) {
            // Already asked for this version: take the fresher list of holders for the next try.
            Some(f) if f.version == version => {
                if !sources.is_empty() {
                    f.sources = sources;
                }
            }
            _ => {
                self.fetches.insert(
                    file,
                    Fetching {
                        version,
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
            let version = f.version;
            ctx.send(holder, Msg::Fetch { file, version });
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

    /// Another node asks for a version of a file.
    pub(super) fn on_fetch(
        &mut self,
        from: NodeId,
        (file, version): (u32, u32),
        ctx: &mut Ctx<'_, WorkflowNode>,
    ) {
        self.counters.work_messages += match self.held.get(&(file, version)) {
            Some(&bytes) => send_file(ctx, from, (file, version, bytes), false),
            None => {
                ctx.send(from, Msg::Missing { file });
                1
            }
        };
    }

    /// A part of a file arrived: pass it on down the tree; once every part is there, keep the
    /// file and start the tasks waiting for that version.
    pub(super) fn on_data(
        &mut self,
        from: NodeId,
        (file, version, part, parts, bytes): (u32, u32, u32, u32, u64),
        spread: bool,
        ctx: &mut Ctx<'_, WorkflowNode>,
    ) {
        if self.held.contains_key(&(file, version)) {
            // Already here (written by this agent, perhaps): it may still be awaited.
            self.arrived(file, version, ctx);
            return;
        }
        let got = self.incoming.entry((file, version)).or_default();
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
                    version,
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
        self.incoming.remove(&(file, version));
        self.persist_file(file, version, bytes, ctx);
        self.arrived(file, version, ctx);
    }

    /// `version` of `file` is here: the fetch for it is over, and the tasks that waited only
    /// for it start.
    pub(super) fn arrived(&mut self, file: u32, version: u32, ctx: &mut Ctx<'_, WorkflowNode>) {
        if self
            .fetches
            .get(&file)
            .is_some_and(|f| f.version == version)
        {
            self.fetches.remove(&file);
        }
        let ready: Vec<u32> = self
            .runs
            .iter_mut()
            .filter_map(|(task, run)| {
                let needs = run
                    .sources
                    .iter()
                    .any(|s| s.file == file && s.version == version);
                match &mut run.phase {
                    Phase::Fetching(missing) if needs => {
                        missing.remove(&file);
                        missing.is_empty().then_some(*task)
                    }
                    _ => None,
                }
            })
            .collect();
        for task in ready {
            self.begin(task, 0, ctx);
        }
    }
}
