//! What format version 2 added: functions, sequences, triggers, policies and partitions, each
//! matched by name.

use super::{Differ, Object, Pair};
use crate::diff::def;
use crate::diff::report::{Change, ObjectKind as O};
use crate::snapshot::{Function, Partition, Policy, Sequence, Trigger};

objects! {
    Function => Function, |x, _| def::function(x), function;
    Sequence => Sequence, |x, _| def::sequence(x), sequence;
    Trigger => Trigger, |t: &Trigger, _| t.definition.clone(), trigger;
    Policy => Policy, |x, _| def::policy(x), policy;
    Partition => Partition, |x, _| def::partition(x), partition;
}

fn function(d: &mut Differ, p: Pair<'_, Function>) {
    d.compare(&p, Change::Body, |f| &f.body, Clone::clone);
    d.compare(&p, Change::Body, |f| &f.sql_body, Clone::clone);
    // Everything but the body, as the function's header reads.
    let (e, f) = (def::function(p.expected), def::function(p.found));
    if e != f {
        d.push(p.object, p.name, Change::Attributes, Some(e), Some(f));
    }
}

fn sequence(d: &mut Differ, p: Pair<'_, Sequence>) {
    d.compare(&p, Change::Attributes, |s| s, |s| Some(def::sequence(s)));
}

fn trigger(d: &mut Differ, p: Pair<'_, Trigger>) {
    d.text(&p, Change::Attributes, |t| &t.definition);
    d.compare(
        &p,
        Change::Enabled,
        |t| &t.enabled,
        |e| Some(def::trigger_enabled(*e)),
    );
}

fn policy(d: &mut Differ, p: Pair<'_, Policy>) {
    d.compare(&p, Change::Attributes, |x| x, |x| Some(def::policy(x)));
}

fn partition(d: &mut Differ, p: Pair<'_, Partition>) {
    d.text(&p, Change::Bound, |x| &x.bound);
    // What the partition declares of its own, with its key and place.
    let (e, f) = (def::partition_own(p.expected), def::partition_own(p.found));
    if e != f {
        d.push(p.object, p.name, Change::Attributes, Some(e), Some(f));
    }
}

#[cfg(test)]
mod tests {
    use crate::diff::{Change, ObjectKind, diff};
    use crate::snapshot::fixtures::{column, table};
    use crate::snapshot::{
        Function, FunctionKind, Policy, RelationKind, Schema, Sequence, Snapshot, Trigger,
        TriggerEnabled, Volatility,
    };

    fn base() -> Snapshot {
        let mut s = Snapshot::new();
        let mut public = Schema::default();
        let mut t = table(vec![column("id", "integer")]);
        t.triggers.push(Trigger {
            definition:
                "CREATE TRIGGER touch BEFORE UPDATE ON public.t FOR EACH ROW EXECUTE FUNCTION f()"
                    .into(),
            enabled: None,
            name: "touch".into(),
        });
        t.policies.push(Policy {
            command: "select".into(),
            name: "mine".into(),
            restrictive: false,
            roles: vec![],
            using: Some("true".into()),
            with_check: None,
        });
        public.tables.insert("t".into(), t);
        let mut v = table(vec![column("id", "integer")]);
        v.kind = RelationKind::View;
        v.definition = Some(" SELECT t.id FROM t;".into());
        public.tables.insert("v".into(), v);
        public.functions.insert(
            "f()".into(),
            Function {
                aggregate: None,
                arguments: String::new(),
                body: Some("BEGIN RETURN NEW; END".into()),
                config: vec![],
                cost: None,
                kind: FunctionKind::Function,
                language: "plpgsql".into(),
                leakproof: false,
                library: None,
                parallel: None,
                returns: Some("trigger".into()),
                rows: None,
                security_definer: false,
                sql_body: None,
                strict: false,
                support: None,
                volatility: Volatility::Volatile,
            },
        );
        public.sequences.insert(
            "counter".into(),
            Sequence {
                cache: None,
                cycle: false,
                increment: None,
                max: None,
                min: None,
                owned_by: None,
                start: None,
                type_display: "bigint".into(),
            },
        );
        s.schemas.insert("public".into(), public);
        s
    }

    /// What one change to the found side is reported as.
    fn reported(f: impl FnOnce(&mut Snapshot)) -> Vec<(ObjectKind, String, Change)> {
        let mut found = base();
        f(&mut found);
        diff(&base(), &found)
            .differences
            .into_iter()
            .map(|d| (d.object, d.name, d.change))
            .collect()
    }

    fn public(s: &mut Snapshot) -> &mut Schema {
        s.schemas.get_mut("public").unwrap()
    }

    #[test]
    fn version_2_members_are_compared() {
        use Change as C;
        use ObjectKind as O;
        let f = |s: &mut Snapshot| public(s).functions.get_mut("f()").unwrap().clone();
        assert_eq!(diff(&base(), &base()).differences, vec![]);
        assert_eq!(
            reported(|s| public(s).tables.get_mut("t").unwrap().triggers.clear()),
            [(O::Trigger, "touch".into(), C::Missing)]
        );
        assert_eq!(
            reported(
                |s| public(s).tables.get_mut("t").unwrap().triggers[0].enabled =
                    Some(TriggerEnabled::Disabled)
            ),
            [(O::Trigger, "touch".into(), C::Enabled)]
        );
        assert_eq!(
            reported(|s| {
                let mut g = f(s);
                g.body = Some("BEGIN RETURN OLD; END".into());
                public(s).functions.insert("f()".into(), g);
            }),
            [(O::Function, "f()".into(), C::Body)]
        );
        assert_eq!(
            reported(|s| {
                let mut g = f(s);
                g.volatility = Volatility::Stable;
                public(s).functions.insert("f()".into(), g);
            }),
            [(O::Function, "f()".into(), C::Attributes)]
        );
        assert_eq!(
            reported(|s| public(s).functions.clear()),
            [(O::Function, "f()".into(), C::Missing)]
        );
        assert_eq!(
            reported(|s| public(s).sequences.get_mut("counter").unwrap().increment = Some(5)),
            [(O::Sequence, "counter".into(), C::Attributes)]
        );
        assert_eq!(
            reported(|s| public(s).tables.get_mut("t").unwrap().policies[0].using = None),
            [(O::Policy, "mine".into(), C::Attributes)]
        );
        assert_eq!(
            reported(|s| public(s).tables.get_mut("v").unwrap().definition =
                Some(" SELECT t.id + 1 AS id FROM t;".into())),
            [(O::Table, "v".into(), C::Body)]
        );
        assert_eq!(
            reported(|s| public(s).tables.get_mut("t").unwrap().unlogged = true),
            [(O::Table, "t".into(), C::Logged)]
        );
        assert_eq!(
            reported(
                |s| public(s).tables.get_mut("t").unwrap().columns[0].collation =
                    Some("\"C\"".into())
            ),
            [(O::Column, "id".into(), C::Collation)]
        );
    }
}
