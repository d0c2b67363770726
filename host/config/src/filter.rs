//! A route's `filter` table → [`Filter`]: read from the document's spanned
//! tree so that each error points at the key or value at fault.
//!
//! ```toml
//! filter = { "data.speed_kmh" = { lt = 200 }, subject = { prefix = "QL" }, source = "/sensors/a" }
//! ```
//!
//! A key is a [`Field`]; a scalar value is `eq`, an array is `in`, and an
//! inline table holds one test per key.

use std::ops::Range;

use cityhub_cloudevents::filter::{Condition, Field, Filter, Test};
use serde_json::Value;
use toml::{
    Spanned,
    de::{DeTable, DeValue},
};

use crate::checker::Checker;

const TESTS: &str = "`eq`, `ne`, `in`, `gt`, `gte`, `lt`, `lte`, `exists` or `prefix`";

impl Checker<'_> {
    /// The conditions of `filter`, in the order written. Bad keys and values
    /// are recorded and left out.
    pub fn filter(&mut self, filter: &Spanned<DeValue<'_>>) -> Filter {
        let Some(table) = filter.get_ref().as_table() else {
            self.error(
                filter.span(),
                "`filter` must be a table such as `{ subject = { prefix = \"QL\" } }`",
            );
            return Filter::default();
        };
        let mut conditions = Vec::new();
        for (key, value) in in_written_order(table) {
            let field = Field::parse(key.get_ref())
                .map_err(|e| self.error(key.span(), format!("in `filter`: {e}")))
                .ok();
            let tests = self.tests(key.get_ref(), value);
            if let Some(field) = field {
                conditions.extend(tests.into_iter().map(|test| Condition {
                    field: field.clone(),
                    test,
                }));
            }
        }
        Filter { conditions }
    }

    /// The tests `value` asks of `field`.
    fn tests(&mut self, field: &str, value: &Spanned<DeValue<'_>>) -> Vec<Test> {
        match value.get_ref() {
            DeValue::Table(ops) => {
                if ops.is_empty() {
                    self.error(
                        value.span(),
                        format!("in `filter`: `{field}` has no test: use {TESTS}"),
                    );
                }
                in_written_order(ops)
                    .filter_map(|(op, v)| self.test(field, op, v))
                    .collect()
            }
            DeValue::Array(_) => self.one_of(field, "in", value).into_iter().collect(),
            _ => self.json(field, value).map(Test::Eq).into_iter().collect(),
        }
    }

    fn test(
        &mut self,
        field: &str,
        op: &Spanned<std::borrow::Cow<'_, str>>,
        v: &Spanned<DeValue<'_>>,
    ) -> Option<Test> {
        let name = op.get_ref().as_ref();
        let number = |c: &mut Self| match v.get_ref() {
            DeValue::Integer(_) | DeValue::Float(_) => c.json(field, v)?.as_f64(),
            _ => c.wrong(v.span(), field, name, "a number"),
        };
        match name {
            "eq" => self.json(field, v).map(Test::Eq),
            "ne" => self.json(field, v).map(Test::Ne),
            "in" => self.one_of(field, "in", v),
            "gt" => number(self).map(Test::Gt),
            "gte" => number(self).map(Test::Gte),
            "lt" => number(self).map(Test::Lt),
            "lte" => number(self).map(Test::Lte),
            "exists" => match v.get_ref() {
                DeValue::Boolean(b) => Some(Test::Exists(*b)),
                _ => self.wrong(v.span(), field, name, "`true` or `false`"),
            },
            "prefix" => match v.get_ref() {
                DeValue::String(s) => Some(Test::Prefix(s.to_string())),
                _ => self.wrong(v.span(), field, name, "a string"),
            },
            _ => {
                self.error(
                    op.span(),
                    format!("in `filter`: `{name}` on `{field}` is not a test: use {TESTS}"),
                );
                None
            }
        }
    }

    /// Records that `op` on `field` needs `want`, quoting what is written at
    /// `span`.
    fn wrong<T>(&mut self, span: Range<usize>, field: &str, op: &str, want: &str) -> Option<T> {
        let got = self.text.get(span.clone()).unwrap_or_default().to_owned();
        self.error(
            span,
            format!("in `filter`: `{op}` on `{field}` needs {want}: got `{got}`"),
        );
        None
    }

    /// `in`: a non-empty list of values.
    fn one_of(&mut self, field: &str, op: &str, v: &Spanned<DeValue<'_>>) -> Option<Test> {
        let Some(items) = v.get_ref().as_array() else {
            return self.wrong(v.span(), field, op, "a list of values");
        };
        if items.is_empty() {
            self.error(
                v.span(),
                format!("in `filter`: the list for `{field}` is empty, so no event would pass: list at least one value"),
            );
            return None;
        }
        let values: Vec<Option<Value>> = items.iter().map(|i| self.json(field, i)).collect();
        values.into_iter().collect::<Option<_>>().map(Test::In)
    }

    /// `v` as JSON; date-times and non-finite floats are errors.
    fn json(&mut self, field: &str, v: &Spanned<DeValue<'_>>) -> Option<Value> {
        match v.get_ref() {
            DeValue::String(s) => Some(Value::String(s.to_string())),
            DeValue::Boolean(b) => Some(Value::Bool(*b)),
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => Some(Value::from(n)),
                Err(_) => {
                    self.error(
                        v.span(),
                        format!("in `filter`: the number for `{field}` does not fit in 64 bits"),
                    );
                    None
                }
            },
            DeValue::Float(f) => {
                let n = f.as_str().parse::<f64>().ok();
                let n = n.and_then(serde_json::Number::from_f64);
                if n.is_none() {
                    self.error(
                        v.span(),
                        format!("in `filter`: `{field}` can only be compared with a finite number: got `{}`", f.as_str()),
                    );
                }
                n.map(Value::Number)
            }
            DeValue::Datetime(d) => {
                self.error(
                    v.span(),
                    format!("in `filter`: `{field}` is compared with a TOML date-time, which no event holds: quote it to compare text, e.g. `\"{d}\"`"),
                );
                None
            }
            DeValue::Array(items) => {
                let values: Vec<Option<Value>> =
                    items.iter().map(|i| self.json(field, i)).collect();
                values.into_iter().collect::<Option<_>>().map(Value::Array)
            }
            DeValue::Table(t) => {
                let mut object = serde_json::Map::new();
                let mut ok = true;
                for (k, item) in in_written_order(t) {
                    match self.json(field, item) {
                        Some(j) => {
                            object.insert(k.get_ref().to_string(), j);
                        }
                        None => ok = false,
                    }
                }
                ok.then_some(Value::Object(object))
            }
        }
    }
}

/// A table's entries in the order they appear in the file (the map's own
/// order depends on toml's `preserve_order` feature).
fn in_written_order<'t, 'i>(
    table: &'t DeTable<'i>,
) -> impl Iterator<
    Item = (
        &'t Spanned<std::borrow::Cow<'i, str>>,
        &'t Spanned<DeValue<'i>>,
    ),
> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    entries.into_iter()
}
