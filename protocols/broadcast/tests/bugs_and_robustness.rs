//! The checkers catch the known bugs; nodes survive any message in any state; configurations
//! read from scenario text; the same seed repeats exactly.

mod common;

use broadcast::{
    BroadcastNode, Config, Digest, Direction, Dissemination, Item, KnownBug, Msg, MsgId, Seen,
    Workload,
};
use common::*;
use sim_core::{Duration, Node, NodeId, Outcome, SimRng, Stream, Time};

fn violated(config: Config, seed: u64) -> Option<String> {
    let mut s = sim(seed, 8, config);
    broadcast(&mut s, NodeId(0), 5);
    match s.run_until(at_ms(2_000)).expect("the run proceeds") {
        Outcome::Violated(v) => Some(v.to_string()),
        Outcome::Reached => None,
    }
}

#[test]
fn duplicate_delivery_bug_is_caught() {
    let mut config = Config::reliable();
    config.bugs = vec![KnownBug::DeliverDuplicates];
    let v = violated(config, 1).expect("a reliable flood delivers many copies");
    assert!(
        v.contains("no duplicate delivery") && v.contains("a second time"),
        "{v}"
    );
    assert!(v.contains("seed 1"), "{v}");
}

#[test]
fn corrupt_relay_bug_is_caught() {
    let mut config = Config::reliable();
    config.bugs = vec![KnownBug::CorruptRelay];
    let v = violated(config, 1).expect("relayed copies carry another payload");
    assert!(
        v.contains("integrity") && v.contains("but it was broadcast with 5"),
        "{v}"
    );
}

#[test]
fn correct_configurations_trip_no_checker() {
    for config in [
        Config::reliable(),
        Config::best_effort(),
        Config::anti_entropy(Direction::Pull, 1, ms(20)),
        Config::efficient(NodeId(0), ms(10), ms(20), ms(40)),
    ] {
        assert_eq!(violated(config, 2), None);
    }
}

fn item(origin: u32, seq: u32, payload: u64) -> Item {
    Item {
        id: MsgId {
            origin: NodeId(origin),
            incarnation: 0,
            seq,
        },
        payload,
        sent_at: Time::ZERO,
        hops: 1,
    }
}

fn random_message(rng: &mut SimRng) -> Msg {
    let it = |rng: &mut SimRng| item(rng.below(12) as u32, rng.below(4) as u32, rng.below(3));
    let items = |rng: &mut SimRng| (0..rng.below(4)).map(|_| it(rng)).collect::<Vec<_>>();
    match rng.below(7) {
        0 => Msg::Flood { item: it(rng) },
        1 => Msg::Batch { items: items(rng) },
        2 => Msg::Rumor { items: items(rng) },
        3 => Msg::Feedback {
            known: items(rng).iter().map(|i| i.id).collect(),
            useful: items(rng).iter().map(|i| i.id).collect(),
        },
        4 => {
            let mut seen = Seen::default();
            for i in items(rng) {
                seen.insert(i.id);
            }
            Msg::Digest {
                seen: Digest::new(seen),
                fresh: Vec::new(),
                direction: Direction::PushPull,
            }
        }
        5 => Msg::Reply {
            items: items(rng),
            want: items(rng).iter().map(|i| i.id).collect(),
        },
        _ => Msg::Repair { items: items(rng) },
    }
}

#[test]
fn any_message_in_any_state_is_handled() {
    let mut rumor = Config::rumor(broadcast::Loss::Blind, broadcast::Stop::Coin, 2, ms(10));
    rumor.anti_entropy = Some(broadcast::AntiEntropy::default());
    let mut resetting = Config::rumor(
        broadcast::Loss::Feedback,
        broadcast::Stop::Counter,
        2,
        ms(10),
    );
    if let Dissemination::Rumor(r) = &mut resetting.dissemination {
        r.reset_on_useful = true;
        r.cycle_feedback = true;
    }
    let configs = [
        resetting,
        Config::reliable(),
        Config::best_effort(),
        rumor,
        Config::anti_entropy(Direction::Push, 3, ms(10)),
        Config::efficient(NodeId(3), ms(5), ms(10), ms(0)),
        Config {
            dissemination: Dissemination::None,
            ..Config::default()
        },
    ];
    for (c, config) in configs.into_iter().enumerate() {
        // Ids 8..12 name nodes that do not exist; nodes must cope anyway. No checkers: forged
        // broadcasts are exactly what integrity reports.
        let n = 8;
        let config = config.prepare(n).expect("a valid config");
        let mut s: sim_core::Simulation<BroadcastNode> = sim_core::Simulation::new(
            sim_core::SimConfig {
                seed: c as u64,
                ..sim_core::SimConfig::default()
            },
            vec![config; n as usize],
        )
        .expect("a valid cluster");
        s.run_until(Time::ZERO).expect("starts");
        let mut rng = SimRng::new(c as u64, Stream::Custom(99));
        for step in 0..400 {
            let to = NodeId(rng.below(u64::from(n)) as u32);
            let from = NodeId(rng.below(u64::from(n)) as u32);
            let msg = random_message(&mut rng);
            s.input(to, "forged message", |node, ctx| {
                node.on_message(from, msg, ctx)
            })
            .expect("the node is up");
            if step % 50 == 0 {
                broadcast(&mut s, to, step);
            }
            s.run_for(ms(3)).expect("the run proceeds");
        }
        s.run_for(Duration::from_secs(1)).expect("the run proceeds");
        for (_, node) in s.nodes().live() {
            let _ = node.view();
        }
    }
}

