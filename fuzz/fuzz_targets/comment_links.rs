//! Linking a comment's addresses: never a panic; the runs join back into the text, and
//! every address is an http(s) one with something after the scheme and no space in it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tomar_core::links::{Run, runs};

fuzz_target!(|typed: &str| {
    let mut joined = String::new();
    for run in runs(typed) {
        match run {
            Run::Plain(text) => joined.push_str(text),
            Run::Address(address) => {
                let rest = address
                    .strip_prefix("https://")
                    .or_else(|| address.strip_prefix("http://"))
                    .expect("only http(s) addresses");
                assert!(!rest.is_empty() && !address.contains(char::is_whitespace));
                joined.push_str(address);
            }
        }
    }
    assert_eq!(joined, typed);
});
