//! [`Registry::publish`] and [`Registry::set_yanked`]: the vendor's writes.

use bytes::Bytes;
use cityhub_manifest::{Manifest, PluginName};
use cityhub_package::{Package, Trust, Verified};
use semver::Version;

use super::{Registry, Vendor, now_micros};
use crate::{
    Error, IndexLimits, Published, YankState,
    db::{
        sql::{Claim, NewVersion, Sql, VersionRow},
        with_pool,
    },
};

impl Registry {
    /// Publishes `bytes`, a signed package, as `name@version` for `vendor`.
    ///
    /// In this order: `name` and `version` are valid; the package opens with
    /// a trust of only `vendor`'s registered key (so it must be signed by
    /// that vendor, and unchanged since); its manifest names this plugin and
    /// version; the name is free or `vendor`'s; the version is new. Then the
    /// file is written to disk, and only then its row committed, so a
    /// version the registry answered `201` for always has its bytes.
    /// Verifying costs a SHA-256 pass over the package, on a blocking
    /// thread.
    pub async fn publish(
        &self,
        vendor: &Vendor,
        name: &str,
        version: &str,
        bytes: Bytes,
    ) -> Result<Published, Error> {
        let name = plugin_name(name)?;
        let version = plugin_version(version)?;
        let verified = verify(vendor, bytes.clone()).await?;
        let manifest = &verified.manifest;
        if manifest.name != name {
            return Err(Error::PathMismatch {
                field: "name",
                inside: manifest.name.to_string(),
                path: name.to_string(),
            });
        }
        if manifest.version != version {
            return Err(Error::PathMismatch {
                field: "version",
                inside: manifest.version.to_string(),
                path: version.to_string(),
            });
        }
        // Refuse early what the transaction would refuse, before the write.
        let owner = with_pool!(&self.db, pool => Sql::owner(pool, name.as_str()).await)?;
        self.check_owner(owner, &name, vendor)?;
        let version_text = version.to_string();
        let existing =
            with_pool!(&self.db, pool => Sql::version(pool, name.as_str(), &version_text).await)?;
        if existing.is_some() {
            return Err(Error::VersionExists {
                name: name.to_string(),
                version: version_text,
            });
        }

        let size = bytes.len() as i64;
        let blob = self.blobs.put(bytes).await?;
        let row = version_row(&verified, version_text, blob, size)?;
        let new = NewVersion {
            name: name.as_str(),
            vendor: vendor.id.as_str(),
            row: &row,
        };
        let claim = with_pool!(&self.db, pool => Sql::publish(pool, &new, row.published_at).await)?;
        match claim {
            Claim::Published => {}
            Claim::OwnedBy(owner) => self.check_owner(Some(owner), &name, vendor)?,
            Claim::Exists => {
                return Err(Error::VersionExists {
                    name: name.to_string(),
                    version: row.version,
                });
            }
        }
        tracing::info!(
            plugin = %name, version = %version, vendor = %vendor.id, digest = %row.digest, size,
            "published"
        );
        Ok(Published {
            name: name.to_string(),
            version,
            digest: row.digest,
            vendor: vendor.id.to_string(),
        })
    }

    /// Yanks (`yanked = true`) or unyanks a version of a plugin `vendor`
    /// owns. Yanking a yanked version changes nothing and succeeds.
    pub async fn set_yanked(
        &self,
        vendor: &Vendor,
        name: &str,
        version: &str,
        yanked: bool,
    ) -> Result<YankState, Error> {
        let name = plugin_name(name)?;
        let version = plugin_version(version)?;
        let not_found = || Error::NotFound {
            name: name.to_string(),
            version: Some(version.to_string()),
        };
        let owner = with_pool!(&self.db, pool => Sql::owner(pool, name.as_str()).await)?;
        if owner.is_none() {
            return Err(not_found());
        }
        self.check_owner(owner, &name, vendor)?;
        let text = version.to_string();
        let found = with_pool!(&self.db, pool => Sql::set_yanked(pool, name.as_str(), &text, yanked).await)?;
        if !found {
            return Err(not_found());
        }
        tracing::info!(plugin = %name, %version, vendor = %vendor.id, yanked, "yank state set");
        Ok(YankState {
            name: name.to_string(),
            version,
            yanked,
        })
    }

