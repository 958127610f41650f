//! Hand-written histories for each model: fail and info operations, overlapping operations,
//! and histories that are linearizable only if an info operation took effect.

use sim_core::Time;
use sim_core::history::models::{
    CasRegister, KvInput, KvModel, KvOutput, RegisterInput, RegisterOp, RegisterOutput, SetInput,
    SetModel, SetOutput,
};
use sim_core::history::{
    Budget, Completion, History, Model, OpId, ProcessId, Verdict, check, explain,
};

/// Builds histories tersely: each operation on its own process, `[from, to]` in nanoseconds.
struct Builder<M: Model> {
    history: History<M::Input, M::Output>,
}

impl<M: Model> Builder<M> {
    fn new() -> Self {
        Builder {
            history: History::new(),
        }
    }

    fn push(
        &mut self,
        input: M::Input,
        completion: Completion<M::Output>,
        from: u64,
        to: Option<u64>,
    ) -> OpId {
        let process = ProcessId(self.history.len() as u64);
        self.history
            .push(process, input, completion, Time(from), to.map(Time))
            .unwrap()
    }

    fn ok(&mut self, input: M::Input, output: M::Output, from: u64, to: u64) -> OpId {
        self.push(input, Completion::Ok(output), from, Some(to))
    }

    fn fail(&mut self, input: M::Input, from: u64, to: u64) -> OpId {
        self.push(input, Completion::Fail, from, Some(to))
    }

    /// An info operation whose client gave up at `gave_up` (or never heard back).
    fn info(&mut self, input: M::Input, from: u64, gave_up: Option<u64>) -> OpId {
        self.push(input, Completion::Info, from, gave_up)
    }
}

fn verdict<M: Model>(model: &M, b: &Builder<M>) -> Verdict {
    check(model, &b.history, &Budget::default()).verdict
}

// ---- cas register ----

type Reg = Builder<CasRegister>;

fn write(v: i64) -> RegisterInput {
    RegisterInput::single(RegisterOp::Write(v))
}
fn read() -> RegisterInput {
    RegisterInput::single(RegisterOp::Read)
}
fn cas(expected: i64, new: i64) -> RegisterInput {
    RegisterInput::single(RegisterOp::Cas { expected, new })
}
fn saw(v: i64) -> RegisterOutput {
    RegisterOutput::Read(Some(v))
}
const WRITTEN: RegisterOutput = RegisterOutput::Written;
const UNSET: RegisterOutput = RegisterOutput::Read(None);

fn register(build: impl FnOnce(&mut Reg)) -> Verdict {
    let mut b = Reg::new();
    build(&mut b);
    verdict(&CasRegister, &b)
}

#[test]
fn register_sequential_reads_see_the_last_write() {
    let lin = register(|b| {
        b.ok(write(1), WRITTEN, 0, 10);
        b.ok(read(), saw(1), 20, 30);
    });
    assert_eq!(lin, Verdict::Linearizable);
    let stale = register(|b| {
        b.ok(write(1), WRITTEN, 0, 10);
        b.ok(write(2), WRITTEN, 20, 30);
        b.ok(read(), saw(1), 40, 50);
    });
    assert_eq!(stale, Verdict::NotLinearizable);
}

#[test]
fn register_overlapping_operations_may_take_effect_in_either_order() {
    // Two concurrent writes, each read once: w2, read 2, w1, read 1.
    let lin = register(|b| {
        b.ok(write(1), WRITTEN, 0, 100);
        b.ok(write(2), WRITTEN, 0, 100);
        b.ok(read(), saw(2), 10, 20);
        b.ok(read(), saw(1), 30, 40);
    });
    assert_eq!(lin, Verdict::Linearizable);
    // ... but the register cannot flip back.
    let flip = register(|b| {
        b.ok(write(1), WRITTEN, 0, 100);
        b.ok(write(2), WRITTEN, 0, 100);
        b.ok(read(), saw(2), 10, 20);
        b.ok(read(), saw(1), 30, 40);
        b.ok(read(), saw(2), 50, 60);
    });
    assert_eq!(flip, Verdict::NotLinearizable);
    // Once a long write is seen, its old value cannot come back.
    let back = register(|b| {
        b.ok(write(1), WRITTEN, 0, 100);
        b.ok(read(), UNSET, 10, 20);
        b.ok(read(), saw(1), 30, 40);
        b.ok(read(), UNSET, 50, 60);
    });
    assert_eq!(back, Verdict::NotLinearizable);
}

