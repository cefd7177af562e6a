use super::edit::rename_identifier;
use super::*;

#[test]
fn specs_parse() {
    let r = Rename::parse("entities.type=entity_type").unwrap();
    assert_eq!(
        (r.path, r.new_name),
        (
            vec!["entities".to_owned(), "type".to_owned()],
            "entity_type".to_owned()
        )
    );
    let r = Rename::parse("\"odd.table\".\"a=b\"=c").unwrap();
    assert_eq!(r.path, ["odd.table", "a=b"]);
    assert!(Rename::parse("nothing").is_err());
    assert!(Rename::parse("a.=b").is_err());
    let u = Using::parse("entities.canon_layer=UPPER(canon_layer)::canonlayer").unwrap();
    assert_eq!(
        (
            u.schema.as_deref(),
            u.table.as_str(),
            u.column.as_str(),
            u.expression.as_str()
        ),
        (
            None,
            "entities",
            "canon_layer",
            "UPPER(canon_layer)::canonlayer"
        )
    );
    // An `=` inside the expression is the expression's.
    let u = Using::parse("app.t.c=CASE WHEN c = 'x' THEN 1 END").unwrap();
    assert_eq!(u.schema.as_deref(), Some("app"));
    assert_eq!(u.expression, "CASE WHEN c = 'x' THEN 1 END");
    assert!(Using::parse("t=x").is_err());
}

#[test]
fn identifiers_are_renamed_outside_strings() {
    assert_eq!(
        rename_identifier(
            "CHECK ((type)::text <> 'type'::text)",
            "type",
            "entity_type"
        ),
        "CHECK ((entity_type)::text <> 'type'::text)"
    );
    assert_eq!(
        rename_identifier("lower(\"Name\")", "Name", "x"),
        "lower(x)"
    );
    assert_eq!(
        rename_identifier("types + type_x", "type", "y"),
        "types + type_x"
    );
    assert_eq!(
        rename_identifier("a || 'é' || a", "a", "b"),
        "b || 'é' || b"
    );
}
