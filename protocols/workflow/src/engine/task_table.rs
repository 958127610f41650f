//! The engine's task records, indexed by task number. The scheduler looks a task up several
//! times per task per round, so a dense table replaces an ordered map. It still reads,
//! compares and serializes exactly as the map of the assigned tasks did, so snapshots keep
//! their bytes and runs their fingerprints.

use super::TaskRecord;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The records of the tasks ever assigned; a task never assigned has none.
#[derive(Clone, Default)]
pub(crate) struct TaskTable {
    slots: Vec<Option<TaskRecord>>,
    len: usize,
}

impl TaskTable {
    /// The record of `task`, if it was ever assigned.
    #[inline]
    pub(crate) fn get(&self, task: u32) -> Option<&TaskRecord> {
        self.slots.get(task as usize).and_then(Option::as_ref)
    }

    /// The record of `task` to change, if it was ever assigned.
    #[inline]
    pub(crate) fn get_mut(&mut self, task: u32) -> Option<&mut TaskRecord> {
        self.slots.get_mut(task as usize).and_then(Option::as_mut)
    }

    /// The record of `task`, made (blank) if it had none.
    pub(crate) fn get_or_default(&mut self, task: u32) -> &mut TaskRecord {
        let i = task as usize;
        if i >= self.slots.len() {
            self.slots.resize(i + 1, None);
        }
        let slot = &mut self.slots[i];
        if slot.is_none() {
            self.len += 1;
        }
        slot.get_or_insert_with(TaskRecord::default)
    }

    /// How many tasks have a record.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The records in task order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, &TaskRecord)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(t, r)| r.as_ref().map(|r| (t as u32, r)))
    }
}

impl PartialEq for TaskTable {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl Eq for TaskTable {}

impl fmt::Debug for TaskTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for TaskTable {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len))?;
        for (task, r) in self.iter() {
            map.serialize_entry(&task, r)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for TaskTable {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Records;
        impl<'de> Visitor<'de> for Records {
            type Value = TaskTable;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map from task numbers to task records")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TaskTable, A::Error> {
                let mut table = TaskTable::default();
                while let Some((task, r)) = map.next_entry::<u32, TaskRecord>()? {
                    *table.get_or_default(task) = r;
                }
                Ok(table)
            }
        }
        deserializer.deserialize_map(Records)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn record(attempt: u32) -> TaskRecord {
        TaskRecord {
            attempt,
            agent: attempt + 10,
            ..TaskRecord::default()
        }
    }

    #[test]
    fn serializes_as_the_map_of_assigned_tasks() {
        let mut table = TaskTable::default();
        let mut map = BTreeMap::new();
        for task in [7, 2, 40] {
            *table.get_or_default(task) = record(task);
            map.insert(task, record(task));
        }
        let bytes = serde_json::to_string(&table).unwrap();
        assert_eq!(bytes, serde_json::to_string(&map).unwrap());
        let back: TaskTable = serde_json::from_str(&bytes).unwrap();
        assert_eq!(back, table);
        assert_eq!(back.len(), 3);
        assert_eq!(back.get(40), Some(&record(40)));
        assert_eq!(back.get(3), None);
        assert_eq!(back.get(1000), None);
    }

    #[test]
    fn tables_with_the_same_records_are_equal_whatever_their_capacity() {
        let mut wide = TaskTable::default();
        wide.slots.resize(100, None);
        *wide.get_or_default(5) = record(1);
        let mut narrow = TaskTable::default();
        *narrow.get_or_default(5) = record(1);
        assert_eq!(wide, narrow);
        *narrow.get_or_default(6) = record(1);
        assert_ne!(wide, narrow);
    }
}