#[test]
fn register_operations_that_merely_touch_are_concurrent() {
    // The read starts at the instant the write ends: either order is allowed.
    let lin = register(|b| {
        b.ok(write(1), WRITTEN, 0, 10);
        b.ok(read(), UNSET, 10, 20);
    });
    assert_eq!(lin, Verdict::Linearizable);
    let after = register(|b| {
        b.ok(write(1), WRITTEN, 0, 10);
        b.ok(read(), UNSET, 11, 20);
    });
    assert_eq!(after, Verdict::NotLinearizable);
}

#[test]
fn register_failed_operations_did_not_happen() {
    let seen = register(|b| {
        b.ok(write(1), WRITTEN, 0, 10);
        b.fail(write(2), 20, 30);
        b.ok(read(), saw(2), 40, 50);
    });
    assert_eq!(seen, Verdict::NotLinearizable);
    let unseen = register(|b| {
        b.ok(write(1), WRITTEN, 0, 10);
        b.fail(write(2), 20, 30);
        b.ok(read(), saw(1), 40, 50);
    });
    assert_eq!(unseen, Verdict::Linearizable);
}

#[test]
fn register_linearizable_only_if_the_info_write_took_effect() {
    let took_effect = register(|b| {
        b.ok(write(1), WRITTEN, 0, 10);
        b.info(write(2), 20, Some(30));
        b.ok(read(), saw(2), 100, 110);
    });
    assert_eq!(took_effect, Verdict::Linearizable);
    // An info operation stays open forever: it may take effect after its client gave up.
    let late = register(|b| {
        b.ok(write(1), WRITTEN, 0, 10);
        b.info(write(2), 20, Some(30));
        b.ok(read(), saw(1), 40, 50);
        b.ok(read(), saw(2), 60, 70);
    });
    assert_eq!(late, Verdict::Linearizable);
    // ... or never.
    let never = register(|b| {
        b.ok(write(1), WRITTEN, 0, 10);
        b.info(write(2), 20, None);
        b.ok(read(), saw(1), 40, 50);
    });
    assert_eq!(never, Verdict::Linearizable);
    // But not before it was invoked, and nothing wrote 3.
    let early = register(|b| {
        b.ok(write(1), WRITTEN, 0, 10);
        b.ok(read(), saw(2), 12, 15);
        b.info(write(2), 20, None);
    });
    assert_eq!(early, Verdict::NotLinearizable);
    let other = register(|b| {
        b.info(write(2), 20, None);
        b.ok(read(), saw(3), 40, 50);
    });
    assert_eq!(other, Verdict::NotLinearizable);
}

#[test]
fn register_cas_swaps_only_from_the_expected_value() {
    let lin = register(|b| {
        b.ok(write(1), WRITTEN, 0, 10);
        b.ok(cas(1, 2), RegisterOutput::Cas(true), 20, 30);
        b.ok(read(), saw(2), 40, 50);
    });
    assert_eq!(lin, Verdict::Linearizable);
    let wrong_expected = register(|b| {
        b.ok(write(1), WRITTEN, 0, 10);
        b.ok(cas(3, 2), RegisterOutput::Cas(true), 20, 30);
    });
    assert_eq!(wrong_expected, Verdict::NotLinearizable);
    // A cas that reported "not swapped" while the register held the expected value.
    let refused = register(|b| {
        b.ok(write(1), WRITTEN, 0, 10);
        b.ok(cas(1, 2), RegisterOutput::Cas(false), 20, 30);
    });
    assert_eq!(refused, Verdict::NotLinearizable);
    // An info cas may have swapped: needed to explain the read.
    let info = register(|b| {
        b.ok(write(1), WRITTEN, 0, 10);
        b.info(cas(1, 5), 20, Some(25));
        b.ok(read(), saw(5), 40, 50);
    });
    assert_eq!(info, Verdict::Linearizable);
}

