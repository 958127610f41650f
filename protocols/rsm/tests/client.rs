//! The simulated client's rules, against scripted servers: one operation at a time, retried
//! with the same number at the next server after a timeout, given up after its attempts (the
//! client then goes on as a new process of the history), redirects followed or backed off
//! from, stale answers and timers ignored, closed-loop think times, open-loop arrivals with a
//! bounded backlog, and the limits of a workload.

// The module serves the register tests too; not every item is used here.
#[allow(dead_code)]
mod cas;

use cas::{Cas, RegisterWorkload};
use rsm::StateMachine;
use rsm::{
    Client, ClientConfig, ClientMetrics, ClientTimer, Command, Load, Pacing, Reply, ReplyOutcome,
    Request, Store, collect_history, longest_silence_ms,
};
use serde::Serialize;
use sim_core::history::Completion;
use sim_core::history::models::{RegisterInput, RegisterOp, RegisterOutput};
use sim_core::{
    Ctx, Duration, Latency, LinkModel, Message, NetworkConfig, Node, NodeId, NodeView, Outcome,
    SimConfig, Simulation, Time, TraceEvent, TraceSink,
};

/// What the scripted servers and the client say.
#[derive(Clone, Debug, Serialize)]
enum Msg {
    Request(Request<Cas>),
    Reply(Reply<Cas>),
}

impl Message for Msg {
    fn kind(&self) -> &'static str {
        match self {
            Msg::Request(_) => "Request",
            Msg::Reply(_) => "Reply",
        }
    }
}

impl From<Request<Cas>> for Msg {
    fn from(r: Request<Cas>) -> Msg {
        Msg::Request(r)
    }
}

/// How a scripted server answers every request.
#[derive(Clone, Debug, PartialEq)]
enum Answer {
    /// Applies it to its store and answers with the result.
    Apply,
    /// Never answers.
    Silent,
    /// Says it does not lead, naming this server if any.
    Redirect(Option<NodeId>),
}

#[derive(Clone, Debug)]
enum Role {
    Client(ClientConfig<Cas>),
    Server(Answer),
}

#[derive(Clone, Debug)]
struct Server {
    answer: Answer,
    store: Store<Cas>,
}

#[derive(Clone, Debug)]
enum TestNode {
    Client(Box<Client<Cas>>),
    Server(Server),
}

impl Node for TestNode {
    type Message = Msg;
    type Timer = ClientTimer;
    type Record = ();
    type Config = Role;

