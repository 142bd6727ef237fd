//! The Merkle tree of a transparency log, hashed as RFC 9162 (and RFC 6962) hash it, kept
//! the way Go's checksum database keeps it: every hash of a complete subtree is stored once,
//! at a fixed place in one flat sequence ([`stored_hash_index`]), so that appending a leaf
//! stores a few hashes and never rewrites one, and any root, proof or tile is a handful of
//! reads. Tiles are those of C2SP tlog-tiles: 256 hashes each, level `l` holding the roots
//! of subtrees of `256^l` leaves.

use sha2::{Digest, Sha256};

#[cfg(test)]
pub(crate) mod memory;
mod proof;
mod tile;

pub use proof::Proof;
pub use tile::{Tile, bundle, unbundle};

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// Hashes in one tile, and its height in tree levels.
pub const TILE_WIDTH: u64 = 256;
pub const TILE_HEIGHT: u8 = 8;

/// The hash of a leaf: SHA-256 of 0x00 and the entry.
pub fn leaf_hash(entry: &[u8]) -> Hash {
    Sha256::new()
        .chain_update([0u8])
        .chain_update(entry)
        .finalize()
        .into()
}

/// The hash of an inner node: SHA-256 of 0x01, the left child and the right child.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    Sha256::new()
        .chain_update([1u8])
        .chain_update(left)
        .chain_update(right)
        .finalize()
        .into()
}

/// The root of the empty tree: SHA-256 of nothing.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// Where the hash of the `n`th complete subtree of `2^level` leaves is stored. Level
/// `l`'s `n`th hash comes right after level `l+1`'s... as in Go's `tlog.StoredHashIndex`:
/// the stored sequence grows only at its end as leaves are appended.
pub fn stored_hash_index(level: u8, n: u64) -> u64 {
    let mut n = n;
    for _ in 0..level {
        n = 2 * n + 1;
    }
    let mut index = 0;
    while n > 0 {
        index += n;
        n >>= 1;
    }
    index + u64::from(level)
}

/// How many hashes a tree of `size` leaves has stored.
pub fn stored_hash_count(size: u64) -> u64 {
    if size == 0 {
        return 0;
    }
    let mut count = stored_hash_index(0, size - 1) + 1;
    let mut n = size - 1;
    while n & 1 == 1 {
        count += 1;
        n >>= 1;
    }
    count
}

/// Reads stored hashes by their index (see [`stored_hash_index`]), in the order asked.
pub trait HashReader {
    type Error;
    fn read_hashes(&mut self, indexes: &[u64]) -> Result<Vec<Hash>, Self::Error>;
}

/// Hashes read beforehand (from a database, say), for the functions here that take a
/// reader: ask for [`right_edge`], [`inclusion_needs`] or [`consistency_needs`], fetch
/// them, and hand them over in the same order.
#[derive(Default)]
pub struct Fetched(std::collections::HashMap<u64, Hash>);

impl Fetched {
    /// Adds a hash, as one read or as one an append has just made.
    pub fn insert(&mut self, index: u64, hash: Hash) {
        self.0.insert(index, hash);
    }

    pub fn new(indexes: &[u64], hashes: &[Hash]) -> Fetched {
        Fetched(
            indexes
                .iter()
                .copied()
                .zip(hashes.iter().copied())
                .collect(),
        )
    }
}

/// A hash that was not fetched.
#[derive(Debug, PartialEq, Eq)]
pub struct NotFetched(pub u64);

impl HashReader for Fetched {
    type Error = NotFetched;

    fn read_hashes(&mut self, indexes: &[u64]) -> Result<Vec<Hash>, NotFetched> {
        indexes
            .iter()
            .map(|i| self.0.get(i).copied().ok_or(NotFetched(*i)))
            .collect()
    }
}

/// The stored hashes [`inclusion_proof`] reads for leaf `n` of a tree of `size`.
pub fn inclusion_needs(size: u64, n: u64) -> Vec<u64> {
    let mut need = Vec::new();
    if n < size {
        inclusion_indexes(0, size, n, &mut need);
    }
    need
}

/// The stored hashes [`consistency_proof`] reads from `old` to `size`.
pub fn consistency_needs(size: u64, old: u64) -> Vec<u64> {
    let mut need = Vec::new();
    if old > 0 && old <= size {
        consistency_indexes(0, size, old, &mut need);
    }
    need
}

