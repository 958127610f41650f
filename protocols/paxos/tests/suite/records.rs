//! What a server puts on the wire and on disk: message and value sizes (the bandwidth model
//! and the bytes-per-command figures rest on them), how values print and are told apart, and
//! what a damaged record reads as.

use kv::{Command, KvInput, KvMap};
use paxos::{AcceptedEntry, Ballot, Msg, Note, Record, Value};
use sim_core::{Corruptible, Message};

fn put(client: u64, seq: u64, value: &str) -> Command {
    Command {
        client,
        seq,
        op: KvInput::Put {
            key: "k".into(),
            value: value.into(),
        },
    }
}

#[test]
fn sizes_add_up_from_the_commands_they_carry() {
    let one = Value::batch(vec![put(1, 1, "abc")]);
    let two = Value::batch(vec![put(1, 2, "abc"), put(2, 1, "defgh")]);
    let (c1, c2) = (put(1, 1, "abc").size(), put(2, 1, "defgh").size());
    assert!(c1 > 24 && c2 > c1, "commands grow with what they write");
    assert_eq!(one.size(), 8 + c1);
    assert_eq!(two.size(), 8 + c1 + c2);
    assert_eq!(Value::<KvMap>::Noop.size(), 8);
    let b = Ballot::new(1, 1);
    let promise = Msg::Promise {
        ballot: b,
        accepted: vec![
            AcceptedEntry {
                slot: 1,
                ballot: b,
                value: one.clone(),
            },
            AcceptedEntry {
                slot: 2,
                ballot: b,
                value: two.clone(),
            },
        ],
        compacted: 0,
    };
    assert_eq!(promise.size(), 32 + (24 + one.size()) + (24 + two.size()));
    let accept = Msg::Accept {
        ballot: b,
        slot: 3,
        value: two.clone(),
        commit: 0,
    };
    assert_eq!(accept.size(), 32 + two.size());
    let chosen = Msg::Chosen {
        from: 1,
        values: vec![one.clone(), two.clone()],
    };
    assert_eq!(chosen.size(), 32 + one.size() + two.size());
    let request = Msg::<KvMap>::Request(kv::Request {
        command: put(2, 1, "defgh"),
    });
    assert_eq!(request.size(), c2);
    assert_eq!(Msg::<KvMap>::CatchUp { from: 4 }.size(), 32);
}

#[test]
fn values_print_what_they_hold_and_differ_in_any_field_of_a_command() {
    assert_eq!(Value::<KvMap>::Noop.to_string(), "no-op");
    assert_eq!(
        Value::<KvMap>::Leader(Ballot::new(2, 1)).to_string(),
        format!("leader {}", Ballot::new(2, 1))
    );
    let one = Value::batch(vec![put(1, 1, "abc")]);
    assert_eq!(one.to_string(), put(1, 1, "abc").to_string());
    let two = Value::batch(vec![put(1, 1, "abc"), put(2, 1, "x")]);
    assert_eq!(two.to_string(), format!("{} (+1 more)", put(1, 1, "abc")));
    assert_eq!(two.commands().len(), 2);
    assert!(Value::<KvMap>::Noop.commands().is_empty());
    // The digest replicas and checkers compare values by.
    let digests = [
        Value::batch(vec![put(1, 1, "abc")]).digest(),
        Value::batch(vec![put(1, 2, "abc")]).digest(),
        Value::batch(vec![put(3, 1, "abc")]).digest(),
        Value::batch(vec![put(1, 1, "abd")]).digest(),
    ];
    for i in 0..digests.len() {
        for j in i + 1..digests.len() {
            assert_ne!(digests[i], digests[j], "commands {i} and {j}");
        }
    }
}

/// Records have no equality of their own; their debug text shows every field.
fn same(got: Record, want: Record) {
    assert_eq!(format!("{got:?}"), format!("{want:?}"));
}