    fn start(id: NodeId, config: &Role, ctx: &mut Ctx<'_, Self>) -> Self {
        match config {
            Role::Client(c) => TestNode::Client(Box::new(Client::start(id, c, ctx))),
            Role::Server(answer) => TestNode::Server(Server {
                answer: answer.clone(),
                store: Store::new(),
            }),
        }
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, ctx: &mut Ctx<'_, Self>) {
        match (self, msg) {
            (TestNode::Client(c), Msg::Reply(r)) => c.on_reply(from, r, ctx),
            (TestNode::Server(s), Msg::Request(r)) => {
                let outcome = match &s.answer {
                    Answer::Silent => return,
                    Answer::Redirect(hint) => ReplyOutcome::NotLeader { hint: *hint },
                    Answer::Apply => match s.store.apply(&r.command) {
                        Some(out) => ReplyOutcome::Ok(out),
                        None => return,
                    },
                };
                let seq = r.command.seq;
                ctx.send(from, Msg::Reply(Reply { seq, outcome }));
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, timer: ClientTimer, ctx: &mut Ctx<'_, Self>) {
        if let TestNode::Client(c) = self {
            c.on_timer(timer, ctx);
        }
    }

    fn view(&self) -> NodeView {
        match self {
            TestNode::Client(c) => c.view(),
            TestNode::Server(_) => NodeView::new("server", "server"),
        }
    }
}

const TIMEOUT: Duration = Duration::from_millis(100);

/// A closed-loop load with no think time, a 100 ms timeout and `attempts` tries.
fn load(attempts: u32) -> Load {
    Load {
        clients: 1,
        pacing: Pacing::Closed {
            think: Duration::ZERO,
        },
        timeout: TIMEOUT,
        attempts,
        ops_per_client: 0,
        start: Duration::from_millis(10),
        record: true,
    }
}

/// Servers n0, n1, n2 answering as `answers` say and one client, n3, with `load`; links take
/// exactly 1 ms. The trace is kept.
fn cluster(seed: u64, answers: [Answer; 3], load: Load) -> Simulation<TestNode> {
    cluster_with_links(seed, answers, load, ms(1))
}

/// As [`cluster`], with links that take `link`.
fn cluster_with_links(
    seed: u64,
    answers: [Answer; 3],
    load: Load,
    link: Duration,
) -> Simulation<TestNode> {
    simulation(seed, &answers, 1, workload(load), link)
}

/// The registers' workload with `load`.
fn workload(load: Load) -> RegisterWorkload {
    RegisterWorkload {
        clients: load.clients,
        registers: 2,
        values: 3,
        load: Some(load),
        numbered: false,
    }
}

/// Scripted servers (n0, n1, ...) answering as `answers` say, then `clients` clients of
/// `workload` asking them; links take exactly `link`. The trace is kept.
fn simulation(
    seed: u64,
    answers: &[Answer],
    clients: u32,
    workload: RegisterWorkload,
    link: Duration,
) -> Simulation<TestNode> {
    let client = ClientConfig {
        workload,
        servers: (0..answers.len() as u32).map(NodeId).collect(),
    };
    let mut roles: Vec<Role> = answers.iter().cloned().map(Role::Server).collect();
    roles.extend((0..clients).map(|_| Role::Client(client.clone())));
    let config = SimConfig {
        seed,
        network: NetworkConfig {
            default: LinkModel {
                latency: Latency::constant(link),
                ..LinkModel::default()
            },
            ..NetworkConfig::default()
        },
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config, roles).expect("a valid simulation");
    sim.set_trace_sink(TraceSink::Memory(Vec::new()));
    sim
}

const CLIENT: NodeId = NodeId(3);

fn run(sim: &mut Simulation<TestNode>, until_ms: u64) {
    let until = Time(Duration::from_millis(until_ms).0);
    assert!(matches!(sim.run_until(until), Ok(Outcome::Reached)));
}

fn client(sim: &Simulation<TestNode>) -> &Client<Cas> {
    client_at(sim, CLIENT)
}

fn client_at(sim: &Simulation<TestNode>, id: NodeId) -> &Client<Cas> {
    match sim.node(id) {
        Some(TestNode::Client(c)) => c,
        _ => panic!("{id} is a client"),
    }
}

/// Every request the client sent: when, to whom, and the operation's number.
fn requests(sim: &Simulation<TestNode>) -> Vec<(Time, NodeId, u64)> {
    sim.trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Send {
                from, to, payload, ..
            } if *from == CLIENT => Some((
                r.time,
                *to,
                payload["Request"]["command"]["seq"]
                    .as_u64()
                    .expect("a seq"),
            )),
            _ => None,
        })
        .collect()
}

