//! Publishing: who may publish what, and what the registry keeps.

use cityhub_package::SecretKey;
use cityhub_registry::Error;

use crate::harness::{Env, api_error, manifest, signed, signed_with, unsigned};

crate::suite!(
    publish_stores_the_package_and_answers_its_digest,
    the_same_version_twice_is_refused_even_with_the_same_bytes,
    a_missing_or_wrong_token_is_401,
    a_name_belongs_to_the_first_vendor,
    a_package_signed_by_another_than_the_tokens_vendor_is_403,
    tampered_and_unsigned_packages_are_400_with_the_package_error,
    the_manifest_must_match_the_path,
    uploads_over_the_limit_are_413,
    concurrent_publishes_of_one_version_store_it_once,
    a_vendor_is_added_once,
);

async fn publish_stores_the_package_and_answers_its_digest(env: Env) {
    let acme = env.vendor("acme").await;
    let bytes = signed("weather", "1.0.0", &acme.key);
    let digest = cityhub_package::Package::read_unverified(&bytes)
        .unwrap()
        .digest();
    let published = env
        .client
        .publish(bytes.clone(), &acme.token)
        .await
        .unwrap();
    assert_eq!(published.name, "weather");
    assert_eq!(published.version.to_string(), "1.0.0");
    assert_eq!(published.vendor, "acme");
    assert_eq!(published.digest, digest.to_string());

    let version = "1.0.0".parse().unwrap();
    let downloaded = env.client.download("weather", &version).await.unwrap();
    assert_eq!(
        downloaded, bytes,
        "the download is the upload, byte for byte"
    );
    let opened = cityhub_package::Package::read_unverified(&downloaded).unwrap();
    assert_eq!(opened.digest().to_string(), published.digest);

    // the raw answer carries the media type, length and digest
    let raw = env.get("/v1/plugins/weather/1.0.0/package").await;
    assert_eq!(raw.status, 200);
    assert_eq!(
        raw.header("content-type"),
        "application/vnd.cityhub.package"
    );
    assert_eq!(raw.header("content-length"), bytes.len().to_string());
    assert_eq!(raw.header("x-cityhub-digest"), published.digest);
}

async fn the_same_version_twice_is_refused_even_with_the_same_bytes(env: Env) {
    let acme = env.vendor("acme").await;
    let bytes = signed("weather", "1.0.0", &acme.key);
    env.client
        .publish(bytes.clone(), &acme.token)
        .await
        .unwrap();
    let (status, code, message) = api_error(env.client.publish(bytes, &acme.token).await);
    assert_eq!((status, code.as_str()), (409, "version_exists"));
    assert!(
        message.contains("`weather@1.0.0` is already published"),
        "{message}"
    );
    assert!(message.contains("bump `version`"), "{message}");
    // different bytes, same version: refused too, and the first stays
    let other = signed_with(&manifest("weather", "1.0.0", "Changed."), &acme.key);
    let (status, code, _) = api_error(env.client.publish(other, &acme.token).await);
    assert_eq!((status, code.as_str()), (409, "version_exists"));
    let index = env.client.index("weather").await.unwrap();
    assert_eq!(index.versions.len(), 1);
    assert_eq!(index.versions[0].description, "A test plugin.");
}

async fn a_missing_or_wrong_token_is_401(env: Env) {
    let acme = env.vendor("acme").await;
    let bytes = signed("weather", "1.0.0", &acme.key);
    let (status, code, message) = api_error(
        env.client
            .publish(bytes.clone(), "cityhub_vt_not-a-token")
            .await,
    );
    assert_eq!((status, code.as_str()), (401, "unauthorized"));
    assert!(message.contains("not valid for this registry"), "{message}");

    let raw = env
        .send("PUT", "/v1/plugins/weather/1.0.0", None, bytes)
        .await;
    assert_eq!(raw.status, 401);
    assert_eq!(raw.header("www-authenticate"), "Bearer");
    let body = raw.json();
    assert_eq!(body["error"]["code"], "unauthorized");
    assert_eq!(body["error"]["field"], "authorization");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Authorization: Bearer <token>")
    );
    assert!(matches!(
        env.client.index("weather").await,
        Err(Error::Api { status: 404, .. })
    ));
}

