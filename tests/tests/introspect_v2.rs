//! What format version 2 describes, against real servers: `fixtures/introspect.sql` and
//! `fixtures/introspect_v2.sql` (functions, procedures, aggregates, triggers, sequences,
//! row-level security, view queries, partitions' own objects, collations, generation
//! expressions, identity options, deferrable and `NOT VALID` constraints) on every installed
//! version, each member checked, the same bytes on every version and for a role that may read
//! no table.

use std::path::{Path, PathBuf};

use schemalock_runtime::introspect;
use schemalock_runtime::snapshot::Snapshot;
use schemalock_tests::pg::Cluster;
use serde_json::{Value, json};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn read(pg: &Cluster, user: &str) -> Snapshot {
    let mut client = pg.connect_as(user, "fx");
    introspect::postgres::snapshot(&mut client, None).unwrap()
}

/// The JSON of the member at `pointer` (`/schemas/app/functions`, ...).
fn member(s: &Snapshot, pointer: &str) -> Value {
    let v: Value = serde_json::from_str(&s.to_json()).unwrap();
    v.pointer(pointer)
        .unwrap_or_else(|| panic!("no {pointer}"))
        .clone()
}

fn assert_v2(s: &Snapshot, version: u32) {
    assert_eq!(
        member(s, "/schemas/app/functions"),
        json!({
            "add(a bigint, b bigint)": {
                "arguments": "a bigint, b bigint", "body": "SELECT a + b", "kind": "function",
                "language": "sql", "returns": "bigint", "volatility": "immutable"
            },
            "add(a integer, b integer)": {
                "arguments": "a integer, b integer DEFAULT 1", "body": "SELECT a + b",
                "cost": "5", "kind": "function", "language": "sql", "parallel": "safe",
                "returns": "integer", "strict": true, "volatility": "immutable"
            },
            "concat_all(text)": {
                "aggregate": {
                    "initial_condition": "", "state_function": "app.concat_state",
                    "state_type": "text"
                },
                "arguments": "text", "kind": "aggregate", "language": "internal",
                "returns": "text", "volatility": "immutable"
            },
            "concat_state(text, text)": {
                "arguments": "text, text", "body": " SELECT coalesce($1 || ',', '') || $2 ",
                "kind": "function", "language": "sql", "returns": "text",
                "volatility": "immutable"
            },
            "forget(IN account bigint)": {
                "arguments": "IN account bigint",
                "body": "\nBEGIN\n    DELETE FROM app.posts WHERE account_id = account;\nEND\n",
                "kind": "procedure", "language": "plpgsql", "volatility": "volatile"
            },
            "posts_of(account bigint)": {
                "arguments": "account bigint",
                "body": " SELECT * FROM app.posts WHERE account_id = account ",
                "config": ["search_path=app, pg_temp"], "kind": "function", "language": "sql",
                "returns": "SETOF app.posts", "rows": "20", "security_definer": true,
                "volatility": "stable"
            },
            "touch()": {
                "body": "\nBEGIN\n    NEW.created_at := now();\n    RETURN NEW;\nEND\n",
                "kind": "function", "language": "plpgsql", "returns": "trigger",
                "volatility": "volatile"
            }
        })
    );
    assert_eq!(
        member(s, "/schemas/app/sequences"),
        json!({
            "countdown": { "increment": -1, "type": "bigint" },
            "ticket_seq": {
                "cache": 10, "cycle": true, "increment": 5, "max": 100000,
                "owned_by": { "column": "id", "schema": "app", "table": "tickets" },
                "start": 100, "type": "integer"
            }
        })
    );
    // audit.log's bigserial: a sequence owned by its column, with the default options.
    assert_eq!(
        member(s, "/schemas/audit/sequences"),
        json!({ "log_id_seq": {
            "owned_by": { "column": "id", "schema": "audit", "table": "log" }, "type": "bigint"
        }})
    );
    let tickets = member(s, "/schemas/app/tables/tickets");
    assert_eq!(tickets["columns"][1]["collation"], json!("\"C\""));
    assert_eq!(
        tickets["columns"][2]["identity_sequence"],
        json!({ "increment": 10, "start": 10 })
    );
    assert_eq!(
        tickets["columns"][3]["generation_expression"],
        json!("n * 2")
    );
    assert_eq!(tickets["options"], json!({ "fillfactor": "80" }));
    assert_eq!(
        tickets["unique_constraints"][0]["deferrable"],
        json!("initially_deferred")
    );
    // The identity column of app.accounts has the default options: nothing to say.
    assert_eq!(
        member(s, "/schemas/app/tables/accounts/columns/0").get("identity_sequence"),
        None
    );
    assert_eq!(
        member(s, "/schemas/app/tables/scratch/unlogged"),
        json!(true)
    );
    let refs = member(s, "/schemas/app/tables/refs");
    assert_eq!(
        refs["checks"],
        json!([{ "definition": "CHECK (b > 0) NOT VALID", "name": "refs_positive" }])
    );
    assert_eq!(
        refs["foreign_keys"][0]["deferrable"],
        json!("initially_immediate")
    );
    assert_eq!(refs["foreign_keys"][0]["match_full"], json!(true));
    assert_eq!(refs["foreign_keys"][1]["not_valid"], json!(true));
    assert_eq!(refs["foreign_keys"][1].get("match_full"), None);

    let accounts = member(s, "/schemas/app/tables/accounts");
    assert_eq!(accounts["row_security"], json!("enabled"));
    assert_eq!(
        accounts["policies"],
        json!([
            {
                "command": "update", "name": "no_negative", "restrictive": true,
                "roles": ["postgres"], "using": "true", "with_check": "balance >= 0::numeric"
            },
            { "command": "select", "name": "own_rows", "using": "handle = CURRENT_USER" }
        ])
    );
    let posts = member(s, "/schemas/app/tables/posts");
    assert_eq!(
        posts["triggers"],
        json!([
            {
                "definition": "CREATE TRIGGER posts_touch BEFORE INSERT OR UPDATE OF title ON app.posts FOR EACH ROW WHEN (new.title IS NOT NULL) EXECUTE FUNCTION app.touch()",
                "name": "posts_touch"
            },
            {
                "definition": "CREATE TRIGGER posts_touch_disabled BEFORE DELETE ON app.posts FOR EACH ROW EXECUTE FUNCTION app.touch()",
                "enabled": "disabled", "name": "posts_touch_disabled"
            }
        ])
    );
    let view = member(s, "/schemas/app/tables/checked_posts");
    // PostgreSQL 16 stopped qualifying the columns of a query on one table.
    let definition = if version >= 16 {
        " SELECT id,\n    title\n   FROM app.posts\n  WHERE published;"
    } else {
        " SELECT posts.id,\n    posts.title\n   FROM app.posts\n  WHERE posts.published;"
    };
    assert_eq!(view["definition"], json!(definition));
    assert_eq!(
        view["options"],
        json!({ "check_option": "local", "security_barrier": "true" })
    );
    assert!(
        member(s, "/schemas/app/tables/post_counts/definition")
            .as_str()
            .unwrap()
            .contains("count(*) AS n")
    );

    // The partitioned table's trigger is its own; the partitions' copies of it are not theirs.
    let events = member(s, "/schemas/app/tables/events");
    assert_eq!(
        events["triggers"],
        json!([{
            "definition": "CREATE TRIGGER events_touch BEFORE UPDATE ON app.events FOR EACH ROW EXECUTE FUNCTION app.touch()",
            "name": "events_touch"
        }])
    );
    let p2025 = events["partitions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "events_2025")
        .unwrap()
        .clone();
    assert_eq!(
        p2025,
        json!({
            "bound": "FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00')",
            "checks": [{
                "definition": "CHECK (at >= '2025-01-01 00:00:00+00'::timestamp with time zone)",
                "name": "events_2025_at_check"
            }],
            "foreign_keys": [{
                "columns": ["account_id"], "name": "events_2025_account_fk",
                "on_delete": "no action", "on_update": "no action",
                "references": { "columns": ["id"], "schema": "app", "table": "accounts" }
            }],
            "indexes": [{
                "keys": [{ "column": "account_id" }], "method": "btree",
                "name": "events_2025_account_idx"
            }],
            "name": "events_2025",
            "triggers": [{
                "definition": "CREATE TRIGGER events_2025_touch BEFORE UPDATE ON app.events_2025 FOR EACH ROW EXECUTE FUNCTION app.touch()",
                "name": "events_2025_touch"
            }]
        })
    );
}

/// The fixture on `version`: every member, the same bytes twice, and the same for a role that
/// may read no table. Returns the snapshot.
fn on(version: u32) -> Option<Snapshot> {
    let pg = Cluster::start(version)?;
    pg.create_database("fx");
    pg.psql_file("fx", &fixture("introspect.sql"));
    pg.psql_file("fx", &fixture("introspect_v2.sql"));
    let s = read(&pg, "postgres");
    assert_v2(&s, version);
    assert_eq!(read(&pg, "postgres").to_json(), s.to_json());
    pg.psql(
        "fx",
        "CREATE ROLE reader LOGIN;
         REVOKE ALL ON DATABASE fx FROM PUBLIC;
         REVOKE ALL ON SCHEMA public FROM PUBLIC;
         GRANT CONNECT ON DATABASE fx TO reader;
         GRANT USAGE ON SCHEMA app, audit, public TO reader;",
    );
    let mut as_reader = read(&pg, "reader");
    as_reader.migration_head.clone_from(&s.migration_head);
    assert_eq!(as_reader.to_json(), s.to_json());
    Some(s)
}

#[test]
fn version_2_members_on_every_server() {
    let mut seen: Vec<(u32, Snapshot)> = Vec::new();
    for version in [15, 16, 18] {
        if let Some(s) = on(version) {
            seen.push((version, s));
        }
    }
    // The servers agree on everything format version 2 adds, but how a view's query is
    // printed, which changes between major versions.
    for pair in seen.windows(2) {
        let [(va, a), (vb, b)] = pair else { continue };
        for schema in ["app", "audit"] {
            let (sa, sb) = (&a.schemas[schema], &b.schemas[schema]);
            assert_eq!(sa.functions, sb.functions, "{schema}: {va} and {vb}");
            assert_eq!(sa.sequences, sb.sequences, "{schema}: {va} and {vb}");
            for (name, t) in &sa.tables {
                let u = &sb.tables[name];
                assert_eq!(
                    (&t.triggers, &t.policies, &t.partitions, &t.options),
                    (&u.triggers, &u.policies, &u.partitions, &u.options),
                    "{schema}.{name}: {va} and {vb}"
                );
            }
        }
    }
}
