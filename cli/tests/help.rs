//! `cargo schemalock --help` and `--version`, invoked as cargo invokes the binary.

mod common;

use common::{cli, expect, workdir};

#[test]
fn help_and_version_as_a_cargo_subcommand() {
    let dir = workdir();
    let cwd = dir.path();
    let run = expect(0, cli(cwd, &["--help"]));
    for needle in [
        "Usage: cargo schemalock [OPTIONS] <COMMAND>",
        "refresh",
        "check",
        "diff",
        "--quiet",
        "--verbose",
        "Examples:",
        "Exit codes: 0 no differences, 1 differences found, 2 error",
    ] {
        assert!(
            run.stdout.contains(needle),
            "{needle:?} not in\n{}",
            run.all()
        );
    }
    let run = expect(0, cli(cwd, &["--version"]));
    assert_eq!(
        run.stdout,
        format!("cargo-schemalock {}\n", env!("CARGO_PKG_VERSION"))
    );
    for (command, needle) in [
        ("refresh", "--migrations <DIR>"),
        ("check", "--format <FORMAT>"),
        ("diff", "<A> <B>"),
    ] {
        let run = expect(0, cli(cwd, &[command, "--help"]));
        assert!(run.stdout.contains("Examples:"), "{}", run.all());
        assert!(
            run.stdout.contains(needle),
            "{needle:?} not in\n{}",
            run.all()
        );
        assert!(
            run.stdout
                .contains(&format!("Usage: cargo schemalock {command} [OPTIONS]")),
            "{}",
            run.all()
        );
    }
    let run = expect(0, cli(cwd, &["help", "check"]));
    assert!(run.stdout.contains("--snapshot <PATH>"), "{}", run.all());
    // Nothing to do is a usage error, with the help on stderr.
    let run = expect(2, cli(cwd, &[]));
    assert!(run.stderr.contains("Usage:"), "{}", run.all());
    let run = expect(2, cli(cwd, &["frobnicate"]));
    assert!(
        run.stderr.contains("unrecognized subcommand"),
        "{}",
        run.all()
    );
}

#[test]
fn runs_directly_too() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-schemalock"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("cargo-schemalock "));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-schemalock"))
        .args(["check", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
}