async fn a_name_belongs_to_the_first_vendor(env: Env) {
    let acme = env.vendor("acme").await;
    let rival = env.vendor("rival").await;
    env.client
        .publish(signed("weather", "1.0.0", &acme.key), &acme.token)
        .await
        .unwrap();
    let (status, code, message) = api_error(
        env.client
            .publish(signed("weather", "2.0.0", &rival.key), &rival.token)
            .await,
    );
    assert_eq!((status, code.as_str()), (403, "name_taken"));
    assert!(
        message.contains("plugin `weather` belongs to vendor `acme`, not `rival`"),
        "{message}"
    );
    // nor may the rival yank the owner's version
    let (status, code, _) = api_error(
        env.client
            .yank("weather", &"1.0.0".parse().unwrap(), &rival.token)
            .await,
    );
    assert_eq!((status, code.as_str()), (403, "name_taken"));
    // the owner goes on publishing
    env.client
        .publish(signed("weather", "1.1.0", &acme.key), &acme.token)
        .await
        .unwrap();
    assert_eq!(env.client.index("weather").await.unwrap().vendor, "acme");
}

async fn a_package_signed_by_another_than_the_tokens_vendor_is_403(env: Env) {
    let acme = env.vendor("acme").await;
    let rival = env.vendor("rival").await;
    // rival's token, acme's signature
    let (status, code, message) = api_error(
        env.client
            .publish(signed("weather", "1.0.0", &acme.key), &rival.token)
            .await,
    );
    assert_eq!((status, code.as_str()), (403, "wrong_signer"));
    assert!(
        message.contains("signed by vendor `acme`, but the token is vendor `rival`'s"),
        "{message}"
    );
    // acme's id, but not acme's registered key
    let impostor = SecretKey::generate("acme".parse().unwrap()).unwrap();
    let (status, code, message) = api_error(
        env.client
            .publish(signed("weather", "1.0.0", &impostor), &acme.token)
            .await,
    );
    assert_eq!((status, code.as_str()), (403, "wrong_signer"));
    assert!(
        message.contains("not the key this registry holds for `acme`"),
        "{message}"
    );
    assert!(matches!(
        env.client.index("weather").await,
        Err(Error::Api { status: 404, .. })
    ));
}

async fn tampered_and_unsigned_packages_are_400_with_the_package_error(env: Env) {
    let acme = env.vendor("acme").await;
    let mut bytes = signed("weather", "1.0.0", &acme.key);
    // a byte of the component, which sits before the signature's 1 + 1 +
    // 4 + 32 + 64 trailing bytes
    let at = bytes.len() - 200;
    bytes[at] ^= 0xff;
    let (status, code, message) = api_error(env.client.publish(bytes, &acme.token).await);
    assert_eq!((status, code.as_str()), (400, "invalid_package"));
    let expected = cityhub_package::Error::Tampered {
        vendor: "acme".parse().unwrap(),
    }
    .to_string();
    assert_eq!(message, expected);

    let unsigned = unsigned("weather", "1.0.0").to_bytes();
    let (status, code, message) = api_error(env.client.publish(unsigned, &acme.token).await);
    assert_eq!((status, code.as_str()), (400, "invalid_package"));
    assert_eq!(message, cityhub_package::Error::Unsigned.to_string());

    // not a package at all, sent raw (the client reads the package first)
    let raw = env
        .send(
            "PUT",
            "/v1/plugins/weather/1.0.0",
            Some(&acme.token),
            b"hello".to_vec(),
        )
        .await;
    assert_eq!(raw.status, 400);
    let body = raw.json();
    assert_eq!(body["error"]["code"], "invalid_package");
    assert_eq!(
        body["error"]["message"],
        cityhub_package::Error::NotAPackage.to_string()
    );
}

