use super::*;

fn fake_install(root: &Path, name: &str, programs: &[&str]) -> PathBuf {
    let bin = root.join(name).join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for p in programs {
        std::fs::write(bin.join(p), "").unwrap();
    }
    bin
}

#[cfg(unix)]
#[test]
fn bin_dir_resolution_order() {
    let root = tempfile::tempdir().unwrap();
    let lib = root.path().join("lib");
    let v9 = fake_install(&lib, "9.6", &REQUIRED_BINARIES);
    let v15 = fake_install(&lib, "15", &REQUIRED_BINARIES);
    fake_install(&lib, "18", &["initdb"]); // incomplete: skipped
    fake_install(&lib, "notes", &REQUIRED_BINARIES); // not a version: skipped
    // Newest complete version under the versions root.
    assert_eq!(find_bin_dir_from(None, None, &lib).unwrap(), v15);
    // initdb on PATH wins, through a symlink to the real installation.
    let on_path = root.path().join("usr-local-bin");
    std::fs::create_dir(&on_path).unwrap();
    std::os::unix::fs::symlink(v9.join("initdb"), on_path.join("initdb")).unwrap();
    let path = std::env::join_paths([root.path().join("empty"), on_path.clone()]).unwrap();
    assert_eq!(
        find_bin_dir_from(None, Some(&path), &lib).unwrap(),
        std::fs::canonicalize(&v9).unwrap()
    );
    // PG_BIN wins over everything, and must be complete.
    assert_eq!(
        find_bin_dir_from(Some(v15.as_os_str()), Some(&path), &lib).unwrap(),
        v15
    );
    let err = find_bin_dir_from(Some(on_path.as_os_str()), None, &lib)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("PG_BIN is set to "), "{err}");
    assert!(err.contains("has no pg_ctl, postgres"), "{err}");
    // Nothing anywhere.
    let err = find_bin_dir_from(None, None, &root.path().join("nothing"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("no PostgreSQL server binaries found"), "{err}");
    assert!(err.contains("set PG_BIN"), "{err}");
}

#[test]
fn root_needs_an_existing_unprivileged_user() {
    assert_eq!(server_user_for(false, "whoever").unwrap(), None);
    let err = server_user_for(true, "schemalock-no-such-user")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("there is no user `schemalock-no-such-user`"),
        "{err}"
    );
    assert!(err.contains(SERVER_USER_ENV), "{err}");
    let err = server_user_for(true, "root").unwrap_err().to_string();
    assert!(err.contains("is root too"), "{err}");
}

#[test]
fn stale_directory_names() {
    let prefix = stale::prefix_for_this_process();
    let name = format!("{prefix}Ab3dEf");
    assert_eq!(
        stale::parse_name(&name),
        Some((std::process::id(), process::own_start_time()))
    );
    for other in [
        "schemalock-pgAb3dEf", // the older form: no owner to check
        "schemalock-pg-12-34",
        "schemalock-pg-12-34-Ab3dE",
        "schemalock-pg-12-34-Ab3dEf-x",
        "schemalock-pg-x2-34-Ab3dEf",
        "schemalock-pg--34-Ab3dEf",
        "other-12-34-Ab3dEf",
    ] {
        assert_eq!(stale::parse_name(other), None, "{other}");
    }
}

/// Only directories of ours whose process and postmaster are both dead are removed.
#[cfg(target_os = "linux")]
#[test]
fn stale_directories_of_dead_runs_only() {
    let parent = tempfile::tempdir().unwrap();
    let p = parent.path();
    let euid = process::effective_uid();
    // A process that has exited: its pid is dead (until reused, which takes a while).
    let mut child = Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let me = std::process::id();
    let my_start = process::own_start_time();
    let init_start = process::start_time(1).expect("pid 1");
    let dir = |name: String| {
        let path = p.join(name);
        std::fs::create_dir_all(path.join("data")).unwrap();
        path
    };
    let dead_owner = dir(format!("schemalock-pg-{dead}-5-aaaaaa"));
    let reused_pid = dir(format!("schemalock-pg-1-{}-bbbbbb", init_start + 1));
    let live_owner = dir(format!("schemalock-pg-1-{init_start}-cccccc"));
    let this_run = dir(format!("schemalock-pg-{me}-{my_start}-dddddd"));
    let live_postmaster = dir(format!("schemalock-pg-{dead}-5-eeeeee"));
    std::fs::write(
        live_postmaster.join("data/postmaster.pid"),
        format!("{me}\n/data\n"),
    )
    .unwrap();
    let old_form = dir("schemalock-pgffffff".to_owned());
    let target = dir("elsewhere".to_owned());
    let link = p.join(format!("schemalock-pg-{dead}-5-gggggg"));
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let file = p.join(format!("schemalock-pg-{dead}-5-hhhhhh"));
    std::fs::write(&file, "").unwrap();
    let foreign = dir(format!("schemalock-pg-{dead}-5-iiiiii"));
    let is_root = euid == Some(0);
    if is_root {
        // Another user's directory, as if from their run.
        std::os::unix::fs::chown(&foreign, Some(65534), Some(65534)).unwrap();
    }

    let removed = stale::remove_stale_dirs(p, euid, None);
    let mut expected = vec![dead_owner.clone(), reused_pid.clone()];
    if !is_root {
        expected.push(foreign.clone());
    }
    expected.sort();
    assert_eq!(removed, expected);
    for kept in [&live_owner, &this_run, &live_postmaster, &old_form, &target] {
        assert!(kept.is_dir(), "{} was removed", kept.display());
    }
    assert!(link.is_symlink() && file.is_file());
    assert_eq!(foreign.exists(), is_root);
    // As root, the server's user's directories count as ours.
    if is_root {
        assert_eq!(
            stale::remove_stale_dirs(p, euid, Some(65534)),
            vec![foreign.clone()]
        );
    }
}
