//! Packages made, signed, opened, and every way of breaking one refused
//! with its own error and no panic.

use std::ops::Range;

use super::*;

const MANIFEST: &str = "name = \"weather\"\nversion = \"1.2.0\"\nvendor = \"Acme Sensors\"\n\
world = \"0.1.0\"\nsubscribes = [\"city.weather.reading\"]\ncapabilities = [\"state\", \"log\"]\n";

/// A component's 8-byte header and a few bytes of body: `pack` checks only
/// the header (the host's compiler checks the rest).
fn component() -> Vec<u8> {
    let mut c = b"\0asm\x0d\x00\x01\x00".to_vec();
    c.extend_from_slice(b"component body");
    c
}

fn key(vendor: &str) -> SecretKey {
    SecretKey::generate(vendor.parse().unwrap()).unwrap()
}

fn trusting(key: &SecretKey) -> Trust {
    [(key.vendor().clone(), key.public_key())]
        .into_iter()
        .collect()
}

fn signed(key: &SecretKey) -> Package {
    let mut p = Package::pack(MANIFEST, component()).unwrap();
    p.sign(key);
    p
}

/// Frames that `pack` would refuse, signed anyway, to reach the checks
/// after the signature.
fn signed_raw(key: &SecretKey, manifest: &[u8], component: &[u8]) -> Vec<u8> {
    let sig = Signature::make(key, &Digest::of_package(manifest, component));
    format::write(manifest, component, Some(&sig))
}

/// Where each part of a signed package of `MANIFEST` lies in its bytes.
struct Regions {
    magic: Range<usize>,
    version: Range<usize>,
    manifest_len: Range<usize>,
    manifest: Range<usize>,
    component_len: Range<usize>,
    component: Range<usize>,
    flag: usize,
    vendor_len: usize,
    vendor: Range<usize>,
    key: Range<usize>,
    signature: Range<usize>,
}

fn regions(vendor_len: usize) -> Regions {
    let m = MANIFEST.len();
    let c = component().len();
    let manifest = 12..12 + m;
    let component = manifest.end + 8..manifest.end + 8 + c;
    let flag = component.end;
    let vendor = flag + 2..flag + 2 + vendor_len;
    let key = vendor.end..vendor.end + 32;
    Regions {
        magic: 0..6,
        version: 6..8,
        manifest_len: 8..12,
        component_len: manifest.end..manifest.end + 8,
        manifest,
        component,
        flag,
        vendor_len: flag + 1,
        vendor,
        signature: key.end..key.end + 64,
        key,
    }
}

#[test]
fn signed_package_roundtrips_and_opens_with_its_manifest() {
    let acme = key("acme");
    let p = signed(&acme);
    let bytes = p.to_bytes();
    assert_eq!(bytes.len(), regions(4).signature.end);
    assert_eq!(&bytes[..6], b"CHPKG\0");

    let v = Package::open(&bytes, &trusting(&acme)).unwrap();
    assert_eq!(v.package, p);
    assert_eq!(v.vendor.as_str(), "acme");
    assert_eq!(v.digest, p.digest());
    assert_eq!(v.manifest.name.as_str(), "weather");
    assert_eq!(v.manifest.version.to_string(), "1.2.0");
    assert_eq!(v.package.manifest_text(), MANIFEST);
    assert_eq!(v.package.component(), component());
    assert_eq!(v.package.signer(), Some((&v.vendor, &acme.public_key())));

    let again = Package::read_unverified(&bytes).unwrap();
    assert_eq!(again, p);
    assert_eq!(again.to_bytes(), bytes);
}

#[test]
fn unsigned_package_roundtrips_and_signing_keeps_its_digest() {
    let p = Package::pack(MANIFEST, component()).unwrap();
    assert_eq!(p.signer(), None);
    let bytes = p.to_bytes();
    assert_eq!(bytes.len(), regions(0).flag + 1);
    let back = Package::read_unverified(&bytes).unwrap();
    assert_eq!(back, p);
    assert_eq!(
        back.digest(),
        Digest::of_package(MANIFEST.as_bytes(), &component())
    );

    let mut s = back.clone();
    s.sign(&key("acme"));
    assert_eq!(s.digest(), p.digest());
    // Signing again replaces the signature.
    let other = key("other");
    s.sign(&other);
    assert_eq!(s.signer().map(|(v, _)| v.as_str()), Some("other"));
    Package::open(&s.to_bytes(), &trusting(&other)).unwrap();
}

