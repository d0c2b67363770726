//! [`resolve`]: which published version a semver requirement installs.

use semver::VersionReq;

use crate::{Index, IndexVersion};

/// The highest version of `index` that `req` matches and that is not yanked,
/// or `None`. Pre-releases are considered only when `req` names a
/// pre-release of the same `major.minor.patch` (semver's own rule: `^1.2.0`
/// never picks `1.3.0-beta.1`, `^1.3.0-beta.1` may). Called by `plugin
/// install` on an index it just fetched; linear in the number of versions.
pub fn resolve<'a>(index: &'a Index, req: &VersionReq) -> Option<&'a IndexVersion> {
    index
        .versions
        .iter()
        .filter(|v| !v.yanked && req.matches(&v.version))
        .max_by(|a, b| a.version.cmp(&b.version))
}

#[cfg(test)]
mod tests {
    use semver::Version;

    use super::*;
    use crate::IndexLimits;

    fn index(versions: &[(&str, bool)]) -> Index {
        Index {
            name: "traffic".into(),
            vendor: "acme".into(),
            versions: versions
                .iter()
                .map(|(v, yanked)| IndexVersion {
                    version: Version::parse(v).unwrap(),
                    digest: format!("sha256:{v}"),
                    world: Version::new(0, 1, 0),
                    capabilities: vec!["log".into()],
                    limits: IndexLimits {
                        memory: 16 << 20,
                        time_per_batch_ms: 1000,
                        outputs_per_batch: 1000,
                        output_bytes: 4 << 20,
                        state_quota: 1 << 20,
                    },
                    size: 100,
                    yanked: *yanked,
                    published_at: "2026-01-01T00:00:00Z".into(),
                    description: String::new(),
                })
                .collect(),
        }
    }

    fn pick(index: &Index, req: &str) -> Option<String> {
        resolve(index, &VersionReq::parse(req).unwrap()).map(|v| v.version.to_string())
    }

    #[test]
    fn picks_the_highest_match_that_is_not_yanked() {
        let i = index(&[
            ("1.0.0", false),
            ("1.2.0", false),
            ("1.3.0", true),
            ("2.0.0", false),
        ]);
        assert_eq!(pick(&i, "^1").as_deref(), Some("1.2.0"));
        assert_eq!(pick(&i, "*").as_deref(), Some("2.0.0"));
        assert_eq!(pick(&i, "=1.3.0"), None);
        assert_eq!(pick(&i, "^3"), None);
    }

    #[test]
    fn pre_releases_only_when_the_requirement_names_one() {
        let i = index(&[("1.2.0", false), ("1.3.0-beta.1", false)]);
        assert_eq!(pick(&i, "^1.2").as_deref(), Some("1.2.0"));
        assert_eq!(pick(&i, "^1.3.0-beta.1").as_deref(), Some("1.3.0-beta.1"));
        assert_eq!(pick(&i, "*").as_deref(), Some("1.2.0"));
    }
}