/// The client's recorded history.
fn history(
    sim: &Simulation<TestNode>,
) -> sim_core::history::History<RegisterInput, RegisterOutput> {
    collect_history([client(sim)]).expect("a well-formed history")
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn a_timed_out_request_goes_again_to_the_next_server_with_the_same_number() {
    let mut sim = cluster(
        1,
        [Answer::Silent, Answer::Silent, Answer::Silent],
        load(10),
    );
    run(&mut sim, 10 + 350);
    let sent = requests(&sim);
    assert_eq!(
        sent.len(),
        4,
        "the first send and three after timeouts: {sent:?}"
    );
    assert!(sent.iter().all(|&(_, _, seq)| seq == 1), "{sent:?}");
    for w in sent.windows(2) {
        assert_eq!(w[1].0 - w[0].0, TIMEOUT, "one timeout apart: {sent:?}");
        assert_eq!(w[1].1.0, (w[0].1.0 + 1) % 3, "the next server: {sent:?}");
    }
    assert_eq!(client(&sim).counts(), (1, 0, 0, 0));
    assert_eq!(client(&sim).sends(), 4);
}

#[test]
fn after_its_attempts_the_client_gives_up_and_goes_on_as_a_new_process() {
    let mut sim = cluster(2, [Answer::Silent, Answer::Silent, Answer::Silent], load(3));
    run(&mut sim, 10 + 650);
    // Three sends of operation 1, three of operation 2 (no think time), then operation 3,
    // which waits.
    let seqs: Vec<u64> = requests(&sim).iter().map(|&(_, _, s)| s).collect();
    assert_eq!(seqs, [1, 1, 1, 2, 2, 2, 3]);
    let (issued, completed, gave_up, _) = client(&sim).counts();
    assert_eq!((issued, completed, gave_up), (3, 0, 2));
    let h = history(&sim);
    let ops = h.ops();
    assert_eq!(ops.len(), 3);
    for op in &ops[..2] {
        assert_eq!(op.completion, Completion::Info, "its outcome is unknown");
        assert_eq!(op.completed, Some(op.invoked + TIMEOUT + TIMEOUT + TIMEOUT));
    }
    assert_ne!(
        ops[0].process, ops[1].process,
        "a new process after giving up"
    );
    assert_ne!(ops[1].process, ops[2].process);
    assert_eq!(ops[2].completed, None, "still waiting");
}

#[test]
fn an_answer_completes_the_operation_and_the_client_stays_with_that_server() {
    let mut sim = cluster(3, [Answer::Silent, Answer::Apply, Answer::Silent], load(10));
    run(&mut sim, 1_000);
    let sent = requests(&sim);
    let first_answered = sent
        .iter()
        .position(|&(_, to, _)| to == NodeId(1))
        .expect("n1 is reached");
    assert!(
        sent[first_answered..]
            .iter()
            .all(|&(_, to, _)| to == NodeId(1)),
        "once n1 answered, every request goes to n1: {sent:?}"
    );
    let (issued, completed, gave_up, _) = client(&sim).counts();
    assert!(completed > 100, "{completed} completed");
    assert_eq!((issued, gave_up), (completed + 1, 0));
    // Each answered operation took one round trip of 2 ms, after any timeouts before it.
    let lat = client(&sim).latencies();
    assert_eq!(lat.len() as u64, completed);
    assert!(lat[1..].iter().all(|&ns| ns == ms(2).0), "{:?}", &lat[..4]);
    let m = ClientMetrics::gather([client(&sim)]);
    assert_eq!(m.completed, completed);
    assert_eq!(m.requests, sent.len() as u64);
    assert_eq!(m.latency_ms[0], 2.0, "the median");
    assert_eq!(
        m.latency_ms[3],
        lat[0] as f64 / 1e6,
        "the first is the slowest"
    );
    assert_eq!(longest_silence_ms([client(&sim)]), Some(2.0));
    let h = history(&sim);
    let outs: Vec<_> = h
        .ops()
        .iter()
        .filter(|op| matches!(op.completion, Completion::Ok(_)))
        .collect();
    assert_eq!(outs.len() as u64, completed);
}

#[test]
fn a_hint_is_followed_at_once_and_a_hint_naming_the_sender_is_no_hint() {
    let mut sim = cluster(
        4,
        [
            Answer::Redirect(Some(NodeId(2))),
            Answer::Redirect(Some(NodeId(2))),
            Answer::Apply,
        ],
        load(10),
    );
    run(&mut sim, 200);
    let sent = requests(&sim);
    // Wherever it starts, it reaches n2 within one redirect, a round trip later, and stays.
    let at_n2 = sent
        .iter()
        .position(|&(_, to, _)| to == NodeId(2))
        .expect("n2");
    assert!(at_n2 <= 1, "{sent:?}");
    assert!(sent[at_n2..].iter().all(|&(_, to, _)| to == NodeId(2)));
    for w in sent.windows(2) {
        assert_eq!(w[1].0 - w[0].0, ms(2), "{sent:?}");
    }
    // A server that names itself as the leader it is not: the client backs off and tries the
    // next server, a tenth of the timeout later.
    let mut sim = cluster(
        4,
        [
            Answer::Redirect(Some(NodeId(0))),
            Answer::Redirect(Some(NodeId(1))),
            Answer::Redirect(Some(NodeId(2))),
        ],
        load(10),
    );
    run(&mut sim, 100);
    let sent = requests(&sim);
    assert!(sent.len() >= 3, "{sent:?}");
    for w in sent.windows(2) {
        assert_eq!(w[1].0 - w[0].0, ms(2) + ms(10), "{sent:?}");
        assert_eq!(w[1].1.0, (w[0].1.0 + 1) % 3, "{sent:?}");
        assert_eq!(w[1].2, 1);
    }
}

#[test]
fn with_no_leader_known_the_client_backs_off_a_tenth_of_its_timeout_and_tries_the_next() {
    let mut sim = cluster(
        5,
        [
            Answer::Redirect(None),
            Answer::Redirect(None),
            Answer::Redirect(None),
        ],
        load(2),
    );
    run(&mut sim, 10 + 60);
    let sent = requests(&sim);
    assert!(sent.len() >= 4, "{sent:?}");
    for w in sent.windows(2) {
        assert_eq!(
            w[1].0 - w[0].0,
            ms(12),
            "a round trip and the back-off: {sent:?}"
        );
        assert_eq!(w[1].1.0, (w[0].1.0 + 1) % 3);
    }
    // Redirects are answers: they never count as timed-out attempts.
    assert_eq!(client(&sim).counts().2, 0);
    assert!(sent.iter().all(|&(_, _, seq)| seq == 1));
}

#[test]
fn answers_and_timeouts_of_anything_but_the_open_send_change_nothing() {
    let mut sim = cluster(
        6,
        [Answer::Silent, Answer::Silent, Answer::Silent],
        load(10),
    );
    run(&mut sim, 20);
    assert_eq!(requests(&sim).len(), 1);
    let stale = Reply {
        seq: 7,
        outcome: ReplyOutcome::Ok(RegisterOutput::Written),
    };
    let feed = |sim: &mut Simulation<TestNode>,
                f: &dyn Fn(&mut Client<Cas>, &mut Ctx<'_, TestNode>)| {
        sim.input(CLIENT, "test", |n, ctx| {
            if let TestNode::Client(c) = n {
                f(c, ctx)
            }
        })
        .expect("the client runs");
    };
    feed(&mut sim, &|c, ctx| {
        c.on_reply(NodeId(0), stale.clone(), ctx)
    });
    // A timeout of an earlier send, and of another operation.
    feed(&mut sim, &|c, ctx| {
        c.on_timer(ClientTimer::Timeout { seq: 1, attempt: 0 }, ctx)
    });
    feed(&mut sim, &|c, ctx| {
        c.on_timer(ClientTimer::Timeout { seq: 2, attempt: 1 }, ctx)
    });
    feed(&mut sim, &|c, ctx| {
        c.on_timer(ClientTimer::Resend { seq: 2 }, ctx)
    });
    assert_eq!(requests(&sim).len(), 1, "nothing sent again");
    assert_eq!(client(&sim).counts(), (1, 0, 0, 0));
    // The live timeout still fires on time.
    run(&mut sim, 10 + 101);
    assert_eq!(requests(&sim).len(), 2);
    // A resend of the open operation goes at once, and restarts its timeout.
    feed(&mut sim, &|c, ctx| {
        c.on_timer(ClientTimer::Resend { seq: 1 }, ctx)
    });
    assert_eq!(requests(&sim).len(), 3);
}

#[test]
fn a_closed_loop_client_thinks_between_operations() {
    let mut l = load(10);
    l.pacing = Pacing::Closed { think: ms(5) };
    let mut sim = cluster(7, [Answer::Apply, Answer::Apply, Answer::Apply], l);
    run(&mut sim, 100);
    let sent = requests(&sim);
    assert!(sent.len() > 5);
    for w in sent.windows(2) {
        assert_eq!(
            w[1].0 - w[0].0,
            ms(2) + ms(5),
            "round trip and think time: {sent:?}"
        );
    }
}

#[test]
fn a_client_stops_after_its_operations_but_still_takes_typed_ones() {
    let mut l = load(10);
    l.ops_per_client = 3;
    let mut sim = cluster(8, [Answer::Apply, Answer::Apply, Answer::Apply], l);
    run(&mut sim, 200);
    assert_eq!(client(&sim).counts(), (3, 3, 0, 0));
    assert_eq!(client(&sim).pending(), None);
    let typed = RegisterInput {
        key: Some("typed".into()),
        op: RegisterOp::Write(9),
    };
    sim.input(CLIENT, "typed", |n, ctx| {
        if let TestNode::Client(c) = n {
            c.submit(typed.clone(), ctx);
        }
    })
    .unwrap();
    assert_eq!(client(&sim).pending(), Some(&typed));
    run(&mut sim, 300);
    assert_eq!(
        client(&sim).counts(),
        (4, 4, 0, 0),
        "the typed one, and no more"
    );
    let h = history(&sim);
    assert_eq!(h.ops().last().map(|op| &op.input), Some(&typed));
}

#[test]
fn an_open_loop_client_keeps_at_most_its_backlog_and_sheds_the_rest() {
    let mut l = load(1_000_000);
    l.pacing = Pacing::Rate {
        per_second: 2_000_000.0,
    };
    l.timeout = Duration::from_secs(10);
    l.record = false;
    let mut sim = cluster(9, [Answer::Silent, Answer::Silent, Answer::Silent], l);
    run(&mut sim, 100);
    let arrivals = sim
        .trace()
        .records()
        .iter()
        .filter(|r| matches!(&r.event, TraceEvent::Timer { node, payload, .. } if *node == CLIENT && payload == "Arrival"))
        .count() as u64;
    assert!(arrivals > 150_000, "{arrivals} arrivals");
    let (issued, completed, gave_up, shed) = client(&sim).counts();
    assert_eq!((issued, completed, gave_up), (1, 0, 0));
    // The first arrival is issued; 100,000 wait; the rest are shed.
    assert_eq!(shed, arrivals - 1 - 100_000);
    let m = ClientMetrics::gather([client(&sim)]);
    assert_eq!((m.issued, m.shed, m.requests), (1, shed, 1));
    let view = client(&sim).view();
    let waiting = view
        .fields
        .iter()
        .find(|(k, _)| k == "waiting arrivals")
        .map(|(_, v)| v.as_str());
    assert_eq!(waiting, Some("100000"));
}

#[test]
fn a_client_that_records_nothing_reports_no_history_but_still_counts() {
    let mut l = load(10);
    l.record = false;
    let mut sim = cluster(10, [Answer::Apply, Answer::Apply, Answer::Apply], l);
    run(&mut sim, 50);
    assert!(client(&sim).recorder().is_none());
    assert!(client(&sim).counts().1 > 0);
    assert_eq!(longest_silence_ms([client(&sim)]), None);
    assert!(history(&sim).ops().is_empty());
}

#[test]
fn the_view_shows_whom_the_client_asks_and_its_latest_operations_with_answers() {
    let mut sim = cluster(11, [Answer::Apply, Answer::Apply, Answer::Apply], load(10));
    run(&mut sim, 100);
    let view = client(&sim).view();
    let field = |k: &str| {
        view.fields
            .iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.clone())
    };
    let last_to = requests(&sim).last().map(|&(_, to, _)| to.to_string());
    assert_eq!(field("asks"), last_to);
    let (issued, completed, _, _) = client(&sim).counts();
    assert_eq!(field("issued"), Some(issued.to_string()));
    assert_eq!(field("completed"), Some(completed.to_string()));
    assert_eq!(view.label, format!("client {completed}/{issued}"));
    let table = &view.tables[0];
    assert_eq!(table.name, "recent operations");
    assert_eq!(table.columns, ["op", "answer"]);
    assert_eq!(table.rows.len(), 8, "the latest eight");
    assert_eq!(table.marked.len(), 8);
    let last = table.rows.last().unwrap();
    assert_eq!(last[1], "waiting", "the open operation: {last:?}");
    assert!(!table.marked[7]);
    assert!(
        table.marked[..7].iter().all(|&m| m),
        "answered ones are marked"
    );
    assert!(
        table.rows[..7]
            .iter()
            .all(|r| r[1] != "waiting" && !r[1].is_empty()),
        "{:?}",
        table.rows
    );
    // Each operation in the machine's words, with its answer.
    let ops = history(&sim);
    let newest = &ops.ops()[ops.ops().len() - 8..];
    for (row, op) in table.rows.iter().zip(newest) {
        let k = op.input.key.as_deref().unwrap_or_default();
        let words = match op.input.op {
            RegisterOp::Read => format!("read {k}"),
            RegisterOp::Write(v) => format!("write {k}={v}"),
            RegisterOp::Cas { expected, new } => format!("cas {k} {expected}->{new}"),
        };
        assert_eq!(row[0], words);
        if let Completion::Ok(out) = &op.completion {
            assert_eq!(row[1], format!("{out:?}"));
        }
    }
}

