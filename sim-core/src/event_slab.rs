//! Where queued events wait while the heap orders their keys: a vector of cells, the free ones
//! linked into a list.
//!
//! The `slab` crate does the same, but it offers no way to name a cell without reading it: its
//! indexing checks that the cell is occupied. The engine asks for the next event's cell before
//! it needs it ([`EventSlab::cell`] and a prefetch), and on a large queue that check was a
//! cache miss waited for in full, a fifth of the time of a 100,000-node PHOLD run.

/// One cell: an event, or the next free cell.
#[derive(Clone, Debug)]
pub(crate) enum Cell<E> {
    Free(u32),
    Taken(E),
}

/// The cells, and the head of the free list ([`NONE`] when every cell is taken).
#[derive(Clone, Debug)]
pub(crate) struct EventSlab<E> {
    cells: Vec<Cell<E>>,
    free: u32,
}

/// The end of the free list.
const NONE: u32 = u32::MAX;

impl<E> EventSlab<E> {
    pub(crate) fn new() -> Self {
        EventSlab {
            cells: Vec::new(),
            free: NONE,
        }
    }

    /// Stores `event` and returns its cell's number.
    #[inline]
    pub(crate) fn insert(&mut self, event: E) -> u32 {
        if self.free == NONE {
            // The queue-length limit (far below 2^32) keeps cell numbers in range.
            let at = self.cells.len() as u32;
            self.cells.push(Cell::Taken(event));
            return at;
        }
        let at = self.free;
        let cell = &mut self.cells[at as usize];
        self.free = match cell {
            Cell::Free(next) => *next,
            Cell::Taken(_) => unreachable!("a free-list cell holds an event"),
        };
        *cell = Cell::Taken(event);
        at
    }

    /// Takes the event out of cell `at`.
    #[inline]
    pub(crate) fn remove(&mut self, at: u32) -> E {
        let cell = std::mem::replace(&mut self.cells[at as usize], Cell::Free(self.free));
        self.free = at;
        match cell {
            Cell::Taken(event) => event,
            Cell::Free(_) => unreachable!("removed an empty cell"),
        }
    }

    /// The event in cell `at`.
    #[inline]
    pub(crate) fn get(&self, at: u32) -> &E {
        match &self.cells[at as usize] {
            Cell::Taken(event) => event,
            Cell::Free(_) => unreachable!("read an empty cell"),
        }
    }

    /// Cell `at` itself, for a prefetch: naming it reads nothing from it.
    #[inline]
    pub(crate) fn cell(&self, at: u32) -> Option<&Cell<E>> {
        self.cells.get(at as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freed_cells_are_reused_and_events_stay_put() {
        let mut slab = EventSlab::new();
        let a = slab.insert("a");
        let b = slab.insert("b");
        let c = slab.insert("c");
        assert_eq!(slab.remove(b), "b");
        let d = slab.insert("d");
        assert_eq!(d, b, "the freed cell is taken first");
        assert_eq!((slab.get(a), slab.get(c), slab.get(d)), (&"a", &"c", &"d"));
        assert_eq!(slab.remove(a), "a");
        assert_eq!(slab.remove(c), "c");
        assert_eq!(slab.insert("e"), c);
        assert_eq!(slab.insert("f"), a);
        assert_eq!(
            slab.insert("g"),
            3,
            "a new cell once the free list is empty"
        );
    }
}