#[test]
fn configs_read_from_scenario_text() {
    let text = r#"{
        "dissemination": {"kind": "rumor", "loss": "blind", "stop": "coin", "k": 3},
        "anti_entropy": {"direction": "pull", "period": "500ms"},
        "workload": {"origins": [0, 2], "rate": 5.0}
    }"#;
    let c: Config = serde_json::from_str(text).expect("a valid config");
    match &c.dissemination {
        Dissemination::Rumor(r) => {
            assert_eq!(
                (r.loss, r.stop, r.k, r.fanout),
                (broadcast::Loss::Blind, broadcast::Stop::Coin, 3, 1)
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        c.anti_entropy.as_ref().map(|a| a.direction),
        Some(Direction::Pull)
    );
    c.validate(3).expect("valid for 3 nodes");
    let err = c
        .validate(2)
        .expect_err("origin n2 does not exist in 2 nodes");
    assert!(err.to_string().contains("workload.origins"), "{err}");

    let c: Config = serde_json::from_str(r#"{"dissemination": {"kind": "best-effort"}}"#)
        .expect("a valid config");
    assert_eq!(c.dissemination, Dissemination::BestEffort);
    let c: Config = serde_json::from_str("{}").expect("all defaults");
    assert_eq!(c.dissemination, Dissemination::Reliable);
    for bad in [
        r#"{"dissemination": {"kind": "reliable", "k": 2}}"#,
        r#"{"dissemination": {"kind": "flood"}}"#,
        r#"{"fanout": 2}"#,
        r#"{"anti_entropy": {"period": "1s", "speed": 2}}"#,
        r#"{"anti_entropy": {"period": 500000000}}"#,
    ] {
        assert!(
            serde_json::from_str::<Config>(bad).is_err(),
            "{bad} was accepted"
        );
    }
    let mut c = Config::rumor(
        broadcast::Loss::Feedback,
        broadcast::Stop::Counter,
        0,
        ms(10),
    );
    assert!(
        c.validate(4)
            .unwrap_err()
            .to_string()
            .contains("dissemination.k")
    );
    c = Config::anti_entropy(Direction::Pull, 1, Duration::ZERO);
    assert!(
        c.validate(4)
            .unwrap_err()
            .to_string()
            .contains("anti_entropy.period")
    );
    c = Config::efficient(NodeId(9), ms(1), ms(1), ms(1));
    assert!(c.prepare(4).is_err());
    c = Config::reliable().with_workload(Workload {
        rate: f64::NAN,
        ..Workload::default()
    });
    assert!(
        c.validate(4)
            .unwrap_err()
            .to_string()
            .contains("workload.rate")
    );
}

#[test]
fn same_seed_same_run_and_checkers_do_not_change_it() {
    let run = |seed: u64, checkers: bool| {
        let config = Config::efficient(NodeId(0), ms(20), ms(50), ms(60)).with_workload(Workload {
            rate: 50.0,
            stop: Duration::from_secs(2),
            ..Workload::default()
        });
        let mut s = if checkers {
            sim(seed, 10, config)
        } else {
            let config = config.prepare(10).expect("a valid config");
            let mut s: sim_core::Simulation<BroadcastNode> = sim_core::Simulation::new(
                sim_core::SimConfig {
                    seed,
                    network: sim_core::NetworkConfig {
                        default: sim_core::LinkModel::with_latency(sim_core::Latency::uniform(
                            ms(1),
                            ms(10),
                        )),
                        ..sim_core::NetworkConfig::default()
                    },
                    ..sim_core::SimConfig::default()
                },
                vec![config; 10],
            )
            .expect("a valid cluster");
            s.run_until(Time::ZERO).expect("starts");
            s
        };
        run_to(&mut s, at_ms(3_000));
        s.fingerprint()
    };
    assert_eq!(run(4, true), run(4, true));
    assert_eq!(run(4, true), run(4, false));
    assert_ne!(run(4, true), run(5, true));
}

#[test]
fn views_name_the_roles_for_colour() {
    let mut s = sim(1, 5, Config::efficient(NodeId(2), ms(5), ms(50), ms(20)));
    let views = s.views();
    let roles: Vec<&str> = views.iter().flatten().map(|v| v.role.as_str()).collect();
    assert_eq!(roles, vec!["leaf", "leaf", "root", "leaf", "leaf"]);
    let v = views[2].as_ref().expect("up");
    assert_eq!(v.get("children"), Some("n0 n1 n3 n4"));

    let mut r = sim(
        1,
        5,
        Config::rumor(
            broadcast::Loss::Feedback,
            broadcast::Stop::Counter,
            1,
            ms(50),
        ),
    );
    assert_eq!(
        r.views()[0].as_ref().map(|v| v.role.clone()).as_deref(),
        Some("susceptible")
    );
    broadcast(&mut r, NodeId(0), 1);
    assert_eq!(
        r.views()[0].as_ref().map(|v| v.role.clone()).as_deref(),
        Some("infected")
    );
    run_to(&mut r, at_ms(5_000));
    assert_eq!(
        r.views()[0].as_ref().map(|v| v.role.clone()).as_deref(),
        Some("removed")
    );
    let v = r.views()[0].clone().expect("up");
    assert_eq!(v.tables[0].rows.len(), 1);
    broadcast(&mut s, NodeId(0), 3);
    run_to(&mut s, at_ms(100));
    assert_eq!(
        s.views()[4]
            .as_ref()
            .and_then(|v| v.get("delivered").map(String::from))
            .as_deref(),
        Some("1")
    );
}
