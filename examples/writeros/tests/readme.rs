//! Every ```` ```rust ```` block of the workspace README is in `src/readme.rs`, which
//! `cargo test` compiles (the library's test build): a snippet that stops compiling breaks the
//! tests, and one edited in the README alone fails here.

/// The lines of `text`, each trimmed, blank ones left out: indentation and wrapping may differ.
fn lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn every_readme_rust_block_is_compiled() {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(here.join("../../README.md")).unwrap();
    let compiled = std::fs::read_to_string(here.join("src/readme.rs")).unwrap();
    let compiled = lines(&compiled);
    let mut blocks = 0;
    let mut rest = readme.as_str();
    while let Some(start) = rest.find("\n```rust\n") {
        let body = &rest[start + "\n```rust\n".len()..];
        let end = body.find("\n```").expect("a closed block");
        let block = lines(&body[..end]);
        blocks += 1;
        assert!(
            compiled.windows(block.len()).any(|w| w == block.as_slice()),
            "this README block is not in examples/writeros/src/readme.rs, so nothing compiles it:\n{}",
            block.join("\n")
        );
        rest = &body[end..];
    }
    assert!(blocks >= 5, "found only {blocks} rust blocks in the README");
}
