//! The client against a single in-memory server over a lossy, duplicating network: retries
//! keep the history linearizable only because the store's sessions apply each operation once.

use kv::{
    Client, ClientConfig, ClientMetrics, ClientTimer, KvInput, KvOutput, KvStore, Pacing, Reply,
    ReplyOutcome, Request, WorkloadConfig, check_linearizable, collect_history,
};
use serde::Serialize;
use sim_core::history::{Budget, Completion, Verdict};
use sim_core::{
    Ctx, Duration, Latency, LinkModel, Message, NetworkConfig, Node, NodeId, NodeView, SimConfig,
    Simulation, Time,
};

#[derive(Clone, Debug, Serialize)]
enum Msg {
    Request(Request),
    Reply(Reply),
}

impl Message for Msg {
    fn kind(&self) -> &'static str {
        match self {
            Msg::Request(_) => "Request",
            Msg::Reply(_) => "Reply",
        }
    }
}

impl From<Request> for Msg {
    fn from(r: Request) -> Msg {
        Msg::Request(r)
    }
}

#[derive(Clone, Debug)]
enum Role {
    /// Server 0 leads; server 1 redirects to it.
    Server {
        store: KvStore,
        sessions: bool,
    },
    Client(Box<Client>),
}

#[derive(Clone, Debug)]
struct Cfg {
    sessions: bool,
    client: ClientConfig,
}

#[derive(Clone, Debug)]
struct TestNode(Role);

impl Node for TestNode {
    type Message = Msg;
    type Timer = ClientTimer;
    type Record = ();
    type Config = Cfg;

    fn start(id: NodeId, cfg: &Cfg, ctx: &mut Ctx<'_, Self>) -> Self {
        if id.0 < 2 {
            TestNode(Role::Server {
                store: KvStore::new(),
                sessions: cfg.sessions,
            })
        } else {
            TestNode(Role::Client(Box::new(Client::start(id, &cfg.client, ctx))))
        }
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, ctx: &mut Ctx<'_, Self>) {
        match (&mut self.0, msg) {
            (Role::Server { store, sessions }, Msg::Request(req)) => {
                let seq = req.command.seq;
                let outcome = if ctx.id().0 == 1 {
                    ReplyOutcome::NotLeader {
                        hint: Some(NodeId(0)),
                    }
                } else {
                    let mut cmd = req.command;
                    if !*sessions {
                        // Every copy looks new: the departure sessions exist to prevent.
                        cmd.client = ctx.rng().next_u64();
                    }
                    match store.apply(&cmd) {
                        Some(out) => ReplyOutcome::Ok(out),
                        None => return,
                    }
                };
                ctx.send(from, Msg::Reply(Reply { seq, outcome }));
            }
            (Role::Client(c), Msg::Reply(reply)) => c.on_reply(from, reply, ctx),
            _ => {}
        }
    }

    fn on_timer(&mut self, timer: ClientTimer, ctx: &mut Ctx<'_, Self>) {
        if let Role::Client(c) = &mut self.0 {
            c.on_timer(timer, ctx);
        }
    }

    fn view(&self) -> NodeView {
        match &self.0 {
            Role::Server { .. } => NodeView::new("leader", "server"),
            Role::Client(c) => c.view(),
        }
    }
}

fn run(seed: u64, sessions: bool, workload: WorkloadConfig) -> Simulation<TestNode> {
    let client = ClientConfig {
        servers: vec![NodeId(0), NodeId(1)],
        workload,
    };
    let cfg = Cfg { sessions, client };
    let config = SimConfig {
        seed,
        network: NetworkConfig {
            default: LinkModel {
                latency: Latency::uniform(Duration::from_millis(1), Duration::from_millis(30)),
                loss: 0.2,
                duplicate: 0.2,
                ..LinkModel::default()
            },
            ..NetworkConfig::default()
        },
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config, vec![cfg; 5]).expect("a valid simulation");
    sim.run_until(Time(Duration::from_secs(5).0))
        .expect("the run stays within its limits");
    sim
}

fn clients(sim: &Simulation<TestNode>) -> Vec<&Client> {
    sim.nodes()
        .live()
        .filter_map(|(_, n)| match &n.0 {
            Role::Client(c) => Some(&**c),
            Role::Server { .. } => None,
        })
        .collect()
}

