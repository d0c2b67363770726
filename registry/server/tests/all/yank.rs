//! Yanking: a yanked version is never resolved for a new install, but stays
//! downloadable; unyank brings it back.

use cityhub_registry::resolve;
use semver::VersionReq;

use crate::harness::{Env, api_error, signed};

crate::suite!(yank_hides_a_version_from_resolve_and_unyank_restores_it);

async fn yank_hides_a_version_from_resolve_and_unyank_restores_it(env: Env) {
    let acme = env.vendor("acme").await;
    for v in ["1.0.0", "1.1.0"] {
        env.client
            .publish(signed("weather", v, &acme.key), &acme.token)
            .await
            .unwrap();
    }
    let req = VersionReq::parse("^1").unwrap();
    let resolved =
        |index: &cityhub_registry::Index| resolve(index, &req).map(|v| v.version.to_string());
    let v110 = "1.1.0".parse().unwrap();
    assert_eq!(
        resolved(&env.client.index("weather").await.unwrap()).as_deref(),
        Some("1.1.0")
    );

    let state = env
        .client
        .yank("weather", &v110, &acme.token)
        .await
        .unwrap();
    assert!(state.yanked);
    let index = env.client.index("weather").await.unwrap();
    assert!(index.versions[1].yanked);
    assert_eq!(resolved(&index).as_deref(), Some("1.0.0"));
    // still downloadable, for those who pinned it
    assert!(
        !env.client
            .download("weather", &v110)
            .await
            .unwrap()
            .is_empty()
    );
    // yanking twice changes nothing
    assert!(
        env.client
            .yank("weather", &v110, &acme.token)
            .await
            .unwrap()
            .yanked
    );
    let hit = env
        .client
        .search("weather")
        .await
        .unwrap()
        .plugins
        .remove(0);
    assert_eq!(hit.latest.unwrap().to_string(), "1.0.0");
    assert_eq!(hit.versions, 1);

    let state = env
        .client
        .unyank("weather", &v110, &acme.token)
        .await
        .unwrap();
    assert!(!state.yanked);
    assert_eq!(
        resolved(&env.client.index("weather").await.unwrap()).as_deref(),
        Some("1.1.0")
    );

    let (status, code, _) = api_error(
        env.client
            .yank("weather", &"3.0.0".parse().unwrap(), &acme.token)
            .await,
    );
    assert_eq!((status, code.as_str()), (404, "not_found"));
    let (status, _, _) = api_error(env.client.yank("weather", &v110, "wrong").await);
    assert_eq!(status, 401);
}
