//! The throwaway local clusters of `schemalock-cluster` (what `cargo schemalock` builds its shadow
//! databases in when no server is given) seen from outside: who can reach them. The CLI's use of
//! them (dying with the tool, cleanup on signals) is in `cli/tests/shadow_safety.rs`.

use schemalock_cluster::LocalCluster;
use schemalock_tests::os;
use schemalock_tests::pg::{connect, find_bin_dir};

/// The PostgreSQL the CLI would pick with no URL, or `None` (skipped) when there is none.
fn default_local_postgres() -> Option<std::path::PathBuf> {
    match schemalock_cluster::find_bin_dir() {
        Ok(bin) => Some(bin),
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") => panic!("{e}"),
        Err(e) => {
            eprintln!("skipping: {e}");
            None
        }
    }
}

/// The CLI's kind of local cluster (`Network::None`) has no TCP listener and trusts only its
/// socket, in a directory of mode 0700 that no other OS user can enter.
#[cfg(target_os = "linux")]
#[test]
fn local_cluster_is_reachable_only_through_a_private_socket() {
    use std::os::unix::fs::PermissionsExt;
    let Some(bin) = find_bin_dir(15).or_else(default_local_postgres) else {
        return;
    };
    let cluster = LocalCluster::start(&bin).unwrap_or_else(|e| panic!("{e}"));
    if let Some(outsider) = os::Outsider::get() {
        let socket = outsider.psql(
            cluster.bin_dir(),
            &cluster.socket_dir().to_string_lossy(),
            cluster.port(),
        );
        let err = socket.expect_err("another OS user got in over the socket");
        assert!(err.contains("Permission denied"), "{err}");
    }
    let mut client = connect(&cluster.config("postgres"));
    let listen: String = client
        .query_one("SHOW listen_addresses", &[])
        .unwrap()
        .get(0);
    assert_eq!(listen, "");
    let rules: Vec<String> = client
        .query(
            "SELECT type || ' ' || auth_method FROM pg_hba_file_rules ORDER BY line_number",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(rules, ["local trust"]);
    for dir in [cluster.dir().to_owned(), cluster.socket_dir()] {
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{}", dir.display());
    }
    let pid: i32 = client
        .query_one("SELECT pg_backend_pid()", &[])
        .unwrap()
        .get(0);
    let backend = os::Process::get(pid as u32).unwrap();
    let postmaster = std::fs::read_to_string(cluster.data_dir().join("postmaster.pid")).unwrap();
    let postmaster: u32 = postmaster.lines().next().unwrap().parse().unwrap();
    let postmaster = os::Process::get(postmaster).unwrap();
    assert!(postmaster.children().contains(&backend));
    assert_eq!(postmaster.tcp_listeners(), []);
}
