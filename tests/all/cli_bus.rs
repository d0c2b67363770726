//! The client commands against a running host: `cityhub deadletters
//! list|replay`, `cityhub replay`, `cityhub plugin status|resume` — what they
//! print, what they change (checked through the HTTP API), and how they
//! report an unreachable server and the API's errors.

use std::{path::Path, process::Output};

use serde_json::{Value, json};

use crate::support::{Host, PluginSpec, cityhub};

fn hostile(id: &str, behaviour: &str) -> Value {
    json!({"specversion": "1.0", "id": id, "source": "/tests/cli-bus", "type": format!("test.hostile.{behaviour}"), "data": {}})
}

/// What one run of the CLI printed.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn of(out: Output) -> Self {
        Self {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn ok(self) -> Self {
        assert_eq!(self.code, Some(0), "{self}");
        self
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit code {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `cityhub ARGS --server http://HOST` with the host's admin token.
fn cli(host: &Host, args: &[&str]) -> Run {
    Run::of(
        host.cli()
            .args(args)
            .args(["--server", &format!("http://{}", host.addr)])
            .env_remove("CITYHUB_SERVER")
            .output()
            .unwrap(),
    )
}

fn letters(v: &Value) -> Vec<Value> {
    v["deadletters"].as_array().cloned().unwrap_or_default()
}

fn all(v: &Value, n: usize, pred: impl Fn(&Value) -> bool) -> bool {
    let l = letters(v);
    l.len() == n && l.iter().all(pred)
}

fn plugin(v: &Value, name: &str) -> Value {
    v["plugins"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .cloned()
        .unwrap()
}

/// The table's line for dead letter `id`.
fn row(table: &str, id: i64) -> &str {
    table
        .lines()
        .find(|l| l.split_whitespace().next() == Some(&id.to_string()))
        .unwrap_or_else(|| panic!("no row for dead letter {id} in:\n{table}"))
}

#[tokio::test]
async fn deadletters_are_listed_replayed_and_the_plugin_resumed_from_the_cli() {
    let spec = PluginSpec::hostile()
        .route("dead-letter = true")
        .plugin("circuit = { failures = 3, cool-down = \"1h\" }");
    let (host, _dir) = Host::start(&[spec]);
    let events = [
        hostile("cli-ok", "ok"),
        hostile("cli-panic-1", "panic"),
        hostile("cli-panic-2", "panic"),
        hostile("cli-panic-3", "panic"),
    ];
    assert_eq!(host.post_batch(&events).await.status(), 202);
    let path = "/v1/deadletters?route=hostile";
    let api = host
        .wait_json(path, "3 dead letters", |v| {
            all(v, 3, |d| d["status"] == "dead")
        })
        .await;
    let api = letters(&api);
    let ids: Vec<i64> = api.iter().map(|d| d["id"].as_i64().unwrap()).collect();

    // Three failures in a row: the breaker suspended the plugin (before the
    // letters were committed), and `plugin status` says so and why.
    let plugins = host.get_json("/v1/plugins").await;
    assert_eq!(plugin(&plugins, "hostile")["status"], "suspended");
    let status = cli(&host, &["plugin", "status"]).ok().stdout;
    let mut lines = status.lines();
    assert!(
        lines.next().unwrap().starts_with("NAME"),
        "a header: {status}"
    );
    let line = lines.next().unwrap();
    for part in ["hostile", "0.1.0", "suspended", "(in ", "hostile"] {
        assert!(line.contains(part), "`{part}` in `{line}`:\n{status}");
    }
    assert!(
        status.contains("hostile: suspended after: ")
            && status.contains("`cityhub plugin resume hostile` resumes it now"),
        "{status}"
    );

    // The table: one row per letter with its id, route, plugin@version, event
    // id, failure, attempts, status and the start of its reason.
    let table = cli(&host, &["deadletters", "list"]).ok().stdout;
    assert!(
        table.lines().next().unwrap().starts_with("ID")
            && table.lines().next().unwrap().ends_with("REASON"),
        "{table}"
    );
    assert_eq!(table.lines().count(), 4, "a header and 3 rows:\n{table}");
    for d in &api {
        let line = row(&table, d["id"].as_i64().unwrap());
        let event = d["event"]["id"].as_str().unwrap();
        let reason: String = d["reason"].as_str().unwrap().chars().take(30).collect();
        let seq = d["seq"].to_string();
        for part in [
            "hostile@0.1.0",
            seq.as_str(),
            event,
            "trap",
            "1",
            "dead",
            reason.as_str(),
        ] {
            assert!(line.contains(part), "`{part}` in `{line}`:\n{table}");
        }
    }
    // `--json`: the API's objects, one per line.
    let json = cli(
        &host,
        &["deadletters", "list", "--json", "--route", "hostile"],
    )
    .ok()
    .stdout;
    let printed: Vec<Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(printed, api);
    // `--limit` pages no further than asked, and says that more follow.
    let two = cli(&host, &["deadletters", "list", "--limit", "2"]).ok();
    assert_eq!(two.stdout.lines().count(), 3, "{two}");
    assert!(
        two.stderr.contains("the first 2 dead letters; more follow"),
        "{two}"
    );
    let none = cli(&host, &["deadletters", "list", "--status", "replayed"]).ok();
    assert_eq!(none.stdout, "no dead letters in status `replayed`\n");

    // Replaying the route's letters while the plugin is suspended: they are
    // `replaying`, and stay so until it runs again.
    let replay = cli(&host, &["deadletters", "replay", "--route", "hostile"]).ok();
    let expected = format!(
        "3 dead letters now replaying: {}\n",
        ids.iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    assert_eq!(replay.stdout, expected);
    let now = host.get_json(path).await;
    assert!(all(&now, 3, |d| d["status"] == "replaying"), "{now:#}");

    // Resumed on command: the route delivers them again; they fail again
    // (dead, one more attempt each), which suspends the plugin again.
    let resume = cli(&host, &["plugin", "resume", "hostile"]).ok();
    assert_eq!(
        resume.stdout,
        "plugin `hostile` was suspended; resumed: its routes deliver again\n"
    );
    host.wait_json(path, "the letters dead again after 2 attempts", |v| {
        all(v, 3, |d| d["status"] == "dead" && d["attempts"] == 2)
    })
    .await;
    let resume = cli(&host, &["plugin", "resume", "hostile"]).ok();
    assert!(resume.stdout.contains("was suspended; resumed"), "{resume}");

    // One letter, waited for: it fails again, so the exit code is 1.
    let first = ids[0].to_string();
    let waited = cli(&host, &["deadletters", "replay", &first, "--wait"]);
    assert_eq!(waited.code, Some(1), "{waited}");
    assert!(
        waited
            .stdout
            .starts_with(&format!("1 dead letter now replaying: {first}\n")),
        "{waited}"
    );
    assert!(
        waited.stdout.contains(&format!(
            "replayed 0/1, 1 failed again (now `dead`: {first})"
        )),
        "{waited}"
    );
    let d = host.get_json(&format!("/v1/deadletters/{first}")).await;
    assert_eq!((&d["status"], &d["attempts"]), (&json!("dead"), &json!(3)));

    // One failure does not suspend it.
    let resume = cli(&host, &["plugin", "resume", "hostile"]).ok();
    assert_eq!(
        resume.stdout,
        "plugin `hostile` was not suspended; nothing to resume\n"
    );
    let plugins = host.get_json("/v1/plugins").await;
    assert_eq!(plugin(&plugins, "hostile")["status"], "running");
}

#[tokio::test]
async fn replay_follows_the_route_to_the_end_of_the_log_and_sums_up() {
    let (host, _dir) = Host::start(&[PluginSpec::hostile().batch_size(10)]);
    let mut events: Vec<Value> = (0..40)
        .map(|i| hostile(&format!("r-ok-{i}"), "ok"))
        .collect();
    events.insert(10, hostile("r-panic-1", "panic"));
    events.insert(30, hostile("r-panic-2", "panic"));
    assert_eq!(host.post_batch(&events).await.status(), 202);
    // Delivered once: the echoes stored, the panics dead-lettered, and the
    // route at the end of the log.
    host.wait_for_events("test.hostile.ok", 80).await;
    host.wait_json("/v1/deadletters", "2 dead letters", |v| {
        letters(v).len() == 2
    })
    .await;
    let before = host
        .wait_json("/v1/routes/hostile", "the route at the end", |r| {
            r["position"] == r["last_seq"]
        })
        .await;
    let end = before["last_seq"].as_i64().unwrap();

    let run = cli(&host, &["replay", "--route", "hostile", "--after", "0"]).ok();
    // Not a terminal: plain progress lines on stderr, the first at once.
    assert!(
        run.stderr.contains("replaying route hostile: "),
        "progress: {run}"
    );
    let summary = run.stdout.lines().last().unwrap();
    let prefix = "replayed route `hostile`: ";
    assert!(summary.starts_with(prefix), "{run}");
    let to: i64 = summary
        .split("log positions 0 to ")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("the range in `{summary}`"));
    assert!(to >= end, "replayed to {to}, the log ended at {end}: {run}");
    assert!(
        summary.starts_with(&format!(
            "{prefix}{to} events (log positions 0 to {to}) in "
        )),
        "{summary}"
    );
    assert!(summary.contains(" events/s)"), "{summary}");
    // The command ended because the route got there.
    let after = host.get_json("/v1/routes/hostile").await;
    assert!(after["position"].as_i64().unwrap() >= to, "{after:#}");
    // The panics failed again: two new letters.
    host.wait_json("/v1/deadletters", "4 dead letters", |v| {
        letters(v).len() == 4
    })
    .await;

    // `--since` and `--no-wait`: the range, at once.
    let run = cli(
        &host,
        &[
            "replay",
            "--route",
            "hostile",
            "--since",
            "2000-01-01T00:00:00Z",
            "--no-wait",
        ],
    )
    .ok();
    assert!(
        run.stdout
            .starts_with("replaying route `hostile` from log position 0 to "),
        "{run}"
    );
}

#[tokio::test]
async fn client_commands_find_the_server_and_report_its_errors() {
    let (host, dir) = Host::start(&[PluginSpec::hostile()]);

    // The server from `--config`: only `[server] listen` is read.
    let config = dir.path().join("client.toml");
    std::fs::write(
        &config,
        format!(
            "[server]\nlisten = \"{}\"\n\n[plugins.elsewhere]\npath = \"no/such/folder\"\n",
            host.addr
        ),
    )
    .unwrap();
    let by_config = status_with(&host, &config, None);
    assert!(by_config.stdout.contains("running"), "{by_config}");
    // … and from `CITYHUB_SERVER`.
    let missing = dir.path().join("missing.toml");
    let by_env = status_with(&host, &missing, Some(&format!("http://{}", host.addr)));
    assert!(by_env.stdout.contains("running"), "{by_env}");

    // Nothing listening.
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere = format!("http://{}", free.local_addr().unwrap());
    drop(free);
    let out = Run::of(
        cityhub()
            .args(["deadletters", "list", "--server", &nowhere])
            .output()
            .unwrap(),
    );
    assert_eq!(out.code, Some(1), "{out}");
    assert_eq!(
        out.stderr,
        format!(
            "error: cannot reach the cityhub server at {nowhere}: is `cityhub serve` running? pass --server\n"
        )
    );

    // The API's errors: its message, exit code 2.
    for (args, message) in [
        (
            vec!["replay", "--route", "nosuch", "--after", "0"],
            "no route named `nosuch`: `GET /v1/routes` lists them",
        ),
        (
            vec!["replay", "--route", "hostile", "--since", "yesterday"],
            "`since` must be an RFC 3339 time such as `2026-11-27T08:00:00+07:00`: got `yesterday`",
        ),
        (
            vec!["deadletters", "replay", "--route", "nosuch"],
            "no route named `nosuch`: `GET /v1/routes` lists them",
        ),
        (
            vec!["deadletters", "replay", "424242"],
            "no dead letter 424242; `GET /v1/deadletters` lists them",
        ),
        (
            vec!["plugin", "resume", "nosuch"],
            "no plugin named `nosuch`: `GET /v1/plugins` lists them",
        ),
    ] {
        let out = cli(&host, &args);
        assert_eq!(out.code, Some(2), "{args:?}: {out}");
        assert_eq!(out.stderr, format!("error: {message}\n"), "{args:?}");
        assert_eq!(out.stdout, "", "nothing else: {args:?}");
    }

    // No token, an unknown one, one of a role without the permission: exit
    // code 2, the API's reason, the role needed and how to make a token.
    let server = format!("http://{}", host.addr);
    let operator = host.token_for("operator").await;
    let unknown = format!("chub_{}", "A".repeat(43));
    for (token, says) in [
        (
            None,
            "needs an API token for `/v1/deadletters`: pass `--token TOKEN`",
        ),
        (
            Some(unknown.as_str()),
            "refused the token for `/v1/deadletters`",
        ),
        (Some(operator.as_str()), "refused `/v1/deadletters`"),
    ] {
        let mut cmd = cityhub();
        cmd.args(["deadletters", "list", "--server", &server])
            .env_remove("CITYHUB_SERVER")
            .env_remove("CITYHUB_TOKEN");
        if let Some(token) = token {
            cmd.args(["--token", token]);
        }
        let out = Run::of(cmd.output().unwrap());
        assert_eq!(out.code, Some(2), "{out}");
        assert!(out.stderr.contains(says), "{out}");
        assert!(
            out.stderr.contains("role `integrator`")
                && out
                    .stderr
                    .contains("cityhub token create --role integrator --name NAME"),
            "{out}"
        );
        assert_eq!(out.stdout, "", "{out}");
    }
}

/// `cityhub plugin status --config CONFIG`, with `CITYHUB_SERVER` if given.
fn status_with(host: &Host, config: &Path, env: Option<&str>) -> Run {
    let mut cmd = host.cli();
    cmd.args(["plugin", "status", "--config"]).arg(config);
    match env {
        Some(server) => cmd.env("CITYHUB_SERVER", server),
        None => cmd.env_remove("CITYHUB_SERVER"),
    };
    Run::of(cmd.output().unwrap()).ok()
}