#[test]
fn clients_start_at_a_server_drawn_from_their_own_stream() {
    let first_targets: std::collections::BTreeSet<NodeId> = (0..12)
        .map(|seed| {
            let mut sim = cluster(
                seed,
                [Answer::Apply, Answer::Apply, Answer::Apply],
                load(10),
            );
            run(&mut sim, 11);
            requests(&sim)[0].1
        })
        .collect();
    assert_eq!(first_targets.len(), 3, "{first_targets:?}");
}

#[test]
fn a_client_with_no_servers_sends_nothing() {
    let mut sim = simulation(0, &[], 1, workload(load(2)), ms(1));
    run(&mut sim, 500);
    let c = client_at(&sim, NodeId(0));
    assert_eq!(c.sends(), 0);
    assert_eq!(c.counts().0, 1, "the operation is issued and waits");
}

#[test]
fn an_open_loop_clients_first_arrival_comes_a_draw_after_the_start() {
    let mut l = load(10);
    l.pacing = Pacing::Rate { per_second: 100.0 };
    let mut sim = cluster(13, [Answer::Apply, Answer::Apply, Answer::Apply], l);
    run(&mut sim, 200);
    let arrivals: Vec<Time> = sim
        .trace()
        .records()
        .iter()
        .filter(|r| matches!(&r.event, TraceEvent::Timer { node, payload, .. } if *node == CLIENT && payload == "Arrival"))
        .map(|r| r.time)
        .collect();
    let start = Time(l.start.0);
    assert!(arrivals[0] > start, "{arrivals:?}");
    assert!(arrivals.len() > 3);
    assert_eq!(requests(&sim)[0].0, arrivals[0], "issued at its arrival");
}

