//! A map keyed by an agent's node number, stored densely: the leader looks agents up at every
//! scheduling round, and node numbers are small and contiguous. It iterates in key order, as
//! the ordered map it replaces did, so scheduling decisions stay the same.

/// Values by agent node number.
#[derive(Clone, Debug)]
pub(crate) struct ByAgent<T>(Vec<Option<T>>);

impl<T> Default for ByAgent<T> {
    fn default() -> Self {
        ByAgent(Vec::new())
    }
}

impl<T> ByAgent<T> {
    /// The value of `agent`, if it has one.
    #[inline]
    pub fn get(&self, agent: u32) -> Option<&T> {
        self.0.get(agent as usize).and_then(Option::as_ref)
    }

    /// The value of `agent` to change, if it has one.
    #[inline]
    pub fn get_mut(&mut self, agent: u32) -> Option<&mut T> {
        self.0.get_mut(agent as usize).and_then(Option::as_mut)
    }

    /// Sets the value of `agent`.
    pub fn insert(&mut self, agent: u32, value: T) {
        *self.slot(agent) = Some(value);
    }

    /// The value of `agent`, made with `T::default()` if it had none.
    pub fn get_or_default(&mut self, agent: u32) -> &mut T
    where
        T: Default,
    {
        self.slot(agent).get_or_insert_with(T::default)
    }

    /// The agents with a value, in node order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &T)> {
        self.0
            .iter()
            .enumerate()
            .filter_map(|(a, v)| v.as_ref().map(|v| (a as u32, v)))
    }

    /// The values, in node order.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.0.iter().flatten()
    }

    fn slot(&mut self, agent: u32) -> &mut Option<T> {
        let i = agent as usize;
        if i >= self.0.len() {
            self.0.resize_with(i + 1, || None);
        }
        &mut self.0[i]
    }
}

impl<T> FromIterator<(u32, T)> for ByAgent<T> {
    fn from_iter<I: IntoIterator<Item = (u32, T)>>(items: I) -> Self {
        let mut map = ByAgent::default();
        for (agent, value) in items {
            map.insert(agent, value);
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use super::ByAgent;

    #[test]
    fn iterates_in_node_order_and_skips_agents_without_values() {
        let mut map: ByAgent<u32> = [(9, 90), (3, 30)].into_iter().collect();
        *map.get_or_default(5) += 5;
        *map.get_or_default(3) += 1;
        assert_eq!(
            map.iter().collect::<Vec<_>>(),
            vec![(3, &31), (5, &5), (9, &90)]
        );
        assert_eq!(map.values().sum::<u32>(), 126);
        assert_eq!(map.get(4), None);
        assert_eq!(map.get(100), None);
        *map.get_mut(9).unwrap() = 1;
        assert_eq!(map.get(9), Some(&1));
    }
}