#[test]
fn keyed_registers_are_checked_independently() {
    let on = |key: &str, op: RegisterOp| RegisterInput {
        key: Some(key.to_owned()),
        op,
    };
    let mut b = Reg::new();
    b.ok(on("a", RegisterOp::Write(1)), WRITTEN, 0, 10);
    b.ok(on("b", RegisterOp::Write(2)), WRITTEN, 0, 10);
    b.ok(on("a", RegisterOp::Read), saw(1), 20, 30);
    b.ok(on("b", RegisterOp::Read), saw(1), 20, 30);
    let report = check(&CasRegister, &b.history, &Budget::default());
    assert_eq!(report.verdict, Verdict::NotLinearizable);
    let bad = report.violation().unwrap();
    assert_eq!(bad.key, Some("b".to_owned()));
    assert_eq!(bad.ops, vec![OpId(1), OpId(3)]);
}

#[test]
fn register_stale_read_is_explained_by_the_write_it_missed() {
    let mut b = Reg::new();
    let w1 = b.ok(write(1), WRITTEN, 0, 10);
    let w2 = b.ok(write(2), WRITTEN, 20, 30);
    let r = b.ok(read(), saw(1), 40, 50);
    b.ok(read(), saw(1), 60, 70);
    let e = explain(&CasRegister, &b.history, &None, &Budget::default()).unwrap();
    let core: Vec<OpId> = e.ops.iter().map(|op| op.id).collect();
    // The first write may have happened or not; either way the read after the second write
    // cannot see 1. The later read adds nothing and is cut off.
    assert_eq!(core, vec![w2, r]);
    assert_eq!(e.others, vec![w1]);
    assert!(e.minimal);
    assert_eq!(e.ops[0].label, "write 2");
    assert_eq!(e.ops[1].label, "read -> 1");
    assert_eq!(e.key, "the register");
}

// ---- key-value ----

type Kv = Builder<KvModel>;

fn get(k: &str) -> KvInput {
    KvInput::Get { key: k.into() }
}
fn put(k: &str, v: &str) -> KvInput {
    KvInput::Put {
        key: k.into(),
        value: v.into(),
    }
}
fn append(k: &str, v: &str) -> KvInput {
    KvInput::Append {
        key: k.into(),
        value: v.into(),
    }
}
fn value(v: &str) -> KvOutput {
    KvOutput::Value(v.into())
}

fn kv(build: impl FnOnce(&mut Kv)) -> Verdict {
    let mut b = Kv::new();
    build(&mut b);
    verdict(&KvModel, &b)
}

#[test]
fn kv_missing_key_reads_empty_and_put_replaces() {
    let lin = kv(|b| {
        b.ok(get("k"), value(""), 0, 5);
        b.ok(append("k", "a"), KvOutput::Done, 10, 15);
        b.ok(put("k", "p"), KvOutput::Done, 20, 25);
        b.ok(append("k", "b"), KvOutput::Done, 30, 35);
        b.ok(get("k"), value("pb"), 40, 45);
    });
    assert_eq!(lin, Verdict::Linearizable);
    let lost_put = kv(|b| {
        b.ok(append("k", "a"), KvOutput::Done, 10, 15);
        b.ok(put("k", "p"), KvOutput::Done, 20, 25);
        b.ok(get("k"), value("a"), 40, 45);
    });
    assert_eq!(lost_put, Verdict::NotLinearizable);
}

#[test]
fn kv_concurrent_appends_in_one_order_for_everyone() {
    let lin = kv(|b| {
        b.ok(append("k", "a"), KvOutput::Done, 0, 50);
        b.ok(append("k", "b"), KvOutput::Done, 0, 50);
        b.ok(get("k"), value("ba"), 60, 70);
        b.ok(get("k"), value("ba"), 60, 70);
    });
    assert_eq!(lin, Verdict::Linearizable);
    let split = kv(|b| {
        b.ok(append("k", "a"), KvOutput::Done, 0, 50);
        b.ok(append("k", "b"), KvOutput::Done, 0, 50);
        b.ok(get("k"), value("ab"), 60, 70);
        b.ok(get("k"), value("ba"), 60, 70);
    });
    assert_eq!(split, Verdict::NotLinearizable);
}

