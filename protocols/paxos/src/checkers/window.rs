//! What a checker remembers per slot, bounded.

use super::MAX_TRACKED_SLOTS;
use std::collections::BTreeMap;

/// Per-slot memory that forgets its oldest slots past a capacity, so that a long run's
/// checking memory stays bounded (a slot that old is long settled). A checker records what an
/// event showed, then calls [`SlotWindow::trim`] once the event is judged; and it can ask
/// whether a slot it finds no record of was forgotten rather than never seen.
#[derive(Clone, Debug)]
pub(crate) struct SlotWindow<T> {
    slots: BTreeMap<u64, T>,
    capacity: usize,
    /// The highest slot trimmed away, if any.
    forgot_upto: Option<u64>,
}

/// The window every checker keeps: [`MAX_TRACKED_SLOTS`] slots.
impl<T> Default for SlotWindow<T> {
    fn default() -> Self {
        SlotWindow::new(MAX_TRACKED_SLOTS)
    }
}

impl<T> SlotWindow<T> {
    /// A window remembering at most `capacity` slots between trims.
    pub(crate) fn new(capacity: usize) -> Self {
        SlotWindow {
            slots: BTreeMap::new(),
            capacity,
            forgot_upto: None,
        }
    }

    /// What is remembered of `slot`.
    pub(crate) fn get(&self, slot: u64) -> Option<&T> {
        self.slots.get(&slot)
    }

    /// What is remembered of `slot`, made empty first if nothing was.
    pub(crate) fn entry(&mut self, slot: u64) -> &mut T
    where
        T: Default,
    {
        self.slots.entry(slot).or_default()
    }

    /// Whether `slot` lies at or below a slot already trimmed away: the window cannot tell
    /// what happened there.
    pub(crate) fn forgot(&self, slot: u64) -> bool {
        self.forgot_upto.is_some_and(|upto| slot <= upto)
    }

    /// Forgets the oldest slots until at most `capacity` are left.
    pub(crate) fn trim(&mut self) {
        while self.slots.len() > self.capacity {
            if let Some((slot, _)) = self.slots.pop_first() {
                self.forgot_upto = Some(slot);
            }
        }
    }

    /// How many slots are remembered now.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.slots.len()
    }
}

#[cfg(test)]
mod tests {
    use super::SlotWindow;

    fn filled(capacity: usize, slots: std::ops::Range<u64>) -> SlotWindow<u64> {
        let mut w = SlotWindow::new(capacity);
        for s in slots {
            *w.entry(s) = s * 10;
        }
        w
    }

    #[test]
    fn a_trim_keeps_exactly_the_newest_capacity_slots() {
        let mut w = filled(4, 0..9);
        assert_eq!(w.len(), 9, "nothing is forgotten before a trim");
        w.trim();
        assert_eq!(w.len(), 4);
        assert_eq!(w.get(4), None);
        for s in 5..9 {
            assert_eq!(
                w.get(s),
                Some(&(s * 10)),
                "slot {s} is among the newest four"
            );
        }
    }

    #[test]
    fn a_window_at_its_capacity_forgets_nothing() {
        let mut w = filled(4, 10..14);
        w.trim();
        assert_eq!(w.len(), 4);
        assert_eq!(w.get(10), Some(&100));
        assert!(!w.forgot(10));
        assert!(
            !w.forgot(3),
            "a slot below every record was never seen, not forgotten"
        );
    }

    #[test]
    fn only_slots_at_or_below_the_last_trimmed_one_count_as_forgotten() {
        let mut w = filled(2, 0..5);
        assert!(!w.forgot(0), "nothing is forgotten before a trim");
        w.trim();
        assert!(w.forgot(0));
        assert!(w.forgot(2), "the last slot trimmed");
        assert!(!w.forgot(3), "kept");
        assert!(!w.forgot(7), "never seen, above the window");
        *w.entry(9) = 90;
        w.trim();
        assert!(w.forgot(3));
        assert!(!w.forgot(4));
    }

    #[test]
    fn an_entry_keeps_what_was_recorded_in_its_slot() {
        let mut w: SlotWindow<Vec<u64>> = SlotWindow::new(8);
        w.entry(3).push(1);
        w.entry(3).push(2);
        assert_eq!(w.get(3), Some(&vec![1, 2]));
        assert_eq!(w.get(4), None);
    }
}