#[test]
fn the_model_state_tells_clients_apart_by_their_operations_not_their_times() {
    let hash = |c: &Client<Cas>| {
        let mut h = sim_core::model::StateHasher::new();
        c.model_state(&mut h);
        h.finish()
    };
    let completed = |sim: &Simulation<TestNode>| client(sim).counts().1;
    // The same seed over links of 1 ms and of 3 ms: the same operations, at other times.
    let mut fast = cluster_with_links(
        12,
        [Answer::Apply, Answer::Apply, Answer::Apply],
        load(10),
        ms(1),
    );
    let mut slow = cluster_with_links(
        12,
        [Answer::Apply, Answer::Apply, Answer::Apply],
        load(10),
        ms(3),
    );
    run(&mut fast, 1);
    run(&mut slow, 1);
    let mut t = 1;
    while completed(&fast) < 5 {
        t += 1;
        run(&mut fast, t);
    }
    let mut t = 1;
    while completed(&slow) < 5 {
        t += 1;
        run(&mut slow, t);
    }
    assert_ne!(client(&fast).latencies(), client(&slow).latencies());
    assert_eq!(hash(client(&fast)), hash(client(&slow)));
    let mut t = fast.now().0 / 1_000_000;
    while completed(&fast) < 6 {
        t += 1;
        run(&mut fast, t);
    }
    assert_ne!(
        hash(client(&fast)),
        hash(client(&slow)),
        "one operation further"
    );
}