#[test]
fn a_damaged_record_reads_as_a_neighbouring_value_of_its_own_kind() {
    let b = Ballot::new(12, 3);
    let off = |noise: u64| Ballot::new(12 ^ (1 << (noise % 5)), 3);
    // Noise 9 flips a bit the note's sum has set, 0 to 7 bits it has not.
    for noise in [0, 1, 2, 3, 4, 7, 9] {
        same(
            Record::Promise(b).corrupted(noise),
            Record::Promise(off(noise)),
        );
        same(
            Record::Accepted(b, Value::Noop).corrupted(noise),
            Record::Accepted(off(noise), Value::Noop),
        );
        same(
            Record::Repair { upto: 40 }.corrupted(noise),
            Record::Repair {
                upto: 40 ^ (1 << (noise % 5)),
            },
        );
        let note = Note {
            sum: 0xff00,
            ..Note::default()
        };
        same(
            Record::Note(note).corrupted(noise),
            Record::Note(Note {
                sum: 0xff00 ^ (1 << (noise % 64)),
                ..note
            }),
        );
    }
    // A batch keeps its ballot; one of its commands is damaged, and its digest is that of
    // what it now holds (a reader computes it from the commands), so that everything that
    // compares values by digest (the note's sum, the checkers) sees another value.
    let batch = Value::batch(vec![put(1, 1, "abc"), put(2, 1, "xyz")]);
    for noise in [0, 1] {
        let Record::Accepted(kept, damaged) = Record::Accepted(b, batch.clone()).corrupted(noise)
        else {
            panic!("an accepted record stays one");
        };
        assert_eq!(kept, b);
        assert_ne!(damaged.digest(), batch.digest());
        assert_eq!(
            damaged.digest(),
            Value::batch(damaged.commands().to_vec()).digest()
        );
        let changed: Vec<bool> = damaged
            .commands()
            .iter()
            .zip(batch.commands())
            .map(|(d, c)| d != c)
            .collect();
        let expected: Vec<bool> = (0..2).map(|i| i == noise as usize).collect();
        assert_eq!(changed, expected, "noise {noise} damages command {noise}");
    }
}

#[test]
fn only_promises_and_acceptances_wait_for_the_disk() {
    let b = Ballot::new(1, 1);
    let durable = |m: &Msg| m.promises_durability();
    assert!(durable(&Msg::Promise {
        ballot: b,
        accepted: vec![],
        compacted: 0
    }));
    assert!(durable(&Msg::Accepted { ballot: b, slot: 0 }));
    for m in [
        Msg::Prepare {
            ballot: b,
            from_slot: 0,
        },
        Msg::Heartbeat {
            ballot: b,
            commit: 0,
        },
        Msg::CatchUp { from: 0 },
        Msg::Nack {
            ballot: b,
            promised: b,
        },
    ] {
        assert!(!durable(&m), "{}", m.kind());
    }
}

#[test]
fn a_snapshot_and_a_reply_are_as_large_as_what_they_carry() {
    let mut store = rsm::Store::<KvMap>::new();
    store.apply(&put(1, 1, "abcdef"));
    let snapshot = paxos::Snapshot {
        upto: 1,
        hash: 0,
        leaders: 0,
        store: store.snapshot(),
    };
    let bytes = snapshot.store.approx_bytes();
    assert!(bytes > 0);
    let msg = Msg::Snapshot(std::sync::Arc::new(snapshot.clone()));
    assert_eq!(msg.size(), 32 + bytes);
    let reply = kv::Reply {
        seq: 1,
        outcome: kv::ReplyOutcome::Ok(kv::KvOutput::Value("xyz".into())),
    };
    assert_eq!(Msg::<KvMap>::Reply(reply.clone()).size(), reply.size());
    assert_eq!(reply.size(), 24 + 3);
    // A damaged snapshot claims another position, one bit off.
    for noise in [0, 3, 7] {
        let Record::Snapshot(d) =
            Record::Snapshot(std::sync::Arc::new(snapshot.clone())).corrupted(noise)
        else {
            panic!("a snapshot stays one");
        };
        assert_eq!(d.upto, 1 ^ (1 << (noise % 5)), "noise {noise}");
        assert_eq!(d.hash, snapshot.hash);
    }
}

#[test]
fn a_put_and_an_append_of_the_same_key_and_value_differ() {
    let append = Command {
        client: 1,
        seq: 1,
        op: KvInput::Append {
            key: "k".into(),
            value: "abc".into(),
        },
    };
    assert_ne!(
        Value::batch(vec![put(1, 1, "abc")]).digest(),
        Value::batch(vec![append]).digest()
    );
}
