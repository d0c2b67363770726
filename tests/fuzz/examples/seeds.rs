//! Writes the seed corpus, `corpus/<target>/`, from the repository's own
//! files: the plugins' sample events, the demo city.toml and the config
//! tests' files, every plugin.toml, packages of those manifests signed with
//! the fuzz key, and Open311 reports like the e2e tests'. Run it from
//! `tests/fuzz` after those files change:
//!
//! ```sh
//! cargo run --example seeds
//! ```
//!
//! It replaces the files it names and leaves others (crash regressions
//! added by hand) alone.

use std::{
    fs,
    path::{Path, PathBuf},
};

use cityhub_fuzz::{fuzz_key, repo_root};
use cityhub_package::{Package, SecretKey};
use serde_json::{Value, json};

/// A component's first bytes: magic, version 0x0d, layer 1. Packages only
/// check this much, so the seeds stay small.
const COMPONENT: &[u8] = b"\0asm\x0d\x00\x01\x00";

/// Sample events per events file used as single events and batches.
const PER_FILE: usize = 3;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = repo_root();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut seeds = Seeds { corpus, count: 0 };
    events(&root, &mut seeds)?;
    configs(&root, &mut seeds)?;
    packages(&root, &mut seeds)?;
    open311(&mut seeds)?;
    println!(
        "wrote {} seeds under {}",
        seeds.count,
        seeds.corpus.display()
    );
    Ok(())
}

struct Seeds {
    corpus: PathBuf,
    count: usize,
}

impl Seeds {
    fn write(&mut self, target: &str, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        let dir = self.corpus.join(target);
        fs::create_dir_all(&dir)?;
        fs::write(dir.join(name), bytes)?;
        self.count += 1;
        Ok(())
    }
}

/// Files matching `dir/*/sub/*.ext`, or `dir/*.ext` when `sub` is empty, sorted.
fn files(dir: &Path, sub: &str, ext: &str) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        let inner = if sub.is_empty() {
            vec![path]
        } else if path.join(sub).is_dir() {
            fs::read_dir(path.join(sub))?
                .map(|e| e.map(|e| e.path()))
                .collect::<Result<_, _>>()?
        } else if path.join(sub).is_file() {
            vec![path.join(sub)]
        } else {
            vec![]
        };
        out.extend(
            inner
                .into_iter()
                .filter(|p| p.extension().is_some_and(|e| e == ext)),
        );
    }
    out.sort();
    Ok(out)
}

