//! The simulated client: a sans-IO part that a protocol's node type embeds, so that clients
//! share the cluster's network, faults and trace.

use crate::{Command, Load, Pacing, Reply, ReplyOutcome, Request, StateMachine, Workload};
use serde::Serialize;
use sim_core::history::{Completion, OpHandle, ProcessId, Recorder};
use sim_core::{Ctx, Duration, Node, NodeId, NodeView, RoleClass, Table, Time, TimerId};
use std::collections::VecDeque;
use std::sync::Arc;

/// The most open-loop arrivals a busy client keeps waiting; beyond it arrivals are shed (and
/// counted), so an overloaded cluster cannot grow a client's memory without bound.
const MAX_BACKLOG: u64 = 100_000;

/// What a client needs to know: its workload and the servers it may ask.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientConfig<S: StateMachine> {
    /// The workload.
    pub workload: S::Workload,
    /// The servers, in the order the client tries them.
    pub servers: Vec<NodeId>,
}

/// What a client's timers mean.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum ClientTimer {
    /// Issue the next operation (closed loop, after the think time; or the first one).
    Next,
    /// An open-loop arrival.
    Arrival,
    /// No answer to operation `seq`'s send number `attempt`.
    Timeout {
        /// The operation.
        seq: u64,
        /// Which send of it.
        attempt: u32,
    },
    /// Send operation `seq` again after a redirect found no leader.
    Resend {
        /// The operation.
        seq: u64,
    },
}

/// The operation a client waits on.
#[derive(Clone, Debug)]
struct Pending<S: StateMachine> {
    seq: u64,
    op: S::Input,
    invoked: Time,
    /// Sends so far that timed out.
    timeouts: u32,
    /// Sends so far, timed out or not; names the live timeout.
    sends: u32,
    handle: Option<OpHandle>,
    timer: Option<TimerId>,
}

/// A simulated client of a replicated service.
///
/// It has one operation open at a time (it is one process of the history). It sends the
/// operation to the server it believes leads; on a redirect it follows the hint, or waits a
/// little and tries the next server when nobody knows a leader; on a timeout it tries the next
/// server with the same `(client, seq)`, so the store applies the operation at most once.
/// After `attempts` timeouts it gives up: the operation's outcome stays unknown in the history
/// and the client continues as a new process.
#[derive(Clone, Debug)]
pub struct Client<S: StateMachine> {
    id: u64,
    config: Arc<ClientConfig<S>>,
    load: Load,
    seq: u64,
    generation: u64,
    target: usize,
    pending: Option<Pending<S>>,
    backlog: u64,
    queued: VecDeque<S::Input>,
    issued: u64,
    completed: u64,
    gave_up: u64,
    shed: u64,
    sends: u64,
    recorder: Option<Recorder<S::Input, S::Output>>,
    latencies: Vec<u64>,
}

/// Operations a client's view lists.
const RECENT_OPS: usize = 8;

/// An operation in words, as the state machine describes it.
struct Op<'a, S: StateMachine>(&'a S::Input);

impl<S: StateMachine> std::fmt::Display for Op<'_, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        S::describe(self.0, f)
    }
}

/// An answer in words, as the state machine describes it.
struct Answer<'a, S: StateMachine>(&'a S::Output);

impl<S: StateMachine> std::fmt::Display for Answer<'_, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        S::describe_output(self.0, f)
    }
}

impl<S: StateMachine> Client<S> {
    /// The client's state as the model checker tells states apart: its operations and whom it
    /// asks, without the times, timer ids, history and counters that only measure.
    pub fn model_state(&self, h: &mut sim_core::model::StateHasher) {
        h.put_u64(self.seq);
        h.put_u64(self.generation);
        // The server it asks, by id rather than by position, so that a renaming of the servers
        // (symmetry reduction) renames it too.
        h.put(&self.config.servers.get(self.target));
        match &self.pending {
            Some(p) => {
                h.put_u64(1);
                h.put_u64(p.seq);
                h.put_debug(&p.op);
                h.put_u64(u64::from(p.timeouts));
                h.put_u64(u64::from(p.sends));
            }
            None => h.put_u64(0),
        }
        h.put_u64(self.backlog);
        h.put_debug(&self.queued);
        h.put_u64(self.issued);
        h.put_u64(self.completed);
        h.put_u64(self.gave_up);
    }
}

