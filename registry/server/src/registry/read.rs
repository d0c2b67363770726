//! The registry's reads: [`Registry::index`], [`Registry::search`] and
//! [`Registry::package`]. Version order is semver's, computed here (the
//! database orders text).

use std::path::PathBuf;

use semver::Version;
use time::{OffsetDateTime, format_description::well_known::Rfc3339};

use super::{
    Registry,
    publish::{plugin_name, plugin_version},
};
use crate::{
    Error, Index, IndexVersion, SearchHit, SearchResults,
    db::{
        sql::{Sql, VersionRow},
        with_pool,
    },
};

/// A published package file, for a download.
#[derive(Debug, Clone)]
pub struct StoredPackage {
    /// Where its bytes are.
    pub path: PathBuf,
    /// How many bytes.
    pub size: u64,
    /// Its content digest (`sha256:<hex>`).
    pub digest: String,
}

impl Registry {
    /// Every version of plugin `name`, oldest first, yanked ones included;
    /// [`Error::NotFound`] if nobody published it.
    pub async fn index(&self, name: &str) -> Result<Index, Error> {
        let name = plugin_name(name)?;
        let not_found = || Error::NotFound {
            name: name.to_string(),
            version: None,
        };
        let vendor = with_pool!(&self.db, pool => Sql::owner(pool, name.as_str()).await)?
            .ok_or_else(not_found)?;
        let rows = with_pool!(&self.db, pool => Sql::versions(pool, name.as_str()).await)?;
        let mut versions = rows
            .iter()
            .map(|r| index_version(name.as_str(), r))
            .collect::<Result<Vec<_>, _>>()?;
        versions.sort_by(|a, b| a.version.cmp(&b.version));
        Ok(Index {
            name: name.to_string(),
            vendor,
            versions,
        })
    }

    /// Up to `limit` plugins, by name, whose name or description contains
    /// `text` (ignoring ASCII case; empty `text` lists every plugin).
    /// One query for the names, then one per plugin found.
    pub async fn search(&self, text: &str, limit: u32) -> Result<SearchResults, Error> {
        let found = with_pool!(&self.db, pool => Sql::search(pool, text, limit).await)?;
        let mut plugins = Vec::with_capacity(found.len());
        for (name, _) in found {
            plugins.push(hit(self.index(&name).await?));
        }
        Ok(SearchResults { plugins })
    }

    /// The file of `name@version`, yanked or not (a yanked version stays
    /// downloadable for those who pinned it).
    pub async fn package(&self, name: &str, version: &str) -> Result<StoredPackage, Error> {
        let name = plugin_name(name)?;
        let version = plugin_version(version)?.to_string();
        let row = with_pool!(&self.db, pool => Sql::version(pool, name.as_str(), &version).await)?
            .ok_or_else(|| Error::NotFound {
                name: name.to_string(),
                version: Some(version.clone()),
            })?;
        Ok(StoredPackage {
            path: self.blobs.path(&row.blob),
            size: u64::try_from(row.size).unwrap_or_default(),
            digest: row.digest,
        })
    }
}

/// A search hit from a plugin's index: its latest version that is not
/// yanked, preferring releases to pre-releases.
fn hit(index: Index) -> SearchHit {
    let live = || index.versions.iter().filter(|v| !v.yanked);
    let latest = live()
        .filter(|v| v.version.pre.is_empty())
        .max_by(|a, b| a.version.cmp(&b.version))
        .or_else(|| live().max_by(|a, b| a.version.cmp(&b.version)));
    let description = latest
        .or(index.versions.last())
        .map(|v| v.description.clone())
        .unwrap_or_default();
    SearchHit {
        latest: latest.map(|v| v.version.clone()),
        versions: u32::try_from(live().count()).unwrap_or(u32::MAX),
        description,
        vendor: index.vendor,
        name: index.name,
    }
}

fn index_version(name: &str, r: &VersionRow) -> Result<IndexVersion, Error> {
    let corrupt = |why: String| Error::Corrupt {
        what: format!("version `{name}@{}`", r.version),
        why,
    };
    let semver = |field: &str, text: &str| {
        Version::parse(text).map_err(|e| corrupt(format!("`{field}` `{text}`: {e}")))
    };
    let published_at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(r.published_at) * 1000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .ok_or_else(|| corrupt(format!("`published_at` {} is out of range", r.published_at)))?;
    Ok(IndexVersion {
        version: semver("version", &r.version)?,
        digest: r.digest.clone(),
        world: semver("world", &r.world)?,
        capabilities: serde_json::from_str(&r.capabilities)
            .map_err(|e| corrupt(format!("`capabilities`: {e}")))?,
        limits: serde_json::from_str(&r.limits).map_err(|e| corrupt(format!("`limits`: {e}")))?,
        size: u64::try_from(r.size).map_err(|_| corrupt(format!("`size` {}", r.size)))?,
        yanked: r.yanked,
        published_at,
        description: r.description.clone(),
    })
}