/// A name for a seed from the last `levels` parts of the file's path it
/// came from, without extensions, `events` or `plugin.toml`: `traffic-readings`.
fn stem(path: &Path, levels: usize) -> String {
    let mut parts: Vec<String> = path
        .iter()
        .rev()
        .take(levels)
        .filter(|p| *p != "events" && *p != "plugin.toml")
        .map(|p| {
            Path::new(p)
                .file_stem()
                .unwrap_or(p)
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    parts.reverse();
    parts.join("-")
}

fn events(root: &Path, seeds: &mut Seeds) -> Result<(), Box<dyn std::error::Error>> {
    for file in files(&root.join("plugins"), "events", "json")? {
        let name = stem(&file, 3);
        let all: Vec<Value> = serde_json::from_str(&fs::read_to_string(&file)?)?;
        let some = &all[..all.len().min(PER_FILE)];
        for (i, event) in some.iter().enumerate() {
            let text = serde_json::to_vec(event)?;
            seeds.write("cloudevents_structured", &format!("{name}-{i}.json"), &text)?;
        }
        seeds.write(
            "cloudevents_batch",
            &format!("{name}.json"),
            &serde_json::to_vec(some)?,
        )?;
        if let Some(first) = some.first() {
            seeds.write(
                "cloudevents_binary",
                &format!("{name}.http"),
                &binary(first),
            )?;
        }
    }
    // What the samples do not show: bytes, text, extensions of each kind,
    // nulls, and the binary mode's quoting and percent-encoding.
    let reading = json!({"specversion": "1.0", "id": "r-1", "source": "/sensors/cau-giay/42",
        "type": "city.traffic.reading", "subject": "Ngã tư Cầu Giấy", "time": "2026-11-27T08:00:00+07:00"});
    let with = |extra: Value| {
        let mut e = reading.clone();
        if let (Some(e), Value::Object(extra)) = (e.as_object_mut(), extra) {
            e.extend(extra);
        }
        e
    };
    let extra = [
        (
            "base64",
            with(json!({"datacontenttype": "application/octet-stream", "data_base64": "AP8QIA=="})),
        ),
        (
            "text",
            with(json!({"datacontenttype": "text/plain; charset=utf-8", "data": "Hữu Nghị"})),
        ),
        (
            "extensions",
            with(
                json!({"partitionkey": "QL1A", "lane": 2, "priority": true, "dataclass": "personal", "traceparent": null}),
            ),
        ),
        (
            "nulls",
            with(json!({"subject": null, "dataschema": null, "data": null})),
        ),
        (
            "xml",
            with(
                json!({"datacontenttype": "application/xml", "dataschema": "https://example.vn/s.xsd", "data": "<a>1</a>"}),
            ),
        ),
    ];
    for (name, event) in &extra {
        let text = serde_json::to_vec_pretty(event)?;
        seeds.write("cloudevents_structured", &format!("{name}.json"), &text)?;
    }
    let batch: Vec<&Value> = extra.iter().map(|(_, e)| e).collect();
    seeds.write(
        "cloudevents_batch",
        "kinds.json",
        &serde_json::to_vec_pretty(&batch)?,
    )?;
    seeds.write(
        "cloudevents_binary",
        "octet-stream.http",
        b"ce-specversion: 1.0\nce-id: bin-2\nce-source: /gates/huu-nghi\nce-type: city.traffic.gate-count\n\
          ce-partitionkey: \"huu-nghi\"\ncontent-type: application/octet-stream\n\n\x00\x01\xff",
    )?;
    seeds.write(
        "cloudevents_binary",
        "ingest-e2e.http",
        "ce-specversion: 1.0\nce-id: bin-1\nce-source: /sensors/cửa-khẩu\nce-type: city.traffic.reading\n\
         ce-subject: H%E1%BB%AFu%20Ngh%E1%BB%8B\ncontent-type: application/json\n\n{\"speed_kmh\": 23.5}"
            .as_bytes(),
    )?;
    Ok(())
}

/// A binary-mode request for a JSON-format event: `ce-*` headers,
/// percent-encoded as the binding says, `content-type`, a blank line, data.
fn binary(event: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    let Some(map) = event.as_object() else {
        return out;
    };
    for (name, value) in map {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Null => continue,
            other => other.to_string(),
        };
        let header = match name.as_str() {
            "data" | "data_base64" => continue,
            "datacontenttype" => "content-type".to_owned(),
            other => format!("ce-{other}"),
        };
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(b": ");
        for b in text.bytes() {
            if b.is_ascii_graphic() && b != b'%' && b != b'"' {
                out.push(b);
            } else {
                out.extend_from_slice(format!("%{b:02X}").as_bytes());
            }
        }
        out.push(b'\n');
    }
    out.push(b'\n');
    if let Some(data) = map.get("data") {
        out.extend_from_slice(data.to_string().as_bytes());
    }
    out
}

fn configs(root: &Path, seeds: &mut Seeds) -> Result<(), Box<dyn std::error::Error>> {
    seeds.write("city_toml", "demo.toml", &fs::read(root.join("city.toml"))?)?;
    // The config tests' files, with their fixtures' paths from the root.
    let ui = root.join("host/config/tests/ui");
    for file in files(&ui, "", "toml")? {
        let text =
            fs::read_to_string(&file)?.replace("\"fixture/", "\"host/config/tests/ui/fixture/");
        seeds.write(
            "city_toml",
            &format!("{}.toml", stem(&file, 1)),
            text.as_bytes(),
        )?;
    }
    let mut manifests = files(&root.join("plugins"), "plugin.toml", "toml")?;
    manifests.extend(files(&ui.join("fixture"), "plugin.toml", "toml")?);
    manifests.push(root.join("tests/plugins/hostile/plugin.toml"));
    for file in &manifests {
        seeds.write(
            "plugin_toml",
            &format!("{}.toml", stem(file, 2)),
            &fs::read(file)?,
        )?;
    }
    for file in files(&root.join("host/manifest/tests/ui"), "", "toml")? {
        seeds.write(
            "plugin_toml",
            &format!("{}.toml", stem(&file, 1)),
            &fs::read(&file)?,
        )?;
    }
    Ok(())
}

fn packages(root: &Path, seeds: &mut Seeds) -> Result<(), Box<dyn std::error::Error>> {
    // Another vendor's key (seed = 32 bytes of 7), which the fuzz trust does not hold.
    let stranger = SecretKey::from_text(
        "cityhub-secret-key ed25519 other-vendor BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n",
    )?;
    for (i, file) in files(&root.join("plugins"), "plugin.toml", "toml")?
        .iter()
        .enumerate()
    {
        let name = stem(file, 2);
        let mut package = Package::pack(&fs::read_to_string(file)?, COMPONENT.to_vec())?;
        match i {
            0 => seeds.write(
                "package_open",
                &format!("{name}-unsigned.chpkg"),
                &package.to_bytes(),
            )?,
            1 => {
                package.sign(&stranger);
                seeds.write(
                    "package_open",
                    &format!("{name}-untrusted.chpkg"),
                    &package.to_bytes(),
                )?;
            }
            _ => {}
        }
        package.sign(fuzz_key());
        seeds.write(
            "package_open",
            &format!("{name}.chpkg"),
            &package.to_bytes(),
        )?;
    }
    Ok(())
}

fn open311(seeds: &mut Seeds) -> std::io::Result<()> {
    let form = "application/x-www-form-urlencoded\n";
    let json = "application/json; charset=utf-8\n";
    let reports: [(&str, String); 8] = [
        ("form-valid", format!("{form}service_code=pothole&lat=21.853&long=106.761&description=%E1%BB%94+g%C3%A0+s%C3%A2u&email=dan%40example.vn&jurisdiction_id=langson.gov.vn")),
        ("form-address", format!("{form}service_code=flooding&address_string=Km+12+QL1A%2C+Cao+L%E1%BB%99c&first_name=Lan&phone=0912345678&attribute%5Bdepth%5D=30")),
        ("form-errors", format!("{form}service_code=o-ga&lat=91&long=abc&media_url=file%3A%2F%2F%2Fx.jpg&email=nobody&colour=red")),
        ("form-no-type", "\nservice_code=streetlight&address_id=A-17&zipcode=240000&device_id=d-1&account_id=a-2&last_name=Nguy%E1%BB%85n".to_owned()),
        ("json-valid", format!("{json}{{\"service_code\": \"pothole\", \"lat\": 21.98, \"long\": 106.70, \"description\": \"Ổ gà sâu giữa làn xe tải trên Quốc lộ 1A\", \"email\": \"nguoidan@example.vn\", \"first_name\": \"Lan\", \"jurisdiction_id\": \"langson.gov.vn\"}}")),
        ("json-media", format!("{json}{{\"service_code\": \"litter\", \"address_string\": \"Chợ Đông Kinh\", \"media_url\": \"https://example.vn/anh.jpg\", \"api_key\": null, \"lat\": null}}")),
        ("json-errors", format!("{json}{{\"description\": \"x\", \"lat\": [1], \"long\": {{}}, \"jurisdiction_id\": \"hanoi.gov.vn\", \"email\": true}}")),
        ("json-not-object", format!("{json}[\"service_code\", \"pothole\"]")),
    ];
    for (name, body) in &reports {
        seeds.write("open311_form", name, body.as_bytes())?;
    }
    Ok(())
}
