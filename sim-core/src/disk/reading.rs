//! How a restarting node reads its disk back. Protocol-aware recovery checks every record and
//! deals with the damage it finds; the two classic mistakes either drop what fails its check
//! as if it had never been written, or do not check at all. Protocols name these three ways
//! with one type, and read through [`Disk::read_as`] and [`Disk::read_range_as`].

use super::{Damage, Disk, DiskKey};

/// A way of reading a disk back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// Check every record and report the damage (the correct node).
    Checked,
    /// Check every record, and forget the ones that fail, as if never written (the naive
    /// recovery that loses committed data).
    Forgetful,
    /// Check nothing: take whatever the bytes now say (damaged records read as damaged).
    Unchecked,
}

impl<R: Clone> Disk<R> {
    /// The record under `key`, read as `how` says: `Err` only when checking found damage.
    pub fn read_as(&self, key: DiskKey, how: Reading) -> Result<Option<&R>, Damage> {
        match how {
            Reading::Unchecked => Ok(self.get(key)),
            Reading::Checked | Reading::Forgetful => self.read(key),
        }
    }

    /// Every record named `name`, in index order, read as `how` says. Unchecked, an
    /// unreadable record is simply absent, as [`Disk::range`] has it.
    pub fn read_range_as(
        &self,
        name: &'static str,
        how: Reading,
    ) -> Vec<(u64, Result<&R, Damage>)> {
        match how {
            Reading::Unchecked => self.range(name).map(|(i, r)| (i, Ok(r))).collect(),
            Reading::Checked | Reading::Forgetful => self.read_range(name).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K: DiskKey = DiskKey("log", 1);
    const L: DiskKey = DiskKey("log", 2);

    #[test]
    fn each_reading_sees_damage_its_own_way() {
        let mut d: Disk<u64> = Disk::default();
        d.put(K, 10);
        d.put(L, 20);
        d.sync();
        d.corrupt(K, 4);
        d.make_unreadable(L);
        for how in [Reading::Checked, Reading::Forgetful] {
            assert_eq!(d.read_as(K, how), Err(Damage::Corrupt));
            let all: Vec<_> = d.read_range_as("log", how);
            assert_eq!(
                all,
                vec![(1, Err(Damage::Corrupt)), (2, Err(Damage::Unreadable))]
            );
        }
        let damaged = d.read_as(K, Reading::Unchecked).unwrap().copied();
        assert!(damaged.is_some_and(|v| v != 10), "the damaged bytes, taken");
        assert_eq!(d.read_as(L, Reading::Unchecked), Ok(None));
        let unchecked: Vec<u64> = d
            .read_range_as("log", Reading::Unchecked)
            .into_iter()
            .map(|(i, _)| i)
            .collect();
        assert_eq!(unchecked, vec![1], "an unreadable record is absent");
    }
}