async fn the_manifest_must_match_the_path(env: Env) {
    let acme = env.vendor("acme").await;
    let bytes = signed("weather", "1.0.0", &acme.key);
    for (path, status, code, text) in [
        (
            "rain/1.0.0",
            400,
            "path_mismatch",
            "the package is name `weather` but was published as `rain`",
        ),
        (
            "weather/1.0.1",
            400,
            "path_mismatch",
            "the package is version `1.0.0` but was published as `1.0.1`",
        ),
        (
            "Weather/1.0.0",
            400,
            "invalid_name",
            "plugin name `Weather` is not valid",
        ),
        (
            "weather/1.0",
            400,
            "invalid_version",
            "`1.0` is not a version",
        ),
        ("weather/1.0.0+b7", 400, "invalid_version", "build metadata"),
    ] {
        let path = format!("/v1/plugins/{path}");
        let answer = env
            .send("PUT", &path, Some(&acme.token), bytes.clone())
            .await;
        assert_eq!(answer.status, status, "{path}");
        let body = answer.json();
        assert_eq!(body["error"]["code"], code, "{path}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(text), "{path}: {message}");
    }
}

async fn uploads_over_the_limit_are_413(env: Env) {
    // the harness serves with max_upload = 256 KiB
    let acme = env.vendor("acme").await;
    let mut p = cityhub_package::Package::pack(
        &manifest("weather", "1.0.0", "Big."),
        crate::harness::component(300 << 10),
    )
    .unwrap();
    p.sign(&acme.key);
    let (status, code, message) = api_error(env.client.publish(p.to_bytes(), &acme.token).await);
    assert_eq!((status, code.as_str()), (413, "payload_too_large"));
    assert!(message.contains("262144 bytes"), "{message}");
    // the same, chunked without a Content-Length: refused while reading
    let answer = chunked_put(
        env.addr,
        "/v1/plugins/weather/1.0.0",
        &acme.token,
        &p.to_bytes(),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("payload_too_large"), "{answer}");
    assert!(matches!(
        env.client.index("weather").await,
        Err(Error::Api { status: 404, .. })
    ));
}

async fn concurrent_publishes_of_one_version_store_it_once(env: Env) {
    let acme = env.vendor("acme").await;
    let tries: Vec<_> = (0..6)
        .map(|i| {
            let client = env.client.clone();
            let token = acme.token.clone();
            let bytes = signed_with(
                &manifest("weather", "1.0.0", &format!("try {i}")),
                &acme.key,
            );
            tokio::spawn(async move { client.publish(bytes, &token).await })
        })
        .collect();
    let mut won = 0;
    for t in tries {
        match t.await.unwrap() {
            Ok(_) => won += 1,
            Err(Error::Api { status: 409, .. }) => {}
            Err(e) => panic!("unexpected: {e}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(env.client.index("weather").await.unwrap().versions.len(), 1);
}

async fn a_vendor_is_added_once(env: Env) {
    let acme = env.vendor("acme").await;
    let again = env
        .registry
        .add_vendor(acme.key.vendor(), &acme.key.public_key())
        .await
        .unwrap_err();
    assert!(matches!(again, Error::VendorExists { .. }));
    assert!(again.to_string().contains("vendor `acme` already exists"));
    // the first token still works
    env.client
        .publish(signed("weather", "1.0.0", &acme.key), &acme.token)
        .await
        .unwrap();
}

/// A `PUT` with `Transfer-Encoding: chunked` over a raw connection; the
/// answer's head and start of body.
async fn chunked_put(addr: std::net::SocketAddr, path: &str, token: &str, body: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "PUT {path} HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {token}\r\n\
         transfer-encoding: chunked\r\nconnection: close\r\n\r\n"
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    for chunk in body.chunks(16 << 10) {
        let frame = [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
        // the server may answer and close before the whole body is sent
        if tcp.write_all(&frame).await.is_err() {
            break;
        }
    }
    let _ = tcp.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = tcp.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}