#[test]
fn a_load_with_no_attempts_no_timeout_or_no_rate_is_refused() {
    let ok = load(1);
    assert!(ok.validate().is_ok());
    let err = |l: Load| l.validate().expect_err("invalid").to_string();
    assert!(err(Load { attempts: 0, ..ok }).contains("attempts"));
    assert!(
        err(Load {
            timeout: Duration::ZERO,
            ..ok
        })
        .contains("timeout")
    );
    for rate in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let l = Load {
            pacing: Pacing::Rate { per_second: rate },
            ..ok
        };
        assert!(err(l).contains("per_second"), "{rate}");
    }
    assert!(
        Load {
            pacing: Pacing::Rate { per_second: 0.5 },
            ..ok
        }
        .validate()
        .is_ok()
    );
}

/// A command of client 1.
fn command(seq: u64, op: RegisterOp) -> Command<Cas> {
    Command {
        client: 1,
        seq,
        op: RegisterInput {
            key: Some("r".into()),
            op,
        },
    }
}

#[test]
fn a_store_applies_each_command_once_and_answers_a_retry_from_the_session() {
    let mut store: Store<Cas> = Store::new();
    assert_eq!(
        store.apply(&command(1, RegisterOp::Write(1))),
        Some(RegisterOutput::Written)
    );
    let cas = command(
        2,
        RegisterOp::Cas {
            expected: 1,
            new: 2,
        },
    );
    assert_eq!(store.apply(&cas), Some(RegisterOutput::Cas(true)));
    assert_eq!(store.applied(), 2);
    // The retry is answered as the first time, not applied again (which would fail now).
    assert_eq!(store.apply(&cas), Some(RegisterOutput::Cas(true)));
    assert_eq!(store.applied(), 2);
    // An older command of the client: nobody waits for it.
    assert_eq!(store.apply(&command(1, RegisterOp::Write(5))), None);
    let read = RegisterInput {
        key: Some("r".into()),
        op: RegisterOp::Read,
    };
    assert_eq!(store.query(&read), Some(RegisterOutput::Read(Some(2))));
    assert_eq!(store.session(1).map(|s| s.seq), Some(2));
    assert_eq!(store.session(2), None);
    // Another client's first command is applied.
    let other = Command {
        client: 2,
        ..command(1, RegisterOp::Write(7))
    };
    assert_eq!(store.apply(&other), Some(RegisterOutput::Written));
    assert_eq!(store.applied(), 3);
    assert_eq!(store.query(&read), Some(RegisterOutput::Read(Some(7))));
    // The machine itself, as applied to.
    let mut machine = Cas::default();
    machine.apply(&read);
    machine.apply(&command(0, RegisterOp::Write(7)).op);
    assert_eq!(store.state(), &machine);
    assert_eq!(
        store.query(&command(9, RegisterOp::Write(1)).op),
        None,
        "not a read"
    );
}