/// The hashes appending leaf number `n` (from 0) stores, in order, starting at
/// `stored_hash_index(0, n)`: the leaf's own hash, then each subtree it completes.
pub fn stored_hashes_for_leaf<R: HashReader>(
    n: u64,
    leaf: Hash,
    reader: &mut R,
) -> Result<Vec<Hash>, R::Error> {
    // Each trailing 1 bit of n completes a subtree with its left neighbour.
    let completed = (n + 1).trailing_zeros() as usize;
    let indexes: Vec<u64> = (0..completed)
        .rev()
        .map(|level| stored_hash_index(level as u8, (n >> level) - 1))
        .collect();
    let neighbours = reader.read_hashes(&indexes)?;
    let mut hashes = vec![leaf];
    let mut hash = leaf;
    for level in 0..completed {
        hash = node_hash(&neighbours[completed - 1 - level], &hash);
        hashes.push(hash);
    }
    Ok(hashes)
}

/// The largest power of two below `n` (for `n > 1`), and its logarithm.
fn largest_power_below(n: u64) -> (u64, u8) {
    let mut level = 0;
    while 1u64 << (level + 1) < n {
        level += 1;
    }
    (1 << level, level)
}

/// The stored hashes of the complete subtrees that make up leaves `lo..hi`, left to right.
fn subtree_indexes(mut lo: u64, hi: u64, need: &mut Vec<u64>) {
    while lo < hi {
        let (k, level) = largest_power_below(hi - lo + 1);
        need.push(stored_hash_index(level, lo >> level));
        lo += k;
    }
}

/// The hash of leaves `lo..hi` from the hashes [`subtree_indexes`] asked for, which it
/// takes off the front of `hashes`.
fn subtree_hash(mut lo: u64, hi: u64, hashes: &mut &[Hash]) -> Hash {
    let mut parts = 0;
    while lo < hi {
        let (k, _) = largest_power_below(hi - lo + 1);
        lo += k;
        parts += 1;
    }
    let (mine, rest) = hashes.split_at(parts);
    *hashes = rest;
    let mut hash = mine[parts - 1];
    for part in mine[..parts - 1].iter().rev() {
        hash = node_hash(part, &hash);
    }
    hash
}

/// The stored hashes of the complete subtrees a tree of `size` leaves ends with, left to
/// right: all an append to it needs to read.
pub fn right_edge(size: u64) -> Vec<u64> {
    let mut need = Vec::new();
    subtree_indexes(0, size, &mut need);
    need
}

/// The root of `leaves` computed from all of them, as RFC 9162 defines it: what a client
/// holding every entry (a verifier recounting a log) checks a signed root against.
pub fn root_of(leaves: &[Hash]) -> Hash {
    match leaves {
        [] => empty_root(),
        [one] => *one,
        _ => {
            let (k, _) = largest_power_below(leaves.len() as u64);
            let k = k as usize;
            node_hash(&root_of(&leaves[..k]), &root_of(&leaves[k..]))
        }
    }
}

/// The root hash of the tree of the first `size` leaves.
pub fn tree_hash<R: HashReader>(size: u64, reader: &mut R) -> Result<Hash, R::Error> {
    if size == 0 {
        return Ok(empty_root());
    }
    let hashes = reader.read_hashes(&right_edge(size))?;
    Ok(subtree_hash(0, size, &mut hashes.as_slice()))
}

fn inclusion_indexes(lo: u64, hi: u64, n: u64, need: &mut Vec<u64>) {
    if lo + 1 == hi {
        return;
    }
    let (k, _) = largest_power_below(hi - lo);
    if n < lo + k {
        inclusion_indexes(lo, lo + k, n, need);
        subtree_indexes(lo + k, hi, need);
    } else {
        subtree_indexes(lo, lo + k, need);
        inclusion_indexes(lo + k, hi, n, need);
    }
}

fn inclusion_path(lo: u64, hi: u64, n: u64, hashes: &mut &[Hash]) -> Vec<Hash> {
    if lo + 1 == hi {
        return Vec::new();
    }
    let (k, _) = largest_power_below(hi - lo);
    let (mut path, sibling) = if n < lo + k {
        let path = inclusion_path(lo, lo + k, n, hashes);
        (path, subtree_hash(lo + k, hi, hashes))
    } else {
        let sibling = subtree_hash(lo, lo + k, hashes);
        (inclusion_path(lo + k, hi, n, hashes), sibling)
    };
    path.push(sibling);
    path
}