fn workload() -> WorkloadConfig {
    WorkloadConfig {
        keys: 2,
        timeout: Duration::from_millis(100),
        start: Duration::ZERO,
        mix: kv::Mix {
            get: 0.4,
            put: 0.1,
            append: 0.5,
        },
        ..WorkloadConfig::default()
    }
}

#[test]
fn retries_through_loss_and_redirects_stay_linearizable() {
    for seed in 0..20 {
        let sim = run(seed, true, workload());
        let cs = clients(&sim);
        let m = ClientMetrics::gather(cs.iter().copied());
        assert!(
            m.completed > 50,
            "seed {seed}: only {} answers",
            m.completed
        );
        assert!(m.requests > m.issued, "seed {seed}: loss forces retries");
        let history = collect_history(cs).expect("a well-formed history");
        assert_eq!(history.len() as u64, m.issued);
        let report = check_linearizable(&history, &Budget::default());
        assert_eq!(report.verdict, Verdict::Linearizable, "seed {seed}");
    }
}

#[test]
fn without_sessions_a_retried_append_is_applied_twice_and_caught() {
    let caught = (0..20)
        .filter(|&seed| {
            let sim = run(seed, false, workload());
            let history = collect_history(clients(&sim)).expect("a well-formed history");
            check_linearizable(&history, &Budget::default()).verdict == Verdict::NotLinearizable
        })
        .count();
    assert!(
        caught >= 10,
        "only {caught} of 20 seeds caught the double append"
    );
}

#[test]
fn open_loop_clients_issue_at_the_configured_rate() {
    let w = WorkloadConfig {
        pacing: Pacing::Rate { per_second: 5.0 },
        ..workload()
    };
    let sim = run(3, true, w);
    let m = ClientMetrics::gather(clients(&sim));
    // Three clients at 5 per second for 5 seconds: about 75 arrivals, well within what one
    // server answers, so nearly all are issued.
    assert!((50..=100).contains(&m.issued), "{} issued", m.issued);
}

#[test]
fn a_client_gives_up_after_its_attempts_and_continues_as_a_new_process() {
    let w = WorkloadConfig {
        attempts: 1,
        ..workload()
    };
    let sim = run(4, true, w);
    let cs = clients(&sim);
    let m = ClientMetrics::gather(cs.iter().copied());
    assert!(m.gave_up > 0);
    let history = collect_history(cs).expect("a well-formed history");
    let processes: std::collections::BTreeSet<_> =
        history.ops().iter().map(|o| o.process).collect();
    assert!(processes.len() > 3, "giving up starts a new process");
}

#[test]
fn a_clients_view_lists_its_latest_operations_with_their_answers() {
    let sim = run(3, true, workload());
    let client = clients(&sim)[0];
    let view = client.view();
    let table = view
        .tables
        .iter()
        .find(|t| t.name == "recent operations")
        .expect("a client view lists its recent operations");
    let ops = client
        .recorder()
        .expect("the client records")
        .history()
        .ops();
    let last = &ops[ops.len() - table.rows.len()..];
    assert_eq!(table.rows.len(), 8, "{table:?}");
    for (row, op) in table.rows.iter().zip(last) {
        let (what, answer) = (&row[0], &row[1]);
        let expected = match (&op.input, &op.completion) {
            (KvInput::Get { key }, Completion::Ok(KvOutput::Value(v))) => {
                assert_eq!(what, &format!("get {key}"));
                if v.is_empty() {
                    "\"\"".to_string()
                } else {
                    v.clone()
                }
            }
            (KvInput::Put { key, value }, Completion::Ok(KvOutput::Done)) => {
                assert_eq!(what, &format!("put {key}={value}"));
                "ok".to_string()
            }
            (KvInput::Append { key, value }, Completion::Ok(KvOutput::Done)) => {
                assert_eq!(what, &format!("append {key}+={value}"));
                "ok".to_string()
            }
            (_, Completion::Info) if op.completed.is_none() => "waiting".to_string(),
            (_, Completion::Info) => "gave up: unknown".to_string(),
            other => panic!("unexpected operation {other:?}"),
        };
        assert_eq!(answer, &expected, "{row:?}");
    }
    // Reads show the value they returned.
    assert!(
        table
            .rows
            .iter()
            .any(|r| r[0].starts_with("get ") && r[1] != "waiting"),
        "{table:?}"
    );
}