#[test]
fn a_snapshot_carries_the_sessions_so_a_retry_after_it_is_not_applied_twice() {
    let mut store: Store<Cas> = Store::new();
    let cas = command(
        1,
        RegisterOp::Cas {
            expected: 0,
            new: 1,
        },
    );
    store.apply(&command(0, RegisterOp::Write(0)));
    let other = Command {
        client: 2,
        ..command(1, RegisterOp::Write(0))
    };
    store.apply(&other);
    store.apply(&cas);
    let snapshot = store.snapshot();
    assert_eq!(snapshot.applied(), 3);
    assert_eq!(snapshot.approx_bytes(), store.approx_bytes());
    let mut restored = Store::<Cas>::restore(&snapshot);
    assert_eq!(restored, store);
    assert_eq!(
        restored.apply(&cas),
        Some(RegisterOutput::Cas(true)),
        "a retry"
    );
    assert_eq!(restored.applied(), 3);
    // Sessions are part of the size: two clients weigh more than one.
    let mut one: Store<Cas> = Store::new();
    one.apply(&command(0, RegisterOp::Write(0)));
    one.apply(&cas);
    assert!(store.approx_bytes() > one.approx_bytes());
    assert!(one.approx_bytes() > Store::<Cas>::new().approx_bytes());
}

