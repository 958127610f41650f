//! Storage faults on one disk: what the node reads, checked and unchecked, before and after a
//! crash.

use super::*;
use crate::{Duration, Time};

const K: DiskKey = DiskKey("log", 1);
const L: DiskKey = DiskKey("log", 2);

fn synced(pairs: &[(DiskKey, u64)]) -> Disk<u64> {
    let mut d = Disk::default();
    for (k, v) in pairs {
        d.put(*k, *v);
    }
    d.sync();
    d
}

#[test]
fn corruption_is_read_unchecked_and_caught_by_the_checksum() {
    let mut d = synced(&[(K, 10), (L, 20)]);
    d.corrupt(K, 4);
    assert_ne!(
        d.get(K),
        Some(&10),
        "an unchecked read sees the damaged bytes"
    );
    assert_eq!(d.read(K), Err(Damage::Corrupt));
    assert_eq!(d.read(L), Ok(Some(&20)));
    let checked: Vec<bool> = d.read_range("log").map(|(_, r)| r.is_ok()).collect();
    assert_eq!(checked, [false, true]);
    // An unsynced rewrite hides the damage until a crash takes the rewrite back.
    d.put(K, 11);
    assert_eq!(d.read(K), Ok(Some(&11)));
    d.crash();
    assert_eq!(d.read(K), Err(Damage::Corrupt));
    // A synced rewrite repairs it for good.
    d.put(K, 12);
    d.sync();
    d.crash();
    assert_eq!(d.read(K), Ok(Some(&12)));
    assert!(d.damaged().is_empty());
}

#[test]
fn damage_to_an_unsynced_write_goes_with_it_at_a_crash() {
    let mut d = synced(&[(K, 10)]);
    d.put(K, 11);
    d.corrupt(K, 1);
    assert_eq!(d.read(K), Err(Damage::Corrupt));
    d.crash();
    assert_eq!(d.read(K), Ok(Some(&10)));
}

#[test]
fn a_lost_write_shows_only_after_the_next_crash() {
    let mut d = synced(&[(K, 10)]);
    d.arm(false, 0);
    d.put(K, 11);
    d.put(L, 21);
    d.sync();
    assert_eq!(
        d.read(K),
        Ok(Some(&11)),
        "the node sees its write until it crashes"
    );
    assert_eq!(d.damaged(), [(K, Damage::LostWrite)]);
    d.crash();
    assert_eq!(
        d.read(K),
        Ok(Some(&10)),
        "no checksum can tell: the old record is intact"
    );
    assert_eq!(d.read(L), Ok(Some(&21)), "only the armed write was lost");
}

#[test]
fn a_lost_write_rewritten_durably_is_moot() {
    let mut d = synced(&[(K, 10)]);
    d.arm(false, 0);
    d.put(K, 11);
    d.put(K, 12);
    d.sync();
    d.crash();
    assert_eq!(d.read(K), Ok(Some(&12)));
    // A lost write never synced is just an unsynced write.
    d.arm(false, 0);
    d.put(K, 13);
    d.crash();
    assert_eq!(d.read(K), Ok(Some(&12)));
}

#[test]
fn a_misdirected_write_overwrites_another_record_and_keeps_the_old_one() {
    let mut d = synced(&[(K, 10), (L, 20)]);
    d.arm(true, 0);
    d.put(K, 11);
    d.sync();
    assert_eq!(d.get(K), Some(&11));
    d.crash();
    assert_eq!(d.read(K), Ok(Some(&10)));
    assert_eq!(
        d.get(L),
        Some(&11),
        "the write landed under the other record"
    );
    assert_eq!(d.read(L), Err(Damage::Misdirected { meant: K }));
}

#[test]
fn an_unreadable_record_reads_as_absent_unchecked() {
    let mut d = synced(&[(K, 10), (L, 20)]);
    d.make_unreadable(K);
    assert_eq!(d.get(K), None);
    assert_eq!(d.read(K), Err(Damage::Unreadable));
    assert_eq!(d.range("log").map(|(i, _)| i).collect::<Vec<_>>(), [2]);
}