    /// `Ok` if nobody or `vendor` owns `name`.
    fn check_owner(
        &self,
        owner: Option<String>,
        name: &PluginName,
        vendor: &Vendor,
    ) -> Result<(), Error> {
        match owner {
            Some(owner) if owner != vendor.id.as_str() => Err(Error::NameTaken {
                name: name.to_string(),
                owner,
                vendor: vendor.id.to_string(),
            }),
            _ => Ok(()),
        }
    }
}

/// A plugin name from a URL path.
pub(crate) fn plugin_name(s: &str) -> Result<PluginName, Error> {
    PluginName::new(s).map_err(|why| Error::InvalidName { why })
}

/// A version from a URL path: semver, without build metadata (versions
/// differing only in it are equal to semver, so the registry could not tell
/// them apart).
pub(crate) fn plugin_version(s: &str) -> Result<Version, Error> {
    let invalid = |why: String| Error::InvalidVersion {
        version: s.to_owned(),
        why,
    };
    let v = Version::parse(s).map_err(|e| {
        invalid(format!(
            "{e}; write a semantic version like `1.2.0` or `1.3.0-beta.1`"
        ))
    })?;
    if !v.build.is_empty() {
        return Err(invalid(
            "build metadata (`+…`) is not allowed: versions differing only in it are the same \
             version to semver; remove it from `version` in plugin.toml"
                .into(),
        ));
    }
    Ok(v)
}

/// Opens the package trusting only `vendor`'s registered key, on a blocking
/// thread. A signature by anyone else is [`Error::WrongSigner`].
async fn verify(vendor: &Vendor, bytes: Bytes) -> Result<Verified, Error> {
    let mut trust = Trust::new();
    trust.insert(vendor.id.clone(), vendor.key);
    let opened = tokio::task::spawn_blocking(move || Package::open(&bytes, &trust))
        .await
        .map_err(|e| Error::Interrupted(e.to_string()))?;
    opened.map_err(|e| match e {
        cityhub_package::Error::UnknownVendor { vendor: signer } => Error::WrongSigner {
            why: format!(
                "the package is signed by vendor `{signer}`, but the token is vendor `{}`'s",
                vendor.id
            ),
        },
        cityhub_package::Error::WrongKey {
            signed_with,
            trusted,
            ..
        } => Error::WrongSigner {
            why: format!(
                "the package is signed as `{}` but with key {signed_with}, not the key this \
                 registry holds for `{}` ({trusted})",
                vendor.id, vendor.id
            ),
        },
        other => Error::Package(other),
    })
}

/// The row of a verified package stored as blob `blob`.
fn version_row(
    verified: &Verified,
    version: String,
    blob: String,
    size: i64,
) -> Result<VersionRow, Error> {
    let manifest = &verified.manifest;
    let json = |v: serde_json::Result<String>| {
        v.map_err(|e| Error::Corrupt {
            what: format!("manifest of `{}@{version}`", manifest.name),
            why: e.to_string(),
        })
    };
    Ok(VersionRow {
        digest: verified.digest.to_string(),
        blob,
        world: manifest.world.to_string(),
        capabilities: json(serde_json::to_string(&capability_names(manifest)))?,
        limits: json(serde_json::to_string(&IndexLimits::from(&manifest.limits)))?,
        description: manifest.description.clone(),
        size,
        yanked: false,
        published_at: now_micros(),
        version,
    })
}

/// The capabilities the manifest asks for, by name (sorted, each once).
fn capability_names(manifest: &Manifest) -> Vec<&'static str> {
    manifest.capabilities.iter().map(|c| c.name()).collect()
}
