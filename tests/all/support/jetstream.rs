//! The machine's NATS JetStream server, spoken to over its text protocol
//! (one connection per JetStream API request): the streams of the test
//! cities, made by the hosts, deleted here once a city's folder is gone,
//! and those left by test processes that died (named `e2e-PID-N`) at the
//! first use in a process. Fails, never skips, when NATS is down.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    path::{Path, PathBuf},
    sync::{Mutex, Once},
    time::Duration,
};

use serde_json::{Value, json};

/// The server, as city.toml names it.
pub const URL: &str = "nats://127.0.0.1:4222";
const ADDR: &str = "127.0.0.1:4222";
/// How .ci/run starts it.
const START: &str = "start it as .ci/run does: `start-stop-daemon --start --oknodo --background \
    --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server \
    -l /var/log/nats-server.log`";

/// The streams of this process's cities, by folder.
static STREAMS: Mutex<Vec<(PathBuf, String)>> = Mutex::new(Vec::new());

/// The stream of the city in `dir`: a new `e2e-PID-N` the first time.
pub fn stream_for(dir: &Path) -> String {
    static SWEEP: Once = Once::new();
    SWEEP.call_once(|| {
        keep_account_directory();
        delete_streams_of_dead_processes();
    });
    let mut streams = STREAMS.lock().unwrap();
    if let Some((_, name)) = streams.iter().find(|(d, _)| d == dir) {
        return name.clone();
    }
    let name = super::unique_name("e2e");
    streams.push((dir.to_owned(), name.clone()));
    name
}

/// Deletes the streams of this process's cities whose folder is gone.
pub fn delete_streams_of_gone_folders() {
    let gone: Vec<String> = {
        let mut streams = STREAMS.lock().unwrap();
        let (gone, kept) = streams.drain(..).partition(|(d, _)| !d.exists());
        *streams = kept;
        gone.into_iter().map(|(_, name)| name).collect()
    };
    for name in gone {
        delete_stream(&name);
    }
}

/// Makes sure the stream `e2e-anchor` exists, and is never deleted.
/// NATS 2.9 removes the account's store directory with its last stream,
/// and a stream created meanwhile (another test's city) fails with
/// "could not create storage directory" (seen in CI): with one stream
/// always there, the directory stays.
fn keep_account_directory() {
    let answer = request(
        "STREAM.CREATE.e2e-anchor",
        &json!({"name": "e2e-anchor", "subjects": ["e2e-anchor.>"], "storage": "file", "max_msgs": 1}),
    );
    // 10058: it exists already (with this configuration, it is answered
    // as created; with another, it is there all the same).
    assert!(
        answer["error"].is_null() || answer["error"]["err_code"] == 10058,
        "creating JetStream stream `e2e-anchor`: {answer}"
    );
}

/// Deletes `e2e-PID-N` streams whose process is no longer running.
fn delete_streams_of_dead_processes() {
    for name in stream_names() {
        let pid = name
            .strip_prefix("e2e-")
            .and_then(|rest| rest.split_once('-'))
            .map(|(pid, _)| pid);
        if let Some(pid) = pid
            && !Path::new("/proc").join(pid).exists()
        {
            delete_stream(&name);
        }
    }
}

/// Every stream's name.
pub fn stream_names() -> Vec<String> {
    let mut names = Vec::new();
    loop {
        let page = request("STREAM.NAMES", &json!({"offset": names.len()}));
        let got: Vec<String> = page["streams"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|n| n.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let done = got.is_empty()
            || names.len() + got.len() >= page["total"].as_u64().unwrap_or(0) as usize;
        names.extend(got);
        if done {
            return names;
        }
    }
}

/// The stream's info (`$JS.API.STREAM.INFO.<name>`): config, state
/// (messages, consumers), or an `error` (code 404 when there is none).
#[allow(dead_code)] // tests/jetstream only
pub fn stream_info(name: &str) -> Value {
    request(&format!("STREAM.INFO.{name}"), &json!({}))
}

/// Deletes the stream `name` (and its consumers); gone already is fine.
pub fn delete_stream(name: &str) {
    let answer = request(&format!("STREAM.DELETE.{name}"), &json!({}));
    assert!(
        answer["success"] == true || answer["error"]["code"] == 404,
        "deleting JetStream stream `{name}`: {answer}"
    );
}

/// One JetStream API request (`$JS.API.<api>`) and its JSON answer.
pub fn request(api: &str, body: &Value) -> Value {
    let fail = |what: &str, e: &dyn std::fmt::Display| -> ! {
        panic!(
            "NATS at {ADDR}: {what} ({e}); the JetStream tests need NATS with JetStream (-js): {START}"
        )
    };
    let addr = ADDR.parse().unwrap();
    let conn = TcpStream::connect_timeout(&addr, Duration::from_secs(2))
        .unwrap_or_else(|e| fail("cannot connect", &e));
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut writer = conn;
    let mut line = String::new();
    reader
        .read_line(&mut line)
        .unwrap_or_else(|e| fail("no INFO greeting", &e));
    let payload = serde_json::to_vec(body).unwrap();
    let mut out = format!(
        "CONNECT {{\"verbose\":false,\"pedantic\":false,\"protocol\":1,\"name\":\"cityhub-e2e\"}}\r\n\
         SUB _INBOX.cityhub-e2e 1\r\nPUB $JS.API.{api} _INBOX.cityhub-e2e {}\r\n",
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(&payload);
    out.extend_from_slice(b"\r\n");
    writer
        .write_all(&out)
        .unwrap_or_else(|e| fail("cannot send", &e));
    loop {
        line.clear();
        let n = reader.read_line(&mut line).unwrap_or_else(|e| {
            fail(
                &format!("no answer to $JS.API.{api} within 5 s (is JetStream on?)"),
                &e,
            )
        });
        if n == 0 {
            fail("closed the connection", &"EOF");
        }
        let l = line.trim_end();
        if l == "PING" {
            let _ = writer.write_all(b"PONG\r\n");
        } else if l.starts_with("-ERR") {
            fail(&format!("refused $JS.API.{api}"), &l);
        } else if let Some(rest) = l.strip_prefix("MSG ") {
            let len: usize = rest.rsplit(' ').next().unwrap().parse().unwrap();
            let mut buf = vec![0; len + 2];
            reader
                .read_exact(&mut buf)
                .unwrap_or_else(|e| fail("answer cut short", &e));
            buf.truncate(len);
            return serde_json::from_slice(&buf).unwrap();
        }
    }
}
