//! Coverage: how many explored seeds reached each kind of milestone (a leader elected, an entry
//! committed, a broadcast delivered).
//!
//! An exploration that finds no failure proves little if its runs never did the work the
//! checks judge: a file whose clusters never elect a leader passes every safety check
//! trivially. Model checkers call these "sometimes" properties; here each protocol names the
//! marks a meaningful run reaches ([`crate::registry::Capabilities::marks`]), and a file none of
//! whose seeds reaches one of them is flagged.

use sim_core::{MarkCounts, MarkKind};

/// Per mark kind, the number of seeds whose run recorded at least one such mark.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    seeds: u64,
    reached: [u64; MarkKind::ALL.len()],
}

impl Coverage {
    /// Counts one seed's run by the marks it recorded.
    pub fn add(&mut self, marks: &MarkCounts) {
        self.seeds += 1;
        for (slot, kind) in MarkKind::ALL.into_iter().enumerate() {
            if marks.get(kind) > 0 {
                self.reached[slot] += 1;
            }
        }
    }

    /// How many seeds were counted.
    pub fn seeds(&self) -> u64 {
        self.seeds
    }

    /// How many seeds reached `kind`.
    pub fn reached(&self, kind: MarkKind) -> u64 {
        MarkKind::ALL
            .into_iter()
            .position(|k| k == kind)
            .map_or(0, |slot| self.reached[slot])
    }

    /// Adds the counts of another part of the same exploration (another shard's seeds).
    pub fn absorb(&mut self, other: &Coverage) {
        self.seeds += other.seeds;
        for (mine, theirs) in self.reached.iter_mut().zip(other.reached) {
            *mine += theirs;
        }
    }

    /// The counts by mark name, for a shard's findings file.
    pub fn by_name(&self) -> std::collections::BTreeMap<String, u64> {
        MarkKind::ALL
            .into_iter()
            .map(|k| (k.name().to_string(), self.reached(k)))
            .collect()
    }

    /// Counts read back from [`Coverage::by_name`]; an unknown mark name is an error.
    pub fn from_names(
        seeds: u64,
        names: &std::collections::BTreeMap<String, u64>,
    ) -> Result<Coverage, String> {
        let mut c = Coverage {
            seeds,
            ..Coverage::default()
        };
        for (name, n) in names {
            let slot = MarkKind::ALL
                .into_iter()
                .position(|k| k.name() == name)
                .ok_or_else(|| format!("unknown mark \"{name}\""))?;
            c.reached[slot] = *n;
        }
        Ok(c)
    }

    /// The kinds of `expected` that no seed reached, in the order given.
    pub fn missing(&self, expected: &[MarkKind]) -> Vec<MarkKind> {
        if self.seeds == 0 {
            return Vec::new();
        }
        expected
            .iter()
            .copied()
            .filter(|&k| self.reached(k) == 0)
            .collect()
    }

    /// One line for the report: `elected 98/100, committed 97/100`, listing the expected kinds
    /// first and then any other kind that was reached.
    pub fn summary(&self, expected: &[MarkKind]) -> String {
        let others = MarkKind::ALL
            .into_iter()
            .filter(|k| !expected.contains(k) && self.reached(*k) > 0);
        let parts: Vec<String> = expected
            .iter()
            .copied()
            .chain(others)
            .map(|k| format!("{} {}/{}", k.name(), self.reached(k), self.seeds))
            .collect();
        if parts.is_empty() {
            "no marks recorded".to_string()
        } else {
            parts.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(kinds: &[MarkKind]) -> MarkCounts {
        let mut c = MarkCounts::default();
        for &k in kinds {
            c.add(k);
        }
        c
    }

    #[test]
    fn counts_seeds_not_marks_and_names_what_no_seed_reached() {
        let mut cov = Coverage::default();
        assert!(
            cov.missing(&[MarkKind::Elected]).is_empty(),
            "no seeds, no verdict"
        );
        cov.add(&counts(&[
            MarkKind::Elected,
            MarkKind::Elected,
            MarkKind::Snapshot,
        ]));
        cov.add(&counts(&[MarkKind::Elected]));
        cov.add(&counts(&[]));
        let expected = [MarkKind::Elected, MarkKind::Committed];
        assert_eq!(cov.seeds(), 3);
        assert_eq!(cov.reached(MarkKind::Elected), 2);
        assert_eq!(cov.missing(&expected), vec![MarkKind::Committed]);
        assert_eq!(
            cov.summary(&expected),
            "elected 2/3, committed 0/3, snapshot 1/3"
        );
    }

    #[test]
    fn a_protocol_without_expected_marks_still_reports_what_was_reached() {
        let mut cov = Coverage::default();
        cov.add(&counts(&[]));
        assert_eq!(cov.summary(&[]), "no marks recorded");
        assert!(cov.missing(&[]).is_empty());
        cov.add(&counts(&[MarkKind::Delivered]));
        assert_eq!(cov.summary(&[]), "delivered 1/2");
    }
}