#[test]
fn kv_fail_and_info_appends() {
    let failed_but_seen = kv(|b| {
        b.ok(append("k", "a"), KvOutput::Done, 0, 10);
        b.fail(append("k", "b"), 20, 30);
        b.ok(get("k"), value("ab"), 40, 50);
    });
    assert_eq!(failed_but_seen, Verdict::NotLinearizable);
    let info_seen = kv(|b| {
        b.ok(append("k", "a"), KvOutput::Done, 0, 10);
        b.info(append("k", "b"), 20, Some(30));
        b.ok(get("k"), value("ab"), 40, 50);
    });
    assert_eq!(info_seen, Verdict::Linearizable);
    // An info append completes nothing, so it cannot come before an append that completed
    // before it was invoked.
    let info_first = kv(|b| {
        b.ok(append("k", "a"), KvOutput::Done, 0, 10);
        b.info(append("k", "b"), 20, Some(30));
        b.ok(get("k"), value("ba"), 40, 50);
    });
    assert_eq!(info_first, Verdict::NotLinearizable);
    // An info get constrains nothing.
    let info_get = kv(|b| {
        b.ok(append("k", "a"), KvOutput::Done, 0, 10);
        b.info(get("k"), 20, None);
    });
    assert_eq!(info_get, Verdict::Linearizable);
}

#[test]
fn kv_keys_are_separate_partitions() {
    let mut b = Kv::new();
    b.ok(append("x", "1"), KvOutput::Done, 0, 10);
    b.ok(get("y"), value(""), 20, 30);
    b.ok(get("x"), value("1"), 20, 30);
    let report = check(&KvModel, &b.history, &Budget::default());
    assert_eq!(report.verdict, Verdict::Linearizable);
    let keys: Vec<&str> = report.partitions.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["x", "y"]);
}

// ---- set ----

type Set = Builder<SetModel>;

fn seen(xs: &[i64]) -> SetOutput {
    SetOutput::Read(xs.iter().copied().collect())
}

fn set(build: impl FnOnce(&mut Set)) -> Verdict {
    let mut b = Set::new();
    build(&mut b);
    verdict(&SetModel, &b)
}

#[test]
fn set_info_add_may_or_may_not_be_seen() {
    for (read, expected) in [
        (vec![1, 2], Verdict::Linearizable),
        (vec![1], Verdict::Linearizable),
        (vec![2], Verdict::NotLinearizable),
        (vec![1, 3], Verdict::NotLinearizable),
    ] {
        let v = set(|b| {
            b.ok(SetInput::Add(1), SetOutput::Added, 0, 10);
            b.info(SetInput::Add(2), 5, None);
            b.ok(SetInput::Read, seen(&read), 20, 30);
        });
        assert_eq!(v, expected, "read {read:?}");
    }
}

#[test]
fn set_elements_do_not_disappear() {
    let gone = set(|b| {
        b.ok(SetInput::Add(1), SetOutput::Added, 0, 100);
        b.ok(SetInput::Read, seen(&[]), 10, 20);
        b.ok(SetInput::Read, seen(&[1]), 30, 40);
        b.ok(SetInput::Read, seen(&[]), 50, 60);
    });
    assert_eq!(gone, Verdict::NotLinearizable);
    let failed = set(|b| {
        b.fail(SetInput::Add(1), 0, 10);
        b.ok(SetInput::Read, seen(&[1]), 20, 30);
    });
    assert_eq!(failed, Verdict::NotLinearizable);
    let concurrent = set(|b| {
        b.ok(SetInput::Add(1), SetOutput::Added, 0, 100);
        b.ok(SetInput::Add(2), SetOutput::Added, 0, 100);
        b.ok(SetInput::Read, seen(&[2]), 10, 20);
        b.ok(SetInput::Read, seen(&[1, 2]), 30, 40);
    });
    assert_eq!(concurrent, Verdict::Linearizable);
}

#[test]
fn budgets_answer_unknown_never_a_guess() {
    let mut b = Reg::new();
    for i in 0..6 {
        b.ok(write(i), WRITTEN, 0, 100);
    }
    b.ok(read(), saw(9), 200, 210);
    let report = check(&CasRegister, &b.history, &Budget::steps(5));
    assert_eq!(report.verdict, Verdict::Unknown);
    assert_eq!(report.exhausted, Some(sim_core::history::Exhausted::Steps));
    assert!(report.steps <= 5);
    let full = check(&CasRegister, &b.history, &Budget::default());
    assert_eq!(full.verdict, Verdict::NotLinearizable);
}
