//! The tree against published test vectors and an independent implementation.

use super::*;

use super::memory::Memory;

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
    assert!(!tile(0, 273, 256).exists_in(size) && !tile(0, 273, 113).exists_in(size));
    // A smaller tree's partial tile, and one of a tile since filled, stay served.
    assert!(tile(0, 273, 111).exists_in(size) && tile(0, 272, 5).exists_in(size));
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

#[test]
fn the_root_of_all_leaves_is_the_stored_trees_root() {
    let mut log = Memory::default();
    let mut leaves = Vec::new();
    for n in 0..40u32 {
        log.append(&n.to_be_bytes());
        leaves.push(leaf_hash(&n.to_be_bytes()));
        assert_eq!(root_of(&leaves), tree_hash(log.size(), &mut log).unwrap());
    }
    assert_eq!(root_of(&[]), empty_root());
}
