//! The shape of the code, as ARCHITECTURE.md promises it: within each crate no two files
//! use each other, directly or in a ring; no page module uses another; no file of code
//! (tests aside) is longer than 600 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const LONGEST: usize = 600;

/// Every `.rs` file below `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(sources(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
    found
}

/// A file's module path within its crate: `http::page_cache` for `src/http/page_cache.rs`.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts.join("::")
}

/// The text of a file before its unit tests.
fn code_of(file: &Path) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    text.split("#[cfg(test)]").next().unwrap().to_owned()
}

/// The modules of the crate at `src` that each file's code names as `crate::…`.
fn uses(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let files: BTreeMap<String, String> = sources(src)
        .iter()
        .map(|file| (module_of(src, file), code_of(file)))
        .collect();
    let mut graph = BTreeMap::new();
    for (module, code) in &files {
        let mut used = BTreeSet::new();
        for (at, _) in code.match_indices("crate::") {
            let path: String = code[at + "crate::".len()..]
                .chars()
                .take_while(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == ':'
                })
                .collect();
            let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
            // The longest prefix that is a file of the crate.
            let target = (1..=segments.len())
                .rev()
                .map(|n| segments[..n].join("::"))
                .find(|candidate| files.contains_key(candidate));
            if let Some(target) = target {
                let nested = |a: &str, b: &str| a.starts_with(&format!("{b}::"));
                if target != *module && !nested(module, &target) && !nested(&target, module) {
                    used.insert(target);
                }
            }
        }
        graph.insert(module.clone(), used);
    }
    graph
}

/// A ring in `graph`, if there is one: each module uses the next, the last the first.
fn ring(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        graph: &BTreeMap<String, BTreeSet<String>>,
        module: &str,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|m| m == module) {
            return Some(path[at..].to_vec());
        }
        if done.contains(module) {
            return None;
        }
        path.push(module.to_owned());
        for used in &graph[module] {
            if let Some(ring) = visit(graph, used, path, done) {
                return Some(ring);
            }
        }
        path.pop();
        done.insert(module.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|module| visit(graph, module, &mut Vec::new(), &mut done))
}

fn crates() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut found: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|entry| entry.unwrap().path().join("src"))
        .filter(|src| src.is_dir())
        .collect();
    found.sort();
    found
}

#[test]
fn no_two_files_of_a_crate_use_each_other_even_in_a_ring() {
    let all = crates();
    assert!(all.len() >= 5, "the workspace's crates: {all:?}");
    for src in all {
        let graph = uses(&src);
        assert!(graph.len() > 1, "{src:?}");
        assert_eq!(ring(&graph), None, "{src:?}");
    }
}

#[test]
fn the_check_finds_a_ring_where_there_is_one() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("state", &["http::cache"][..]),
        ("http::cache", &["http::auth"]),
        ("http::auth", &["state"]),
        ("pages", &["state"]),
    ]
    .into_iter()
    .map(|(module, used)| {
        let used = used.iter().map(|u| (*u).to_owned()).collect();
        (module.to_owned(), used)
    })
    .collect();
    assert_eq!(
        ring(&graph).map(|ring| ring.len()),
        Some(3),
        "state → cache → auth → state"
    );
}

#[test]
fn no_page_uses_another_and_no_file_is_too_long() {
    let web = crates()
        .into_iter()
        .find(|src| src.ends_with("web/src"))
        .unwrap();
    for (module, used) in uses(&web) {
        if module.starts_with("pages::") {
            let pages: Vec<&String> = used.iter().filter(|u| u.starts_with("pages::")).collect();
            assert!(pages.is_empty(), "{module} uses {pages:?}");
        }
    }
    for src in crates() {
        for file in sources(&src) {
            let lines = std::fs::read_to_string(&file).unwrap().lines().count();
            assert!(lines <= LONGEST, "{file:?} has {lines} lines");
        }
    }
}
