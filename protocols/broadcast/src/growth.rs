//! How the per-node vectors of a broadcast node grow: a million nodes each hold a few
//! entries, and the standard doubling would leave up to half of every vector empty.

/// Makes room for one more element: room for four at first, as a vector's first allocation
/// has, then a quarter more each time instead of twice as much. A node's vectors mostly stay
/// small, and doubling would leave up to half of each empty; growing one at a time would
/// reallocate at every delivery.
pub(crate) fn grow_gently<T>(v: &mut Vec<T>) {
    if v.len() == v.capacity() {
        v.reserve_exact(if v.len() < 4 {
            4 - v.len()
        } else {
            v.len() / 4
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_starts_at_four_then_is_by_a_quarter() {
        let mut v: Vec<u8> = Vec::new();
        let mut capacities = Vec::new();
        for i in 0..12 {
            grow_gently(&mut v);
            v.push(i);
            capacities.push(v.capacity());
        }
        assert_eq!(capacities, [4, 4, 4, 4, 5, 6, 7, 8, 10, 10, 12, 12]);
    }
}