#[test]
fn every_client_and_every_fresh_start_after_giving_up_is_its_own_process() {
    let load = Load {
        clients: 2,
        ..load(1)
    };
    let mut sim = simulation(
        0,
        &[Answer::Silent, Answer::Silent, Answer::Silent],
        2,
        workload(load),
        ms(1),
    );
    // One attempt each: every 100 ms each client gives up and starts again.
    run(&mut sim, 10 + 350);
    let clients = || [client_at(&sim, NodeId(3)), client_at(&sim, NodeId(4))];
    let h = collect_history(clients()).expect("a well-formed history");
    assert_eq!(h.ops().len(), 8, "four operations of each client");
    let processes: std::collections::BTreeSet<_> = h.ops().iter().map(|op| op.process).collect();
    assert_eq!(processes.len(), 8, "{processes:?}");
    // The metrics add up both clients: four issued each, three given up, one open.
    let m = ClientMetrics::gather(clients());
    assert_eq!(
        (m.issued, m.completed, m.gave_up, m.shed, m.requests),
        (8, 0, 6, 0, 8)
    );
}

#[test]
fn the_workload_is_asked_for_each_operation_by_its_number() {
    let numbered = RegisterWorkload {
        numbered: true,
        ..workload(load(10))
    };
    let mut sim = simulation(
        0,
        &[Answer::Apply, Answer::Apply, Answer::Apply],
        1,
        numbered,
        ms(1),
    );
    run(&mut sim, 100);
    let h = history(&sim);
    assert!(h.ops().len() > 3);
    for (i, op) in h.ops().iter().enumerate() {
        assert_eq!(op.input.op, RegisterOp::Write(i as i64 + 1));
    }
}

#[test]
fn with_no_think_time_the_next_operation_goes_out_in_the_same_event() {
    let mut sim = cluster(14, [Answer::Apply, Answer::Apply, Answer::Apply], load(10));
    run(&mut sim, 100);
    let nexts = sim
        .trace()
        .records()
        .iter()
        .filter(|r| matches!(&r.event, TraceEvent::Timer { node, payload, .. } if *node == CLIENT && payload == "Next"))
        .count();
    assert_eq!(nexts, 1, "only the first operation waits for a timer");
    assert!(client(&sim).counts().1 > 10);
}

#[test]
fn commands_and_replies_weigh_a_header_and_what_they_carry_and_print_as_their_parts() {
    let c = command(2, RegisterOp::Write(5));
    assert_eq!(c.size(), 24 + Cas::input_bytes(&c.op));
    assert_eq!(Cas::input_bytes(&c.op), 18);
    assert_eq!(c.to_string(), "c1#2 write r=5");
    assert!(!c.is_read());
    assert!(command(3, RegisterOp::Read).is_read());
    let ok: Reply<Cas> = Reply {
        seq: 2,
        outcome: ReplyOutcome::Ok(RegisterOutput::Written),
    };
    assert_eq!(ok.size(), 24 + 9);
    let redirect: Reply<Cas> = Reply {
        seq: 2,
        outcome: ReplyOutcome::NotLeader { hint: None },
    };
    assert_eq!(redirect.size(), 24);
}

#[test]
fn a_workload_is_checked_by_its_load_and_a_service_without_clients_draws_nothing() {
    let bad = workload(load(0));
    let e = rsm::Workload::validate(&bad).expect_err("no attempts");
    assert!(e.to_string().contains("attempts"), "{e}");
    let none = rsm::NoClients::<Cas>::default();
    assert_eq!(none, none.clone());
    assert_eq!(format!("{none:?}"), "NoClients");
}
