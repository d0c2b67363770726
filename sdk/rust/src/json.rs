//! JSON decoding that reports where it failed: the path of the field at
//! fault (`location.coordinates[1]`), so that error messages name it.

use serde::Deserialize;

/// Why a JSON document did not deserialize.
#[derive(Debug)]
pub(crate) struct JsonError {
    /// The path of the field at fault, empty for the document itself.
    pub(crate) path: String,
    pub(crate) inner: serde_json::Error,
}

impl JsonError {
    /// `` `base.path` ``, or `` `base` `` for the document itself.
    pub(crate) fn field(&self, base: &str) -> String {
        if self.path.is_empty() {
            format!("`{base}`")
        } else {
            format!("`{base}.{}`", self.path)
        }
    }
}

/// Deserializes all of `bytes` as `T`, borrowing from `bytes` where `T` does.
///
/// The happy path is plain `serde_json`; only when it fails is the document
/// read again with path tracking, to name the field at fault. So a valid
/// document pays nothing for the better error.
pub(crate) fn from_slice<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, JsonError> {
    serde_json::from_slice(bytes).map_err(|plain| locate::<T>(bytes, plain))
}

/// Decodes the state value stored under `key`; the error names the key and
/// the field at fault. Shared by the guest's [`crate::State`] and the test
/// host, so both report a bad value alike.
pub(crate) fn state_value<T: serde::de::DeserializeOwned>(
    key: &str,
    bytes: &[u8],
) -> Result<T, crate::Error> {
    from_slice(bytes).map_err(|err| {
        crate::Error::internal(format!(
            "state `{key}`: {}: {}",
            err.field("value"),
            err.inner
        ))
    })
}

/// Reads `bytes` again to find where deserializing `T` fails.
#[cold]
fn locate<'a, T: Deserialize<'a>>(bytes: &'a [u8], plain: serde_json::Error) -> JsonError {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(err) => {
            let path = err.path().to_string();
            let path = if path == "." { String::new() } else { path };
            JsonError {
                path,
                inner: err.into_inner(),
            }
        }
        // Only trailing characters can fail `from_slice` after this succeeds.
        Ok(_) => JsonError {
            path: String::new(),
            inner: plain,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_path_of_the_field_at_fault() {
        let err = from_slice::<serde_json::Map<String, serde_json::Value>>(b"[1]").unwrap_err();
        assert_eq!(err.field("data"), "`data`");
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Outer {
            inner: Vec<u8>,
        }
        let err = from_slice::<Outer>(br#"{"inner": [1, "x"]}"#).unwrap_err();
        assert_eq!(err.field("data"), "`data.inner[1]`");
        let err = from_slice::<Outer>(br#"{"inner": []} trailing"#).unwrap_err();
        assert_eq!(err.field("data"), "`data`");
        assert!(err.inner.to_string().starts_with("trailing characters"));
    }
}
