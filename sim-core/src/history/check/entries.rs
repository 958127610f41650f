//! The time-ordered list of call and return entries the search walks, as a doubly linked
//! list over arrays so that taking an operation out and putting it back are constant-time.

use super::search::{Role, SearchOp};
use crate::Time;
use crate::history::Model;

/// Marks the end of the entry list.
pub(super) const NIL: u32 = u32::MAX;
/// The list's head sentinel.
pub(super) const HEAD: u32 = 0;

/// The doubly linked list of call and return entries, with removal and exact restoration
/// (a removed entry keeps its links, so undoing removals in reverse order restores the list).
pub(super) struct Entries {
    pub(super) next: Vec<u32>,
    pub(super) prev: Vec<u32>,
    /// For each entry (index 0 is the head): its operation, and whether it is a call.
    pub(super) op: Vec<u32>,
    pub(super) is_call: Vec<bool>,
    /// For each operation: its call and return entries.
    pub(super) call_of: Vec<u32>,
    pub(super) ret_of: Vec<u32>,
}

impl Entries {
    pub(super) fn new<M: Model>(ops: &[SearchOp<'_, M>]) -> Entries {
        // (time, rank, op): calls before returns at the same instant, so that operations that
        // merely touch are concurrent; open operations return after everything.
        let mut events: Vec<(Time, u8, u32)> = Vec::with_capacity(2 * ops.len());
        for (i, op) in ops.iter().enumerate() {
            let i = i as u32;
            events.push((op.invoked, 0, i));
            match op.role {
                Role::Open => events.push((Time::MAX, 2, i)),
                Role::Required | Role::Relaxed => events.push((op.deadline, 1, i)),
            }
        }
        events.sort_unstable();
        let len = events.len() + 1;
        let mut e = Entries {
            next: (1..=len as u32).collect(),
            prev: Vec::with_capacity(len),
            op: Vec::with_capacity(len),
            is_call: Vec::with_capacity(len),
            call_of: vec![0; ops.len()],
            ret_of: vec![0; ops.len()],
        };
        e.next[len - 1] = NIL;
        e.prev.push(NIL);
        e.op.push(NIL);
        e.is_call.push(false);
        for (idx, &(_, rank, op)) in events.iter().enumerate() {
            let node = idx as u32 + 1;
            e.prev.push(node - 1);
            e.op.push(op);
            e.is_call.push(rank == 0);
            if rank == 0 {
                e.call_of[op as usize] = node;
            } else {
                e.ret_of[op as usize] = node;
            }
        }
        e
    }

    fn unlink(&mut self, node: u32) {
        let (p, n) = (self.prev[node as usize], self.next[node as usize]);
        self.next[p as usize] = n;
        if n != NIL {
            self.prev[n as usize] = p;
        }
    }

    fn relink(&mut self, node: u32) {
        let (p, n) = (self.prev[node as usize], self.next[node as usize]);
        self.next[p as usize] = node;
        if n != NIL {
            self.prev[n as usize] = node;
        }
    }

    /// Takes an operation out of the list.
    pub(super) fn lift(&mut self, op: u32) {
        self.unlink(self.call_of[op as usize]);
        self.unlink(self.ret_of[op as usize]);
    }

    /// Puts back the operation most recently lifted.
    pub(super) fn unlift(&mut self, op: u32) {
        self.relink(self.ret_of[op as usize]);
        self.relink(self.call_of[op as usize]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::models::{CasRegister, RegisterInput, RegisterOp};

    fn walk(e: &Entries) -> Vec<(u32, bool)> {
        let mut out = Vec::new();
        let mut n = e.next[HEAD as usize];
        while n != NIL {
            out.push((e.op[n as usize], e.is_call[n as usize]));
            n = e.next[n as usize];
        }
        out
    }

    #[test]
    fn lifting_and_unlifting_in_reverse_order_restores_the_list() {
        let read = RegisterInput::single(RegisterOp::Read);
        let op = |invoked, deadline, role| SearchOp::<CasRegister> {
            input: &read,
            output: None,
            invoked: Time(invoked),
            deadline: Time(deadline),
            role,
        };
        // Op 1 touches op 0 (concurrent), op 2 is open and returns last.
        let ops = [
            op(0, 10, Role::Required),
            op(10, 20, Role::Required),
            op(5, 0, Role::Open),
        ];
        let mut e = Entries::new(&ops);
        let order = vec![
            (0, true),
            (2, true),
            (1, true),
            (0, false),
            (1, false),
            (2, false),
        ];
        assert_eq!(walk(&e), order);
        e.lift(1);
        e.lift(0);
        assert_eq!(walk(&e), vec![(2, true), (2, false)]);
        e.unlift(0);
        e.unlift(1);
        assert_eq!(walk(&e), order);
    }
}
