//! The Merkle tree of a transparency log, hashed as RFC 9162 (and RFC 6962) hash it, kept
//! the way Go's checksum database keeps it: every hash of a complete subtree is stored once,
//! at a fixed place in one flat sequence ([`stored_hash_index`]), so that appending a leaf
//! stores a few hashes and never rewrites one, and any root, proof or tile is a handful of
//! reads. Tiles are those of C2SP tlog-tiles: 256 hashes each, level `l` holding the roots
//! of subtrees of `256^l` leaves.

use sha2::{Digest, Sha256};

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

/// The root hash of the tree of the first `size` leaves.
pub fn tree_hash<R: HashReader>(size: u64, reader: &mut R) -> Result<Hash, R::Error> {
    if size == 0 {
        return Ok(empty_root());
    }
    let mut need = Vec::new();
    subtree_indexes(0, size, &mut need);
    let hashes = reader.read_hashes(&need)?;
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
    let mut need = Vec::new();
    inclusion_indexes(0, size, n, &mut need);
    let hashes = reader.read_hashes(&need)?;
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
    let mut need = Vec::new();
    consistency_indexes(0, size, old, &mut need);
    let hashes = reader.read_hashes(&need)?;
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

/// One tile of the tree, as tlog-tiles names it: level, index within the level, and
/// width (256 for a full tile).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tile {
    pub level: u8,
    pub index: u64,
    pub width: u64,
}

impl Tile {
    /// The stored hashes the tile holds, in order: the roots of its `width` subtrees of
    /// `256^level` leaves.
    pub fn hash_indexes(self) -> Vec<u64> {
        let level = self.level * TILE_HEIGHT;
        (0..self.width)
            .map(|i| stored_hash_index(level, self.index * TILE_WIDTH + i))
            .collect()
    }

    /// Whether a tree of `size` leaves has this tile: a full tile once its subtrees are
    /// complete, a partial one of exactly the width the tree gives it.
    pub fn exists_in(self, size: u64) -> bool {
        let span = TILE_WIDTH.checked_pow(u32::from(self.level));
        let Some(span) = span else { return false };
        let complete = size / span;
        let start = self.index.saturating_mul(TILE_WIDTH);
        match self.width {
            TILE_WIDTH => complete >= start.saturating_add(TILE_WIDTH),
            1..TILE_WIDTH => complete.checked_sub(start) == Some(self.width),
            _ => false,
        }
    }

    /// The tile's path after `tile/` (`x001/x234/067`, `.p/<W>` if partial), for
    /// level `L` as `<L>/` before it, or for entry bundles as `entries/`.
    pub fn path_tail(self) -> String {
        let mut parts = Vec::new();
        let mut n = self.index;
        loop {
            parts.push(n % 1000);
            n /= 1000;
            if n == 0 {
                break;
            }
        }
        let last = parts.len() - 1;
        let mut path: Vec<String> = parts
            .iter()
            .rev()
            .enumerate()
            .map(|(i, part)| match i == last {
                true => format!("{part:03}"),
                false => format!("x{part:03}"),
            })
            .collect();
        if self.width < TILE_WIDTH {
            let last = path.pop().unwrap_or_default();
            path.push(format!("{last}.p"));
            path.push(self.width.to_string());
        }
        path.join("/")
    }

    /// Reads a tile's index and width back from its path elements after the level.
    pub fn parse_tail(level: u8, tail: &str) -> Option<Tile> {
        let (index_part, width) = match tail.split_once(".p/") {
            Some((index, width)) => (index, width.parse::<u64>().ok()?),
            None => (tail, TILE_WIDTH),
        };
        if width == 0 || width > TILE_WIDTH || (width < TILE_WIDTH && tail.ends_with('/')) {
            return None;
        }
        let elements: Vec<&str> = index_part.split('/').collect();
        let mut index: u64 = 0;
        for (i, element) in elements.iter().enumerate() {
            let digits = match i + 1 == elements.len() {
                true => *element,
                false => element.strip_prefix('x')?,
            };
            if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            index = index.checked_mul(1000)?.checked_add(digits.parse().ok()?)?;
        }
        let tile = Tile {
            level,
            index,
            width,
        };
        // One spelling per tile: no leading zero groups.
        (tile.path_tail() == tail).then_some(tile)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stored hashes in memory, appended as a log appends them.
    #[derive(Default)]
    struct Memory(Vec<Hash>);

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
        fn append(&mut self, entry: &[u8]) {
            let n = self.size();
            let hashes = stored_hashes_for_leaf(n, leaf_hash(entry), self).unwrap();
            assert_eq!(self.0.len() as u64, stored_hash_index(0, n));
            self.0.extend(hashes);
            assert_eq!(self.0.len() as u64, stored_hash_count(n + 1));
        }

        fn size(&self) -> u64 {
            (0..)
                .find(|&n| stored_hash_count(n) == self.0.len() as u64)
                .unwrap()
        }
    }

