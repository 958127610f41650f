//! Faults act on servers only; clients, numbered after the servers, belong to the workload.
//! The file's validator and the front end's actions ask this one check, so that a session
//! saved from the front end loads, and both say the same thing when a fault names a client.

use crate::scenario::Selector;
use std::fmt;

/// A fault names a node that is not a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotAServer {
    /// The node named.
    pub node: u32,
    /// How many servers there are (ids `0..servers`).
    pub servers: u32,
}

impl fmt::Display for NotAServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "node {} is not a server (the servers are 0 to {}); faults never target clients",
            self.node,
            self.servers.saturating_sub(1)
        )
    }
}

/// `node`, if it is one of the `servers` servers; clients come after them.
pub fn check_server(node: u32, servers: u32) -> Result<u32, NotAServer> {
    if node < servers {
        Ok(node)
    } else {
        Err(NotAServer { node, servers })
    }
}

impl Selector {
    /// The nodes the selector names explicitly that are not servers, in the order written.
    pub fn non_servers(&self, servers: u32) -> impl Iterator<Item = NotAServer> + '_ {
        self.leaves()
            .into_iter()
            .flat_map(|s| s.explicit().iter().copied())
            .filter_map(move |n| check_server(n, servers).err())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_are_refused_with_the_servers_named() {
        assert_eq!(check_server(2, 3), Ok(2));
        let e = check_server(3, 3).unwrap_err();
        assert_eq!(
            e.to_string(),
            "node 3 is not a server (the servers are 0 to 2); faults never target clients"
        );
        let sel = Selector::Nodes(vec![0, 5, 1, 4]);
        let bad: Vec<u32> = sel.non_servers(3).map(|e| e.node).collect();
        assert_eq!(bad, vec![5, 4]);
        assert_eq!(Selector::Leader.non_servers(1).count(), 0);
    }
}