#[test]
fn a_crash_inside_a_sync_keeps_a_prefix_and_tears_the_next_write() {
    let mut d: Disk<u64> = Disk {
        now: Time(1_000),
        ..Disk::default()
    };
    for (i, v) in [(1, 10), (2, 20), (3, 30)] {
        d.put(DiskKey("log", i), v);
    }
    d.sync();
    let takes = Duration(500);
    assert_eq!(d.tear(Time(1_600), takes, 1, 0), None, "the sync was over");
    let torn = d.tear(Time(1_200), takes, 1, 0).expect("inside the sync");
    assert_eq!(torn.torn, Some(DiskKey("log", 2)));
    assert_eq!((torn.kept, torn.of, torn.began), (1, 3, Time(1_000)));
    d.crash();
    assert_eq!(d.read(DiskKey("log", 1)), Ok(Some(&10)));
    assert_eq!(d.read(DiskKey("log", 2)), Err(Damage::Torn));
    assert_eq!(d.read(DiskKey("log", 3)), Ok(None));
}

#[test]
fn tampering_passes_every_check_but_is_listed() {
    let mut d = synced(&[(K, 10)]);
    d.tamper(K, 3);
    let now = d.read(K).expect("a tampered record passes its checksum");
    assert_ne!(now, Some(&10));
    assert_eq!(d.damaged(), [(K, Damage::Tampered)]);
}

#[test]
fn picks_a_record_by_name_and_draw() {
    let d = synced(&[(DiskKey("a", 0), 1), (K, 10), (L, 20)]);
    assert_eq!(d.pick(Some("log"), 0), Some(K));
    assert_eq!(d.pick(Some("log"), 3), Some(L));
    assert_eq!(d.pick(None, 0), Some(DiskKey("a", 0)));
    assert_eq!(d.pick(Some("vote"), 0), None);
}

#[test]
fn a_lost_write_over_a_damaged_record_leaves_the_damage_on_the_medium() {
    for misdirect in [false, true] {
        let mut d = synced(&[(K, 10), (L, 20)]);
        d.corrupt(K, 4);
        d.arm(misdirect, 0);
        d.put(K, 11);
        d.sync();
        assert_eq!(d.read(K), Ok(Some(&11)), "the node sees its write");
        d.crash();
        // The medium still holds the damaged bytes, and they still fail their checksum.
        assert_eq!(d.read(K), Err(Damage::Corrupt), "misdirected: {misdirect}");
    }
}

/// K and L synced, L then corrupted, and a sync under way at t=2000 that rewrites K and L (and
/// writes the record `more`, if given).
fn rewriting_a_damaged_record(more: Option<DiskKey>) -> Disk<u64> {
    let mut d: Disk<u64> = Disk {
        now: Time(1_000),
        ..Disk::default()
    };
    d.put(K, 10);
    d.put(L, 20);
    d.sync();
    d.corrupt(L, 4);
    d.now = Time(2_000);
    d.put(K, 11);
    d.put(L, 21);
    if let Some(key) = more {
        d.put(key, 30);
    }
    d.sync();
    d
}

#[test]
fn a_torn_sync_that_takes_back_a_rewrite_of_a_damaged_record_brings_the_damage_back() {
    // The first write persists, the second is torn, and nothing follows it.
    let mut d = rewriting_a_damaged_record(None);
    let torn = d
        .tear(Time(2_100), Duration(500), 1, 0)
        .expect("inside the sync");
    assert_eq!(torn.torn, Some(L));
    d.crash();
    assert_eq!(d.read(K), Ok(Some(&11)));
    assert_eq!(d.read(L), Err(Damage::Torn));
    // Torn at its first write: the damaged record is back as the medium held it.
    let mut d = rewriting_a_damaged_record(Some(DiskKey("log", 3)));
    d.tear(Time(2_100), Duration(500), 0, 0)
        .expect("inside the sync");
    d.crash();
    assert_eq!(
        d.read(L),
        Err(Damage::Corrupt),
        "the rewrite never happened"
    );
}
