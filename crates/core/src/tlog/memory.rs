//! A log's stored hashes in memory, for the unit tests of what reads them.

use super::*;

/// Stored hashes in memory, appended as a log appends them.
#[derive(Default)]
pub(crate) struct Memory(Vec<Hash>);

impl HashReader for Memory {
    type Error = ();
    fn read_hashes(&mut self, indexes: &[u64]) -> Result<Vec<Hash>, ()> {
        indexes
            .iter()
            .map(|&i| self.0.get(i as usize).copied().ok_or(()))
            .collect()
    }
}

impl Memory {
    pub(crate) fn append(&mut self, entry: &[u8]) {
        let n = self.size();
        let hashes = stored_hashes_for_leaf(n, leaf_hash(entry), self).unwrap();
        assert_eq!(self.0.len() as u64, stored_hash_index(0, n));
        self.0.extend(hashes);
        assert_eq!(self.0.len() as u64, stored_hash_count(n + 1));
    }

    pub(crate) fn size(&self) -> u64 {
        (0..)
            .find(|&n| stored_hash_count(n) == self.0.len() as u64)
            .unwrap()
    }
}
