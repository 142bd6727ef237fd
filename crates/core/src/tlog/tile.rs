//! The tiles of C2SP tlog-tiles: which hashes each holds, whether a tree has it, and its
//! path.

use super::{TILE_HEIGHT, TILE_WIDTH, stored_hash_index};

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
    /// complete, a partial one once the tree has reached its width. Partial tiles of smaller
    /// trees stay served: a checkpoint is signed at most once a second, so a client may ask
    /// for the tile of a tree that has grown since, and the first hashes of a tile never
    /// change.
    pub fn exists_in(self, size: u64) -> bool {
        let span = TILE_WIDTH.checked_pow(u32::from(self.level));
        let Some(span) = span else { return false };
        let complete = size / span;
        let start = self.index.saturating_mul(TILE_WIDTH);
        match self.width {
            TILE_WIDTH => complete >= start.saturating_add(TILE_WIDTH),
            1..TILE_WIDTH => complete >= start.saturating_add(self.width),
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

/// An entry bundle as tlog-tiles writes one: each entry after its length as a big-endian
/// u16. `None` if an entry is longer than that can say.
pub fn bundle<'a>(entries: impl IntoIterator<Item = &'a [u8]>) -> Option<Vec<u8>> {
    let mut bundle = Vec::new();
    for entry in entries {
        bundle.extend_from_slice(&u16::try_from(entry.len()).ok()?.to_be_bytes());
        bundle.extend_from_slice(entry);
    }
    Some(bundle)
}

/// The entries of a bundle, in order; `None` if it is cut short.
pub fn unbundle(mut bytes: &[u8]) -> Option<Vec<&[u8]>> {
    let mut entries = Vec::new();
    while let Some((length, rest)) = bytes.split_first_chunk::<2>() {
        let length = usize::from(u16::from_be_bytes(*length));
        if rest.len() < length {
            return None;
        }
        let (entry, after) = rest.split_at(length);
        entries.push(entry);
        bytes = after;
    }
    bytes.is_empty().then_some(entries)
}