    fn hex(hash: &Hash) -> String {
        hash.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The leaves of RFC 6962's reference test data (certificate-transparency's
    /// merkle_tree_test), and the published roots of their first 1 to 8.
    const LEAVES: [&[u8]; 8] = [
        b"",
        b"\x00",
        b"\x10",
        b"\x20\x21",
        b"\x30\x31",
        b"\x40\x41\x42\x43",
        b"\x50\x51\x52\x53\x54\x55\x56\x57",
        b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
    ];
    const ROOTS: [&str; 8] = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    #[test]
    fn roots_match_the_published_test_vectors() {
        let mut log = Memory::default();
        assert_eq!(
            hex(&tree_hash(0, &mut log).unwrap()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        for (n, leaf) in LEAVES.iter().enumerate() {
            log.append(leaf);
            let size = n as u64 + 1;
            assert_eq!(
                hex(&tree_hash(size, &mut log).unwrap()),
                ROOTS[n],
                "size {size}"
            );
        }
    }

    #[test]
    fn every_inclusion_and_consistency_proof_checks_and_a_wrong_one_does_not() {
        let mut log = Memory::default();
        let entries: Vec<Vec<u8>> = (0..70u32).map(|n| n.to_be_bytes().to_vec()).collect();
        let mut roots = Vec::new();
        for entry in &entries {
            log.append(entry);
            roots.push(tree_hash(log.size(), &mut log).unwrap());
        }
        for size in 1..=70u64 {
            let root = roots[size as usize - 1];
            for n in 0..size {
                let leaf = leaf_hash(&entries[n as usize]);
                let proof = inclusion_proof(size, n, &mut log).unwrap().unwrap();
                assert!(
                    check_inclusion(&proof, size, &root, n, &leaf),
                    "{n} in {size}"
                );
                assert!(!check_inclusion(
                    &proof,
                    size,
                    &root,
                    n,
                    &leaf_hash(b"forged")
                ));
                if size > 1 {
                    let other = (n + 1) % size;
                    assert!(!check_inclusion(&proof, size, &root, other, &leaf));
                }
            }
            for old in 1..=size {
                let old_root = roots[old as usize - 1];
                let proof = consistency_proof(size, old, &mut log).unwrap().unwrap();
                assert!(
                    check_consistency(&proof, size, &root, old, &old_root),
                    "{old}→{size}"
                );
                if old < size {
                    let forked = leaf_hash(b"a fork");
                    assert!(!check_consistency(&proof, size, &root, old, &forked));
                }
            }
        }
        assert_eq!(inclusion_proof(5, 5, &mut log).unwrap(), None);
        assert_eq!(consistency_proof(5, 0, &mut log).unwrap(), None);
    }

    #[test]
    fn roots_and_proofs_agree_with_an_independent_implementation() {
        // ct-merkle (dev-dependency) keeps its tree its own way; the bytes must match.
        let mut theirs =
            ct_merkle::mem_backed_tree::MemoryBackedTree::<sha2_010::Sha256, Vec<u8>>::new();
        let mut ours = Memory::default();
        for n in 0..300u32 {
            let entry = format!("tomar-signature v1\nnumber {}\n", n + 1).into_bytes();
            theirs.push(entry.clone());
            ours.append(&entry);
            let size = u64::from(n) + 1;
            let root = tree_hash(size, &mut ours).unwrap();
            assert_eq!(
                theirs.root().as_bytes().as_slice(),
                root.as_slice(),
                "size {size}"
            );
            let probe = u64::from(n) / 2;
            let proof = inclusion_proof(size, probe, &mut ours).unwrap().unwrap();
            let flat: Vec<u8> = proof.concat();
            assert_eq!(
                theirs.prove_inclusion(probe as usize).as_bytes(),
                flat.as_slice()
            );
        }
    }

    #[test]
    fn tiles_are_named_and_sized_as_tlog_tiles_says() {
        let tile = |level, index, width| Tile {
            level,
            index,
            width,
        };
        assert_eq!(tile(0, 1_234_067, 256).path_tail(), "x001/x234/067");
        assert_eq!(tile(0, 5, 256).path_tail(), "005");
        assert_eq!(tile(1, 2, 17).path_tail(), "002.p/17");
        assert_eq!(
            Tile::parse_tail(0, "x001/x234/067"),
            Some(tile(0, 1_234_067, 256))
        );
        assert_eq!(Tile::parse_tail(1, "002.p/17"), Some(tile(1, 2, 17)));
        for bad in [
            "1",
            "x000/005",
            "005.p/0",
            "005.p/256",
            "005.p/017",
            "abc",
            "005/",
            "x1/005",
        ] {
            assert_eq!(Tile::parse_tail(0, bad), None, "{bad}");
        }
        // The spec's example: a tree of 70,000 leaves.
        let size = 70_000;
        assert!(tile(0, 272, 256).exists_in(size));
        assert!(tile(0, 273, 112).exists_in(size));
        assert!(!tile(0, 273, 256).exists_in(size) && !tile(0, 273, 111).exists_in(size));
        assert!(tile(1, 0, 256).exists_in(size));
        assert!(tile(1, 1, 17).exists_in(size));
        assert!(tile(2, 0, 1).exists_in(size));
        assert!(!tile(3, 0, 1).exists_in(size));
    }

    #[test]
    fn a_level_one_tile_holds_the_roots_of_full_level_zero_tiles() {
        let mut log = Memory::default();
        for n in 0..512u32 {
            log.append(&n.to_be_bytes());
        }
        let level_one = log
            .read_hashes(
                &Tile {
                    level: 1,
                    index: 0,
                    width: 2,
                }
                .hash_indexes(),
            )
            .unwrap();
        for (i, root) in level_one.iter().enumerate() {
            let leaves = log
                .read_hashes(
                    &Tile {
                        level: 0,
                        index: i as u64,
                        width: 256,
                    }
                    .hash_indexes(),
                )
                .unwrap();
            // The root of a full tile, hashed from its 256 leaves as a tree of height 8.
            let mut layer = leaves;
            while layer.len() > 1 {
                layer = layer
                    .chunks(2)
                    .map(|pair| node_hash(&pair[0], &pair[1]))
                    .collect();
            }
            assert_eq!(layer[0], *root);
        }
    }
}
