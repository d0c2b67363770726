//! The in-memory host keeps the quota and the batch semantics of the real
//! one.

use cityhub_sdk::testing::MemoryHost;
use cityhub_sdk::{Host, StateError};

#[test]
fn quota_counts_keys_and_values_and_replacing_frees_the_old_value() {
    let mut host = MemoryHost::new().with_quota(10);
    host.state_set("ab", &[0; 8]).unwrap();
    assert_eq!(host.used_bytes(), 10);
    assert_eq!(host.state_set("c", &[]), Err(StateError::QuotaExceeded(10)));
    host.state_set("ab", &[0; 4]).unwrap();
    assert_eq!(host.used_bytes(), 6);
    host.state_delete("ab").unwrap();
    host.state_delete("ab").unwrap(); // deleting a missing key is fine
    assert_eq!(host.used_bytes(), 0);
    assert!(matches!(
        host.state_set("", b"x"),
        Err(StateError::InvalidKey(_))
    ));
}

#[test]
fn a_failed_batch_rolls_back_every_write_in_order() {
    let mut host = MemoryHost::new();
    host.insert("keep", b"1".to_vec());
    host.begin_batch();
    host.state_set("keep", b"2").unwrap();
    host.state_set("keep", b"3").unwrap();
    host.state_set("new", b"x").unwrap();
    host.state_delete("keep").unwrap();
    host.end_batch(false);
    assert_eq!(host.get("keep"), Some(&b"1"[..]));
    assert_eq!(host.get("new"), None);
    assert_eq!(host.used_bytes(), 5);

    host.begin_batch();
    host.state_set("new", b"x").unwrap();
    host.end_batch(true);
    assert_eq!(host.get("new"), Some(&b"x"[..]));
}

#[test]
fn logs_past_the_limit_are_counted_not_kept() {
    let mut host = MemoryHost::new().with_max_logs(2);
    host.with_context(|ctx| {
        for i in 0..5 {
            ctx.log().info("tick", &[("i", &i.to_string())]);
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(host.logs().len(), 2);
    assert_eq!(host.logs()[1].field("i"), Some("1"));
    assert_eq!(host.dropped_logs(), 3);
}