#[test]
fn trust_decides_who_may_sign() {
    let acme = key("acme");
    let bytes = signed(&acme).to_bytes();

    let err = Package::open(&bytes, &Trust::new()).unwrap_err();
    assert_eq!(
        err,
        Error::UnknownVendor {
            vendor: "acme".parse().unwrap()
        }
    );
    assert!(err.to_string().contains("[trust.vendors]"), "{err}");

    // Another key claiming the same vendor id.
    let impostor = key("acme");
    let err = Package::open(&signed(&impostor).to_bytes(), &trusting(&acme)).unwrap_err();
    assert_eq!(
        err,
        Error::WrongKey {
            vendor: "acme".parse().unwrap(),
            signed_with: impostor.public_key(),
            trusted: acme.public_key(),
        }
    );
    let text = err.to_string();
    assert!(text.contains(&impostor.public_key().to_text()), "{text}");
    assert!(text.contains("do not install it"), "{text}");

    let unsigned = Package::pack(MANIFEST, component()).unwrap().to_bytes();
    assert_eq!(
        Package::open(&unsigned, &trusting(&acme)).unwrap_err(),
        Error::Unsigned
    );
}

#[test]
fn a_changed_byte_of_the_contents_is_tampering() {
    let acme = key("acme");
    let r = regions(4);
    let mut bytes = signed(&acme).to_bytes();
    bytes[r.component.end - 1] ^= 0x20;
    let err = Package::open(&bytes, &trusting(&acme)).unwrap_err();
    assert_eq!(
        err,
        Error::Tampered {
            vendor: "acme".parse().unwrap()
        }
    );
    assert!(err.to_string().contains("changed after signing"), "{err}");
    // Unverified reading still works (it is how `verify` shows the claim).
    assert!(Package::read_unverified(&bytes).is_ok());
}

#[test]
fn frame_errors_each_name_what_is_wrong() {
    let acme = key("acme");
    let good = signed(&acme).to_bytes();
    let trust = trusting(&acme);
    let open = |b: &[u8]| Package::open(b, &trust).unwrap_err();

    assert_eq!(open(b"PK\x03\x04 a zip file"), Error::NotAPackage);
    assert_eq!(open(b""), Error::Truncated { what: "header" });

    let mut v2 = good.clone();
    v2[6] = 2;
    assert_eq!(open(&v2), Error::Format { version: 2 });

    let mut long = good.clone();
    long.push(0);
    assert_eq!(open(&long), Error::Trailing { len: 1 });

    let mut flag = good.clone();
    flag[regions(4).flag] = 7;
    assert!(matches!(
        open(&flag),
        Error::Malformed {
            what: "signature flag",
            ..
        }
    ));

    // A length past the bound is refused before anything is taken.
    let mut huge_manifest = good[..8].to_vec();
    huge_manifest.extend_from_slice(&(MAX_MANIFEST as u32 + 1).to_le_bytes());
    assert_eq!(
        open(&huge_manifest),
        Error::TooLarge {
            what: "manifest",
            len: MAX_MANIFEST + 1,
            max: MAX_MANIFEST
        }
    );
    let mut huge_component = good[..regions(4).manifest.end].to_vec();
    huge_component.extend_from_slice(&u64::MAX.to_le_bytes());
    assert!(matches!(
        open(&huge_component),
        Error::TooLarge {
            what: "component",
            ..
        }
    ));
    // At the bound, but the bytes are not there.
    let mut short = good[..regions(4).manifest.end].to_vec();
    short.extend_from_slice(&MAX_COMPONENT.to_le_bytes());
    short.extend_from_slice(b"tiny");
    assert_eq!(open(&short), Error::Truncated { what: "component" });
}

#[test]
fn a_bad_vendor_id_or_manifest_inside_a_signed_package_is_refused() {
    let acme = key("acme");
    let r = regions(4);
    let mut upper = signed(&acme).to_bytes();
    upper[r.vendor.start] = b'A';
    let err = Package::open(&upper, &trusting(&acme)).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Malformed {
                what: "signature",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("vendor id `Acme`"), "{err}");

    let not_utf8 = signed_raw(&acme, b"name = \"\xff\"", &component());
    let err = Package::open(&not_utf8, &trusting(&acme)).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Malformed {
                what: "manifest",
                ..
            }
        ),
        "{err}"
    );

    let invalid = MANIFEST.replace("1.2.0", "one");
    let bytes = signed_raw(&acme, invalid.as_bytes(), &component());
    let err = Package::open(&bytes, &trusting(&acme)).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Manifest(_)), "{text}");
    assert!(
        text.contains("plugin.toml (inside the package):2:11"),
        "{text}"
    );
    assert!(text.contains("`one` is not"), "{text}");
}