/// The inclusion proof of leaf `n` in the tree of `size` leaves, leaf side first, as RFC
/// 9162 orders it. `None` if the leaf is not in the tree.
pub fn inclusion_proof<R: HashReader>(
    size: u64,
    n: u64,
    reader: &mut R,
) -> Result<Option<Vec<Hash>>, R::Error> {
    if n >= size {
        return Ok(None);
    }
    let hashes = reader.read_hashes(&inclusion_needs(size, n))?;
    Ok(Some(inclusion_path(0, size, n, &mut hashes.as_slice())))
}

fn run_inclusion(proof: &[Hash], lo: u64, hi: u64, n: u64, leaf: Hash) -> Option<Hash> {
    if lo + 1 == hi {
        return proof.is_empty().then_some(leaf);
    }
    let (last, rest) = proof.split_last()?;
    let (k, _) = largest_power_below(hi - lo);
    if n < lo + k {
        Some(node_hash(&run_inclusion(rest, lo, lo + k, n, leaf)?, last))
    } else {
        Some(node_hash(last, &run_inclusion(rest, lo + k, hi, n, leaf)?))
    }
}

/// Whether `proof` shows that `leaf` is leaf `n` of the tree of `size` leaves with `root`.
pub fn check_inclusion(proof: &[Hash], size: u64, root: &Hash, n: u64, leaf: &Hash) -> bool {
    n < size && run_inclusion(proof, 0, size, n, *leaf).as_ref() == Some(root)
}

fn consistency_indexes(lo: u64, hi: u64, old: u64, need: &mut Vec<u64>) {
    if old == hi {
        if lo != 0 {
            subtree_indexes(lo, hi, need);
        }
        return;
    }
    let (k, _) = largest_power_below(hi - lo);
    if old <= lo + k {
        consistency_indexes(lo, lo + k, old, need);
        subtree_indexes(lo + k, hi, need);
    } else {
        subtree_indexes(lo, lo + k, need);
        consistency_indexes(lo + k, hi, old, need);
    }
}

fn consistency_path(lo: u64, hi: u64, old: u64, hashes: &mut &[Hash]) -> Vec<Hash> {
    if old == hi {
        return match lo {
            0 => Vec::new(),
            _ => vec![subtree_hash(lo, hi, hashes)],
        };
    }
    let (k, _) = largest_power_below(hi - lo);
    let (mut path, other) = if old <= lo + k {
        let path = consistency_path(lo, lo + k, old, hashes);
        (path, subtree_hash(lo + k, hi, hashes))
    } else {
        let other = subtree_hash(lo, lo + k, hashes);
        (consistency_path(lo + k, hi, old, hashes), other)
    };
    path.push(other);
    path
}

/// The proof that the tree of `old` leaves is a prefix of the tree of `size` leaves.
/// `None` unless `0 < old <= size`.
pub fn consistency_proof<R: HashReader>(
    size: u64,
    old: u64,
    reader: &mut R,
) -> Result<Option<Vec<Hash>>, R::Error> {
    if old == 0 || old > size {
        return Ok(None);
    }
    let hashes = reader.read_hashes(&consistency_needs(size, old))?;
    Ok(Some(consistency_path(0, size, old, &mut hashes.as_slice())))
}

fn run_consistency(
    proof: &[Hash],
    lo: u64,
    hi: u64,
    old: u64,
    old_root: Hash,
) -> Option<(Hash, Hash)> {
    if old == hi {
        return match (lo, proof) {
            (0, []) => Some((old_root, old_root)),
            (0, _) => None,
            (_, [only]) => Some((*only, *only)),
            _ => None,
        };
    }
    let (last, rest) = proof.split_last()?;
    let (k, _) = largest_power_below(hi - lo);
    if old <= lo + k {
        let (old_hash, new_hash) = run_consistency(rest, lo, lo + k, old, old_root)?;
        Some((old_hash, node_hash(&new_hash, last)))
    } else {
        let (old_hash, new_hash) = run_consistency(rest, lo + k, hi, old, old_root)?;
        Some((node_hash(last, &old_hash), node_hash(last, &new_hash)))
    }
}

/// Whether `proof` shows the tree of `old` leaves with `old_root` to be a prefix of the
/// tree of `size` leaves with `root`.
pub fn check_consistency(
    proof: &[Hash],
    size: u64,
    root: &Hash,
    old: u64,
    old_root: &Hash,
) -> bool {
    if old == 0 || old > size {
        return false;
    }
    run_consistency(proof, 0, size, old, *old_root) == Some((*old_root, *root))
}

#[cfg(test)]
mod tests;
