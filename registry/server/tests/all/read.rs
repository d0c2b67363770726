//! The public reads: the index, search, and what the server answers to
//! requests it cannot serve.

use cityhub_registry::Error;

use crate::harness::{Env, api_error, manifest, signed, signed_with};

crate::suite!(
    the_index_gives_every_version_in_semver_order_with_its_fields,
    search_finds_names_and_descriptions,
    unknown_plugins_versions_and_endpoints_are_404,
);

async fn the_index_gives_every_version_in_semver_order_with_its_fields(env: Env) {
    let acme = env.vendor("acme").await;
    for v in ["1.10.0", "1.2.0", "2.0.0-beta.1"] {
        env.client
            .publish(signed("weather", v, &acme.key), &acme.token)
            .await
            .unwrap();
    }
    let index = env.client.index("weather").await.unwrap();
    assert_eq!(
        (index.name.as_str(), index.vendor.as_str()),
        ("weather", "acme")
    );
    let versions: Vec<String> = index
        .versions
        .iter()
        .map(|v| v.version.to_string())
        .collect();
    assert_eq!(versions, ["1.2.0", "1.10.0", "2.0.0-beta.1"]);
    let v = &index.versions[0];
    let bytes = signed("weather", "1.2.0", &acme.key);
    let package = cityhub_package::Package::read_unverified(&bytes).unwrap();
    assert_eq!(v.digest, package.digest().to_string());
    assert_eq!(v.size, bytes.len() as u64);
    assert_eq!(v.world.to_string(), "0.1.0");
    assert_eq!(v.description, "A test plugin.");
    assert!(!v.yanked);
    assert_eq!(v.limits.memory, 32 << 20);
    assert_eq!(v.limits.time_per_batch_ms, 250);
    assert_eq!(v.limits.outputs_per_batch, 1000, "the default");
    assert_eq!(v.capabilities, ["log", "state"], "sorted by the manifest");
    let published = time::OffsetDateTime::parse(
        &v.published_at,
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let age = time::OffsetDateTime::now_utc() - published;
    assert!(age.whole_seconds().abs() < 60, "{}", v.published_at);

    // the raw JSON has the contract's field names
    let raw = env.get("/v1/plugins/weather").await.json();
    let first = &raw["versions"][0];
    for field in [
        "version",
        "digest",
        "world",
        "capabilities",
        "limits",
        "size",
        "yanked",
        "published_at",
        "description",
    ] {
        assert!(first.get(field).is_some(), "no `{field}` in {first}");
    }
    for field in [
        "memory",
        "time_per_batch_ms",
        "outputs_per_batch",
        "output_bytes",
        "state_quota",
    ] {
        assert!(
            first["limits"].get(field).is_some(),
            "no limits `{field}` in {first}"
        );
    }
}

async fn search_finds_names_and_descriptions(env: Env) {
    let acme = env.vendor("acme").await;
    let other = env.vendor("other").await;
    let publish =
        |name: &str, version: &str, description: &str, by: &crate::harness::TestVendor| {
            let bytes = signed_with(&manifest(name, version, description), &by.key);
            let client = env.client.clone();
            let token = by.token.clone();
            async move { client.publish(bytes, &token).await.unwrap() }
        };
    publish("weather", "1.0.0", "Rain and wind.", &acme).await;
    publish("weather", "1.1.0", "Rain, wind and FLOODS.", &acme).await;
    publish("weather", "2.0.0-rc.1", "Next.", &acme).await;
    publish("parking", "0.3.0", "Free spaces per lot.", &other).await;
    publish(
        "flood-watch",
        "1.0.0",
        "River levels 50% of the time.",
        &other,
    )
    .await;

    let names = |r: &cityhub_registry::SearchResults| {
        r.plugins.iter().map(|p| p.name.clone()).collect::<Vec<_>>()
    };
    let all = env.client.search("").await.unwrap();
    assert_eq!(names(&all), ["flood-watch", "parking", "weather"]);
    let weather = &all.plugins[2];
    assert_eq!(weather.vendor, "acme");
    assert_eq!(
        weather.latest.as_ref().unwrap().to_string(),
        "1.1.0",
        "releases before pre-releases"
    );
    assert_eq!(weather.versions, 3);
    assert_eq!(weather.description, "Rain, wind and FLOODS.");

    // by name or any description, ignoring case
    assert_eq!(
        names(&env.client.search("flood").await.unwrap()),
        ["flood-watch", "weather"]
    );
    assert_eq!(
        names(&env.client.search("SPACES").await.unwrap()),
        ["parking"]
    );
    // LIKE's wildcards are taken literally
    assert_eq!(
        names(&env.client.search("50%").await.unwrap()),
        ["flood-watch"]
    );
    assert!(env.client.search("_").await.unwrap().plugins.is_empty());
    assert!(
        env.client
            .search("nothing like it")
            .await
            .unwrap()
            .plugins
            .is_empty()
    );
    assert_eq!(
        names(&env.client.search_limit("", 2).await.unwrap()),
        ["flood-watch", "parking"]
    );

    let (status, code, message) = api_error(env.client.search_limit("", 0).await);
    assert_eq!((status, code.as_str()), (400, "invalid_query"));
    assert!(message.contains("`limit` is invalid"), "{message}");
}

async fn unknown_plugins_versions_and_endpoints_are_404(env: Env) {
    let (status, code, message) = api_error(env.client.index("nothing").await);
    assert_eq!((status, code.as_str()), (404, "not_found"));
    assert!(message.contains("no plugin `nothing`"), "{message}");
    let acme = env.vendor("acme").await;
    env.client
        .publish(signed("weather", "1.0.0", &acme.key), &acme.token)
        .await
        .unwrap();
    let (status, _, message) = api_error(
        env.client
            .download("weather", &"9.9.9".parse().unwrap())
            .await,
    );
    assert_eq!(status, 404);
    assert!(
        message.contains("`weather@9.9.9` is not published"),
        "{message}"
    );

    let raw = env.get("/v2/nothing").await;
    assert_eq!(raw.status, 404);
    assert_eq!(raw.json()["error"]["code"], "not_found");
    let raw = env
        .send("DELETE", "/v1/plugins/weather", None, Vec::new())
        .await;
    assert_eq!(raw.status, 405);
    assert_eq!(raw.json()["error"]["code"], "method_not_allowed");
    assert_eq!(env.get("/healthz").await.json()["status"], "ok");
    let metrics = String::from_utf8(env.get("/metrics").await.body).unwrap();
    assert!(
        metrics.contains("cityhub_registry_published_total 1"),
        "{metrics}"
    );
    assert!(matches!(
        env.client.index("Bad Name").await,
        Err(Error::Api { status: 400, .. })
    ));
}
