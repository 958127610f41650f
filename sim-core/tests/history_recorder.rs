//! Recording histories: what a simulated client may and may not do.

use sim_core::Time;
use sim_core::history::{Completion, History, HistoryError, OpId, ProcessId, Recorder};

const P0: ProcessId = ProcessId(0);
const P1: ProcessId = ProcessId(1);

#[test]
fn completed_ops_keep_their_interval_and_open_ops_become_info() {
    let mut r: Recorder<&str, u32> = Recorder::new();
    let a = r.invoke(P0, "read", Time(10)).unwrap();
    let b = r.invoke(P1, "write", Time(12)).unwrap();
    r.complete(a, Completion::Ok(7), Time(20)).unwrap();
    assert_eq!(r.open_ops(), 1);
    let h = r.finish();
    assert_eq!(h.len(), 2);
    let read = h.get(a.0).unwrap();
    assert_eq!(
        (read.process, read.invoked, read.completed),
        (P0, Time(10), Some(Time(20)))
    );
    assert_eq!(read.completion, Completion::Ok(7));
    let write = h.get(b.0).unwrap();
    assert_eq!(write.completion, Completion::Info);
    assert_eq!(write.completed, None);
    assert_eq!(write.deadline(), None);
}

#[test]
fn a_process_runs_one_operation_at_a_time() {
    let mut r: Recorder<&str, ()> = Recorder::new();
    let a = r.invoke(P0, "x", Time(1)).unwrap();
    let err = r.invoke(P0, "y", Time(2)).unwrap_err();
    assert_eq!(
        err,
        HistoryError::ProcessBusy {
            process: P0,
            open: a.0,
            at: Time(2)
        }
    );
    // An info completion frees the process: Jepsen gives up on the operation, not on the
    // client.
    r.complete(a, Completion::Info, Time(3)).unwrap();
    assert!(r.invoke(P0, "y", Time(4)).is_ok());
}

#[test]
fn completions_are_checked() {
    let mut r: Recorder<&str, ()> = Recorder::new();
    let a = r.invoke(P0, "x", Time(5)).unwrap();
    assert!(matches!(
        r.complete(a, Completion::Ok(()), Time(4)),
        Err(HistoryError::CompletedBeforeInvoked { .. })
    ));
    r.complete(a, Completion::Fail, Time(5)).unwrap();
    assert_eq!(
        r.complete(a, Completion::Ok(()), Time(6)),
        Err(HistoryError::AlreadyCompleted { op: a.0 })
    );
    let bogus = sim_core::history::OpHandle(OpId(9));
    assert_eq!(
        r.complete(bogus, Completion::Ok(()), Time(6)),
        Err(HistoryError::UnknownOp { op: OpId(9) })
    );
}

#[test]
fn pushed_operations_are_validated() {
    let mut h: History<&str, ()> = History::new();
    assert!(matches!(
        h.push(P0, "x", Completion::Ok(()), Time(1), None),
        Err(HistoryError::MissingCompletion { kind: "ok", .. })
    ));
    assert!(matches!(
        h.push(P0, "x", Completion::Fail, Time(5), Some(Time(4))),
        Err(HistoryError::CompletedBeforeInvoked { .. })
    ));
    assert!(h.is_empty());
    assert_eq!(
        h.push(P0, "x", Completion::Info, Time(1), None),
        Ok(OpId(0))
    );
    assert_eq!(
        h.push(P0, "y", Completion::Ok(()), Time(2), Some(Time(2))),
        Ok(OpId(1))
    );
}

#[test]
fn a_history_survives_serialization_for_the_front_end() {
    let mut r: Recorder<String, i64> = Recorder::new();
    let a = r.invoke(P1, "read".into(), Time(3)).unwrap();
    r.complete(a, Completion::Ok(4), Time(9)).unwrap();
    r.invoke(P0, "write".into(), Time(5)).unwrap();
    let h = r.finish();
    let json = serde_json::to_string(&h).unwrap();
    let back: History<String, i64> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, h);
}
