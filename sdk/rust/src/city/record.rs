//! Reading a plugin's JSON records from state without letting one bad
//! record stop it. A record that no longer deserializes (written by an
//! older version, or damaged) is logged as an error, once per read, naming
//! its key, the event being handled if any, and why; the plugin then
//! carries on as if the record were absent, and its next write replaces
//! it. Errors of the state itself (quota, key length) are not read errors
//! and still fail the batch when the plugin writes.
//!
//! ```
//! use cityhub_sdk::city::load_record;
//! # let mut host = cityhub_sdk::testing::MemoryHost::new();
//! # host.with_context(|ctx| {
//! ctx.state().set("count/a", b"not json".to_vec())?;
//! ctx.state().set_json("count/b", &7u32)?;
//! assert_eq!(load_record::<u32>(ctx, "count/a", None), None); // logged
//! assert_eq!(load_record::<u32>(ctx, "count/b", None), Some(7));
//! assert_eq!(load_record::<u32>(ctx, "count/c", None), None); // not set
//! # Ok(()) })?;
//! # assert_eq!(host.logs()[0].field("key"), Some("count/a"));
//! # Ok::<(), cityhub_sdk::Error>(())
//! ```

use serde::de::DeserializeOwned;

use crate::{Context, Event};

/// What an unreadable record is logged as.
pub const UNREADABLE: &str = "state unreadable, carrying on without it";

/// The JSON record under `key`, or `None` if it is not set or unreadable.
/// An unreadable one is logged as an error ([`UNREADABLE`], fields `key`,
/// `event` when `event` is given, and `error`) and counts as absent; see
/// the [module docs](self).
pub fn load_record<T: DeserializeOwned>(
    ctx: &mut Context<'_>,
    key: &str,
    event: Option<&Event<'_>>,
) -> Option<T> {
    let error = match ctx.state().get_json::<T>(key) {
        Ok(record) => return record,
        Err(err) => err.message().to_owned(),
    };
    let mut fields = vec![("key", key)];
    if let Some(event) = event {
        fields.push(("event", event.id()));
    }
    fields.push(("error", &error));
    ctx.log().error(UNREADABLE, &fields);
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{self, MemoryHost, TestEvent};

    #[test]
    fn an_unreadable_record_is_logged_with_its_event_and_counts_as_absent() {
        let frame = testing::encode(&[TestEvent::new("t.x").id("e-7")]).unwrap();
        let batch = crate::Batch::parse(&frame).unwrap();
        let event = batch.iter().next().unwrap();
        let mut host = MemoryHost::new();
        host.insert("rec/1", b"{\"n\": \"one\"}".to_vec());
        host.insert("rec/2", b"{\"n\": 2}".to_vec());
        let (bad, good) = host
            .with_context(|ctx| {
                Ok((
                    load_record::<serde_json::Value>(ctx, "rec/1", Some(&event))
                        .and_then(|v| v["n"].as_u64()),
                    load_record::<std::collections::BTreeMap<String, u32>>(ctx, "rec/2", None),
                ))
            })
            .unwrap();
        // `rec/1` is JSON: it reads, its field is just not a number.
        assert_eq!(bad, None);
        assert_eq!(good.map(|m| m["n"]), Some(2));
        assert!(host.logs().is_empty());

        host.insert("rec/3", b"{".to_vec());
        let none = host
            .with_context(|ctx| Ok(load_record::<u32>(ctx, "rec/3", Some(&event))))
            .unwrap();
        assert_eq!(none, None);
        let log = &host.logs()[0];
        assert_eq!(log.message, UNREADABLE);
        assert_eq!(log.field("key"), Some("rec/3"));
        assert_eq!(log.field("event"), Some("e-7"));
        assert!(log.field("error").is_some_and(|e| !e.is_empty()));
    }
}
