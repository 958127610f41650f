//! `--shard I/N`: this machine's share of a sweep, so that N machines (or a job array) split
//! one sweep and `clustersim merge` joins their outputs.

use super::grid::Job;

/// Shard `index` of `count`; shards are numbered from 0 (`--shard 0/3`, `1/3`, `2/3`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This shard.
    pub index: u64,
    /// How many shards.
    pub count: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || {
            format!(
                "--shard {s}: expected I/N with 0 <= I < N, such as 0/4 (shards are numbered from 0)"
            )
        };
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u64, u64) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Every `count`-th job, starting at `index`: the same jobs on every machine, and shards
    /// of similar cost whatever the grid's shape.
    pub fn select(&self, jobs: Vec<Job>) -> Vec<Job> {
        jobs.into_iter()
            .filter(|j| j.index % self.count == self.index)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::grid::jobs;

    #[test]
    fn shards_partition_the_jobs() {
        let all = jobs(3, &[1, 2, 3, 4]);
        let mut seen: Vec<u64> = Vec::new();
        for i in 0..3 {
            let s: Shard = format!("{i}/3").parse().unwrap();
            seen.extend(s.select(all.clone()).iter().map(|j| j.index));
        }
        seen.sort();
        assert_eq!(seen, (0..12).collect::<Vec<_>>());
        assert!("3/3".parse::<Shard>().is_err());
        assert!("0/0".parse::<Shard>().is_err());
        assert!("a/b".parse::<Shard>().is_err());
    }
}
