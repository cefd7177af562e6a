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
    d.compare(&p, Change::Attributes, |f| f, |f| Some(def::function(f)));
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
