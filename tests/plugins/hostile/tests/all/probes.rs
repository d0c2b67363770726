//! The probes really try: natively, outside any sandbox, each one works, so
//! its `allowed: false` inside the host is the sandbox's doing. (The log
//! flood is left to the host's tests: natively it would print 8 MiB here.)

use std::{
    io::Read,
    net::{TcpListener, UdpSocket},
    time::Instant,
};

use cityhub_plugin_hostile::{
    Hostile, OK,
    flood::{HUGE_BATCH_DATA, HUGE_BATCH_OUTPUTS, near_deadline},
    probes::{Probe, WRITE_PREFIX},
};
use cityhub_sdk::testing::{Harness, TestEvent};
use serde_json::{Value, json};

fn probes(ty: &str, id: &str, data: Value) -> Vec<Probe> {
    let mut h = Harness::<Hostile>::new(json!({})).unwrap();
    let out = h.handle(&[TestEvent::new(ty).id(id).json(&data)]).unwrap();
    assert!(
        out.iter()
            .all(|o| o.ty == OK && o.subject.as_deref() == Some(id))
    );
    out.iter().map(|o| o.json().unwrap()).collect()
}

fn allowed<'a>(found: &'a [Probe], name: &str) -> &'a Probe {
    let p = found
        .iter()
        .find(|p| p.probe == name)
        .unwrap_or_else(|| panic!("no `{name}` in {found:#?}"));
    assert!(p.allowed, "natively `{name}` works: {p:?}");
    p
}

#[test]
fn read_file_reads_lists_and_writes_natively() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let manifest = format!("{dir}/plugin.toml");
    let found = probes(
        "test.hostile.read-file",
        "native-files",
        json!({"paths": [manifest], "dirs": [dir]}),
    );
    assert_eq!(found.len(), 7, "{found:#?}");
    allowed(&found, "read /etc/passwd");
    allowed(&found, &format!("read {manifest}"));
    assert!(
        allowed(&found, &format!("list {dir}"))
            .detail
            .contains("plugin.toml")
    );
    allowed(&found, "list /");
    let written = format!("{WRITE_PREFIX}native-files");
    allowed(&found, &format!("write {written}"));
    std::fs::remove_file(written).unwrap();
}

#[test]
fn open_socket_connects_sends_and_resolves_natively() {
    let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let (tcp_at, udp_at) = (tcp.local_addr().unwrap(), udp.local_addr().unwrap());
    let found = probes(
        "test.hostile.open-socket",
        "native-sockets",
        json!({"tcp": tcp_at.to_string(), "udp": udp_at.to_string(), "host": "localhost"}),
    );
    allowed(&found, &format!("tcp-connect {tcp_at}"));
    allowed(&found, &format!("udp-send {udp_at}"));
    allowed(&found, "dns localhost");
    allowed(&found, "tcp-listen 127.0.0.1:0");
    let mut line = String::new();
    tcp.accept().unwrap().0.read_to_string(&mut line).unwrap();
    assert_eq!(line, "hostile was here\n");
    let mut buf = [0; 64];
    let (n, _) = udp.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"hostile was here");
}

#[test]
fn env_sees_the_test_process_natively() {
    let found = probes("test.hostile.env", "native-env", json!({}));
    assert!(
        allowed(&found, "env-vars")
            .detail
            .contains("CARGO_MANIFEST_DIR=")
    );
    allowed(&found, "args");
    allowed(&found, "current-dir");
}

#[test]
fn near_deadline_spins_as_long_as_asked() {
    let started = Instant::now();
    let p = near_deadline(started, 30);
    assert!(started.elapsed().as_millis() >= 30);
    assert_eq!(p.probe, "near-deadline");
    let found = probes(
        "test.hostile.near-deadline",
        "native-near",
        json!({"ms": 5}),
    );
    assert_eq!(found[0].probe, "near-deadline");
}

#[test]
fn huge_batch_is_over_both_output_limits() {
    let mut h = Harness::<Hostile>::new(json!({})).unwrap();
    let out = h
        .handle(&[TestEvent::new("test.hostile.huge-batch").id("huge")])
        .unwrap();
    assert_eq!(out.len(), HUGE_BATCH_OUTPUTS);
    const { assert!(HUGE_BATCH_OUTPUTS > 100, "over `outputs-per-batch`") };
    const {
        assert!(
            HUGE_BATCH_OUTPUTS * HUGE_BATCH_DATA > 1 << 20,
            "over `output-bytes`"
        )
    };
    assert!(
        out.iter()
            .all(|o| o.data.as_ref().map(Vec::len) == Some(HUGE_BATCH_DATA))
    );
}
