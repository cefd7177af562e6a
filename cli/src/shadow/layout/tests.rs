use super::*;
use crate::testing::dir_with;

/// The migrations of `dir`, after checking that their layout is `layout` and that they are, in
/// order, `expected`: each name, and whether it asks to run outside a transaction.
fn loaded(dir: &Path, layout: Layout, expected: &[(&str, bool)]) -> Vec<Migration> {
    let (found, list) = load(dir, None).unwrap();
    assert_eq!(found, layout);
    let order: Vec<(&str, bool)> = list
        .iter()
        .map(|m| (m.name.as_str(), m.no_transaction))
        .collect();
    assert_eq!(order, expected);
    list
}

fn names(dir: &Path) -> (Layout, Vec<String>) {
    let (layout, list) = load(dir, None).unwrap();
    (layout, list.into_iter().map(|m| m.name).collect())
}

#[test]
fn sqlx_orders_by_numeric_version_and_skips_down() {
    let d = dir_with(&[
        ("10_ten.sql", "SELECT 10;"),
        ("9_nine.up.sql", "-- no-transaction\nSELECT 9;"),
        ("9_nine.down.sql", "SELECT -9;"),
        ("README.md", "not sql"),
    ]);
    let (layout, list) = load(d.path(), None).unwrap();
    assert_eq!(layout, Layout::Sqlx);
    let got: Vec<_> = list
        .iter()
        .map(|m| (m.name.as_str(), m.no_transaction, m.record.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "9_nine.up.sql",
                true,
                Record::Sqlx {
                    version: 9,
                    description: "nine".into()
                }
            ),
            (
                "10_ten.sql",
                false,
                Record::Sqlx {
                    version: 10,
                    description: "ten".into()
                }
            ),
        ]
    );
    let d = dir_with(&[("1_a.sql", ""), ("01_b.sql", "")]);
    let err = load(d.path(), None).unwrap_err().to_string();
    assert!(err.contains("same sqlx version 1"), "{err}");
}

#[test]
fn diesel_orders_by_version_without_dashes() {
    let d = dir_with(&[
        ("2017-08-31-230457_x/up.sql", "SELECT 2;"),
        ("2017-08-31-230457_x/down.sql", "SELECT -2;"),
        ("20170102131034_y/up.sql", "SELECT 1;"),
        ("00000000000000_diesel_initial_setup/up.sql", "SELECT 0;"),
        ("2026-05-27-120000-0000_semver/up.sql", "SELECT 4;"),
        (
            "2026-05-27-120000-0000_semver/metadata.toml",
            "run_in_transaction = false\n",
        ),
        ("2026-05-27-120000_add_username/up.sql", "SELECT 3;"),
        (
            "2026-05-27-120000_add_username/metadata.toml",
            "# run_in_transaction = false\n",
        ),
        ("empty_folder/README", "nothing"),
        ("stray.sql", "SELECT 'ignored';"),
    ]);
    let list = loaded(
        d.path(),
        Layout::Diesel,
        &[
            ("00000000000000_diesel_initial_setup/up.sql", false),
            ("20170102131034_y/up.sql", false),
            ("2017-08-31-230457_x/up.sql", false),
            ("2026-05-27-120000_add_username/up.sql", false),
            ("2026-05-27-120000-0000_semver/up.sql", true),
        ],
    );
    assert_eq!(
        list[2].record,
        Record::Diesel {
            version: "20170831230457".into()
        }
    );
    // Equal versions keep folder-name order.
    let d = dir_with(&[("1_b/up.sql", ""), ("1_a/up.sql", ""), ("0_c/up.sql", "")]);
    assert_eq!(
        names(d.path()).1,
        ["0_c/up.sql", "1_a/up.sql", "1_b/up.sql"]
    );
}

#[test]
fn refinery_walks_sub_folders() {
    let d = dir_with(&[
        ("V10__ten.sql", "SELECT 10;"),
        ("V2__two.sql", "--refinery:noTransaction\nSELECT 2;"),
        ("more/U3__three.sql", "SELECT 3;"),
        ("more/notes.txt", ""),
    ]);
    let list = loaded(
        d.path(),
        Layout::Refinery,
        &[
            ("V2__two.sql", true),
            ("more/U3__three.sql", false),
            ("V10__ten.sql", false),
        ],
    );
    assert_eq!(
        list[2].record,
        Record::Refinery {
            version: 10,
            name: "ten".into()
        }
    );
}

#[test]
fn plain_folders_apply_in_file_name_order() {
    let d = dir_with(&[
        ("b.sql", ""),
        ("a.sql", ""),
        ("10_x.sql", ""),
        ("a.down.sql", ""),
        ("notes.txt", ""),
    ]);
    assert_eq!(
        names(d.path()),
        (
            Layout::Plain,
            vec!["10_x.sql".into(), "a.sql".into(), "b.sql".into()]
        )
    );
    // Forcing a layout: the names must fit it.
    let err = load(d.path(), Some(Layout::Sqlx)).unwrap_err().to_string();
    assert!(err.contains("a.sql is not a sqlx migration name"), "{err}");
}

#[test]
fn no_layout_names_the_layouts() {
    let d = dir_with(&[("notes.txt", "")]);
    let err = load(d.path(), None).unwrap_err().to_string();
    assert!(err.starts_with("no migrations found in "), "{err}");
    for l in ["sqlx", "diesel", "refinery", "plain folder"] {
        assert!(err.contains(l), "{err}");
    }
    let err = load(&d.path().join("missing"), None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("does not exist"), "{err}");
}

#[test]
fn annotations() {
    assert!(diesel_no_transaction("run_in_transaction=false"));
    assert!(diesel_no_transaction(
        "x = 1\nrun_in_transaction = false # why\n"
    ));
    assert!(!diesel_no_transaction("run_in_transaction = true"));
    assert!(refinery_no_transaction(
        "SELECT 1;\n-- refinery:noTransaction\n"
    ));
    assert!(!refinery_no_transaction(
        "SELECT 1; -- refinery:noTransaction\n"
    ));
}