#[test]
fn pack_refuses_what_cannot_be_installed() {
    let err = Package::pack(MANIFEST, b"\0asm\x01\x00\x00\x00".to_vec()).unwrap_err();
    assert_eq!(
        err,
        Error::NotAComponent {
            found: "a core WebAssembly module"
        }
    );
    let err = Package::pack(MANIFEST, b"#!/bin/sh".to_vec()).unwrap_err();
    assert_eq!(
        err,
        Error::NotAComponent {
            found: "not WebAssembly"
        }
    );
    assert!(err.to_string().contains("cityhub plugin build"), "{err}");

    let err = Package::pack("name = 1", component()).unwrap_err();
    assert!(matches!(err, Error::Manifest(_)), "{err}");

    let big = format!("{MANIFEST}# {}\n", "x".repeat(MAX_MANIFEST as usize));
    assert!(matches!(
        Package::pack(&big, component()).unwrap_err(),
        Error::TooLarge {
            what: "manifest",
            ..
        }
    ));
}

/// Every byte of a signed package, with a bit flipped (every bit of the
/// frame's bytes; one per byte of the manifest, component and signature,
/// each costing an ed25519 verification): always refused, with the error
/// that belongs to the part hit, and never a panic (unverified reading
/// included).
#[test]
fn every_flipped_bit_is_refused_with_the_error_of_its_region() {
    let acme = key("acme");
    let trust = trusting(&acme);
    let good = signed(&acme).to_bytes();
    let r = regions(4);
    let is_frame_error = |e: &Error| {
        matches!(
            e,
            Error::Truncated { .. }
                | Error::TooLarge { .. }
                | Error::Trailing { .. }
                | Error::Malformed { .. }
        )
    };
    let signed_over =
        |i: usize| r.manifest.contains(&i) || r.component.contains(&i) || r.signature.contains(&i);
    for i in 0..good.len() {
        let bits = if signed_over(i) {
            i % 8..i % 8 + 1
        } else {
            0..8
        };
        for bit in bits {
            let mut bytes = good.clone();
            bytes[i] ^= 1 << bit;
            let _ = Package::read_unverified(&bytes);
            let err = match Package::open(&bytes, &trust) {
                Ok(_) => panic!("byte {i} bit {bit} flipped, and the package still opened"),
                Err(e) => e,
            };
            let ok = if r.magic.contains(&i) {
                err == Error::NotAPackage
            } else if r.version.contains(&i) {
                matches!(err, Error::Format { .. })
            } else if signed_over(i) {
                err == Error::Tampered {
                    vendor: acme.vendor().clone(),
                }
            } else if r.key.contains(&i) {
                matches!(err, Error::WrongKey { .. })
            } else if r.vendor.contains(&i) {
                matches!(err, Error::UnknownVendor { .. } | Error::Malformed { .. })
            } else {
                assert!(
                    r.manifest_len.contains(&i)
                        || r.component_len.contains(&i)
                        || i == r.flag
                        || i == r.vendor_len,
                    "byte {i} is in no region"
                );
                is_frame_error(&err)
            };
            assert!(ok, "byte {i} bit {bit}: unexpected {err:?}");
        }
    }
}

/// Every proper prefix of a package (signed and unsigned) is truncated.
#[test]
fn truncation_at_every_length_is_refused_as_truncated() {
    let acme = key("acme");
    let trust = trusting(&acme);
    for bytes in [
        signed(&acme).to_bytes(),
        Package::pack(MANIFEST, component()).unwrap().to_bytes(),
    ] {
        for n in 0..bytes.len() {
            let cut = &bytes[..n];
            for err in [
                Package::open(cut, &trust).unwrap_err(),
                Package::read_unverified(cut).unwrap_err(),
            ] {
                assert!(
                    matches!(err, Error::Truncated { .. }),
                    "cut at {n}: {err:?}"
                );
            }
        }
    }
}

/// Arbitrary bytes, some behind a valid header: refused, never a panic.
#[test]
fn random_bytes_never_panic() {
    let acme = key("acme");
    let trust = trusting(&acme);
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        // xorshift64*: deterministic, good enough to spread bytes.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    for round in 0..20_000 {
        let len = (next() % 96) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        if round % 2 == 0 {
            let mut framed = b"CHPKG\0\x01\x00".to_vec();
            framed.append(&mut bytes);
            bytes = framed;
        }
        assert!(Package::open(&bytes, &trust).is_err());
        let _ = Package::read_unverified(&bytes);
    }
}