impl<S: StateMachine> Client<S> {
    /// Starts a client; its first operation waits for the workload's `start`.
    pub fn start<N>(id: NodeId, config: &ClientConfig<S>, ctx: &mut Ctx<'_, N>) -> Client<S>
    where
        N: Node,
        N::Message: From<Request<S>>,
        N::Timer: From<ClientTimer>,
    {
        let load = config.workload.load();
        let first = match load.pacing {
            Pacing::Closed { .. } => ClientTimer::Next,
            Pacing::Rate { .. } => ClientTimer::Arrival,
        };
        let mut client = Client {
            id: u64::from(id.0),
            config: Arc::new(config.clone()),
            load,
            seq: 0,
            generation: 0,
            target: 0,
            pending: None,
            backlog: 0,
            queued: VecDeque::new(),
            issued: 0,
            completed: 0,
            gave_up: 0,
            shed: 0,
            sends: 0,
            recorder: load.record.then(Recorder::new),
            latencies: Vec::new(),
        };
        if !client.config.servers.is_empty() {
            client.target = ctx.rng().index(client.config.servers.len());
        }
        let delay = match first {
            ClientTimer::Arrival => load.start + client.interarrival(ctx),
            _ => load.start,
        };
        ctx.set_timer(delay, first.into());
        client
    }

    /// Queues an operation typed by a person; it goes ahead of the workload's own.
    pub fn submit<N>(&mut self, op: S::Input, ctx: &mut Ctx<'_, N>)
    where
        N: Node,
        N::Message: From<Request<S>>,
        N::Timer: From<ClientTimer>,
    {
        self.queued.push_back(op);
        if self.pending.is_none() {
            self.issue(ctx);
        }
    }

    /// Handles a timer of the client's.
    pub fn on_timer<N>(&mut self, timer: ClientTimer, ctx: &mut Ctx<'_, N>)
    where
        N: Node,
        N::Message: From<Request<S>>,
        N::Timer: From<ClientTimer>,
    {
        match timer {
            ClientTimer::Next => {
                if self.pending.is_none() {
                    self.issue(ctx);
                }
            }
            ClientTimer::Arrival => {
                if self.exhausted() {
                    return;
                }
                if self.backlog < MAX_BACKLOG {
                    self.backlog += 1;
                } else {
                    self.shed += 1;
                }
                let after = self.interarrival(ctx);
                ctx.set_timer(after, ClientTimer::Arrival.into());
                if self.pending.is_none() {
                    self.issue(ctx);
                }
            }
            ClientTimer::Timeout { seq, attempt } => {
                let Some(p) = self.pending.as_mut() else {
                    return;
                };
                if p.seq != seq || p.sends != attempt {
                    return;
                }
                p.timer = None;
                p.timeouts += 1;
                if p.timeouts >= self.load.attempts {
                    self.give_up(ctx.now());
                    self.after_completion(ctx);
                } else {
                    self.rotate();
                    self.send(ctx);
                }
            }
            ClientTimer::Resend { seq } => {
                if self.pending.as_ref().is_some_and(|p| p.seq == seq) {
                    self.send(ctx);
                }
            }
        }
    }

    /// Handles a server's reply.
    pub fn on_reply<N>(&mut self, from: NodeId, reply: Reply<S>, ctx: &mut Ctx<'_, N>)
    where
        N: Node,
        N::Message: From<Request<S>>,
        N::Timer: From<ClientTimer>,
    {
        let Some(p) = self.pending.as_ref() else {
            return;
        };
        if p.seq != reply.seq {
            return;
        }
        if let Some(t) = p.timer {
            ctx.cancel_timer(t);
        }
        match reply.outcome {
            ReplyOutcome::Ok(output) => {
                if let Some(i) = self.config.servers.iter().position(|&s| s == from) {
                    self.target = i;
                }
                self.complete(output, ctx.now());
                self.after_completion(ctx);
            }
            ReplyOutcome::NotLeader { hint } => {
                let hinted = hint
                    .filter(|&h| h != from)
                    .and_then(|h| self.config.servers.iter().position(|&s| s == h));
                match hinted {
                    Some(i) => {
                        self.target = i;
                        self.send(ctx);
                    }
                    None => {
                        self.rotate();
                        if let Some(p) = self.pending.as_mut() {
                            p.timer = None;
                        }
                        let seq = reply.seq;
                        let backoff = self.backoff();
                        ctx.set_timer(backoff, ClientTimer::Resend { seq }.into());
                    }
                }
            }
        }
    }

    /// The recorded operations so far (none if recording is off); open operations appear as
    /// operations of unknown outcome.
    pub fn recorder(&self) -> Option<&Recorder<S::Input, S::Output>> {
        self.recorder.as_ref()
    }

    /// Latencies of completed operations, in nanoseconds, in completion order.
    pub fn latencies(&self) -> &[u64] {
        &self.latencies
    }

    /// Operations issued, completed, given up on, and arrivals shed.
    pub fn counts(&self) -> (u64, u64, u64, u64) {
        (self.issued, self.completed, self.gave_up, self.shed)
    }

    /// How many requests this client sent (first sends and retries).
    pub fn sends(&self) -> u64 {
        self.sends
    }

    /// The operation waiting for an answer, if any.
    pub fn pending(&self) -> Option<&S::Input> {
        self.pending.as_ref().map(|p| &p.op)
    }

    /// A picture of the client for inspectors.
    pub fn view(&self) -> NodeView {
        let target = self
            .config
            .servers
            .get(self.target)
            .map_or("-".to_string(), |s| s.to_string());
        let pending = self.pending.as_ref().map_or("-".to_string(), |p| {
            Command::<S> {
                client: self.id,
                seq: p.seq,
                op: p.op.clone(),
            }
            .to_string()
        });
        NodeView::new(
            "client",
            format!("client {}/{}", self.completed, self.issued),
        )
        .class(RoleClass::Client)
        .field("asks", target)
        .field("pending", pending)
        .field("issued", self.issued)
        .field("completed", self.completed)
        .field("gave up", self.gave_up)
        .field("waiting arrivals", self.backlog)
        .table(self.recent_table())
    }

    /// This client's latest operations with their answers (`get x` → `1`), newest last; empty
    /// when the client does not record its history.
    fn recent_table(&self) -> Table {
        let mut table = Table {
            name: "recent operations".into(),
            columns: ["op", "answer"].map(String::from).to_vec(),
            ..Table::default()
        };
        let Some(r) = &self.recorder else {
            return table;
        };
        let ops = r.history().ops();
        for op in &ops[ops.len().saturating_sub(RECENT_OPS)..] {
            let answer = match (&op.completion, op.completed) {
                (Completion::Ok(out), _) => Answer::<S>(out).to_string(),
                (Completion::Fail, _) => "failed".to_string(),
                (Completion::Info, None) => "waiting".to_string(),
                (Completion::Info, Some(_)) => "gave up: unknown".to_string(),
            };
            table
                .rows
                .push(vec![Op::<S>(&op.input).to_string(), answer]);
            table
                .marked
                .push(matches!(op.completion, Completion::Ok(_)));
        }
        table
    }

    fn exhausted(&self) -> bool {
        let limit = self.load.ops_per_client;
        limit != 0 && self.issued >= limit && self.queued.is_empty()
    }

    fn process(&self) -> ProcessId {
        ProcessId((self.id << 20) | self.generation)
    }

    fn interarrival<N: Node>(&self, ctx: &mut Ctx<'_, N>) -> Duration {
        let Pacing::Rate { per_second } = self.load.pacing else {
            return Duration::ZERO;
        };
        let u = ctx.rng().open_unit_f64();
        let secs = -libm::log(u) / per_second;
        Duration((secs * 1e9).min(1e18) as u64)
    }

    fn backoff(&self) -> Duration {
        Duration(self.load.timeout.0 / 10).max(Duration::from_millis(1))
    }

    fn rotate(&mut self) {
        let n = self.config.servers.len().max(1);
        self.target = (self.target + 1) % n;
    }

    fn issue<N>(&mut self, ctx: &mut Ctx<'_, N>)
    where
        N: Node,
        N::Message: From<Request<S>>,
        N::Timer: From<ClientTimer>,
    {
        debug_assert!(self.pending.is_none());
        let op = match self.queued.pop_front() {
            Some(op) => op,
            None => {
                if self.exhausted() {
                    return;
                }
                if let Pacing::Rate { .. } = self.load.pacing {
                    if self.backlog == 0 {
                        return;
                    }
                    self.backlog -= 1;
                }
                let next = self.seq + 1;
                // A workload that has run dry asks nothing more.
                match self.config.workload.draw(self.id, next, ctx.rng()) {
                    Some(mut op) => {
                        self.config.workload.stamp(&mut op, ctx.local_time());
                        op
                    }
                    None => return,
                }
            }
        };
        self.seq += 1;
        self.issued += 1;
        let now = ctx.now();
        let process = self.process();
        let handle = self.recorder.as_mut().map(|r| {
            r.invoke(process, op.clone(), now)
                .expect("a client process has one operation open at a time")
        });
        self.pending = Some(Pending {
            seq: self.seq,
            op,
            invoked: now,
            timeouts: 0,
            sends: 0,
            handle,
            timer: None,
        });
        self.send(ctx);
    }

    fn send<N>(&mut self, ctx: &mut Ctx<'_, N>)
    where
        N: Node,
        N::Message: From<Request<S>>,
        N::Timer: From<ClientTimer>,
    {
        let Some(&to) = self.config.servers.get(self.target) else {
            return;
        };
        let Some(p) = self.pending.as_mut() else {
            return;
        };
        p.sends += 1;
        self.sends += 1;
        let command = Command::<S> {
            client: self.id,
            seq: p.seq,
            op: p.op.clone(),
        };
        ctx.send(to, Request { command }.into());
        let timer = ClientTimer::Timeout {
            seq: p.seq,
            attempt: p.sends,
        };
        p.timer = Some(ctx.set_timer(self.load.timeout, timer.into()));
    }

    fn complete(&mut self, output: S::Output, now: Time) {
        let Some(p) = self.pending.take() else {
            return;
        };
        self.completed += 1;
        self.latencies.push((now - p.invoked).0);
        if let (Some(r), Some(h)) = (self.recorder.as_mut(), p.handle) {
            r.complete(h, Completion::Ok(output), now)
                .expect("an open operation completes once");
        }
    }

    fn give_up(&mut self, now: Time) {
        let Some(p) = self.pending.take() else {
            return;
        };
        self.gave_up += 1;
        if let (Some(r), Some(h)) = (self.recorder.as_mut(), p.handle) {
            r.complete(h, Completion::Info, now)
                .expect("an open operation completes once");
        }
        // The abandoned operation may still take effect later; from now on this client is a
        // new process of the history, as a crashed Jepsen client would be.
        self.generation += 1;
    }

    fn after_completion<N>(&mut self, ctx: &mut Ctx<'_, N>)
    where
        N: Node,
        N::Message: From<Request<S>>,
        N::Timer: From<ClientTimer>,
    {
        if !self.queued.is_empty() {
            self.issue(ctx);
            return;
        }
        match self.load.pacing {
            Pacing::Closed { think } if think > Duration::ZERO => {
                ctx.set_timer(think, ClientTimer::Next.into());
            }
            _ => self.issue(ctx),
        }
    }
}
