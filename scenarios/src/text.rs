//! Small pieces of wording shared by every report: counts with their nouns, and numbers as
//! the metrics table shows them.

/// `1 seed`, `2 seeds`: a count and its noun, plural when it is not one.
pub fn count(n: impl Into<u64>, thing: &str) -> String {
    match n.into() {
        1 => format!("1 {thing}"),
        n => format!("{n} {thing}s"),
    }
}

/// A number as reports show it: whole numbers without decimals, others with three.
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_numbers_read_as_people_write_them() {
        assert_eq!(count(1u32, "seed"), "1 seed");
        assert_eq!(count(0u32, "seed"), "0 seeds");
        assert_eq!(count(3u64, "server"), "3 servers");
        assert_eq!(number(42.444444444444), "42.444");
        assert_eq!(number(7.0), "7");
    }
}
