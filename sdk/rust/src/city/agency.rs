//! The agencies (sở, ban, UBND) a city plugin follows work for, as its
//! configuration lists them: the id events carry in `agency` and the name
//! to show for it in both languages. Plugins check the list once, at
//! `init`, and look an agency up when they name it in an indicator's
//! `scopeName` or an alert's title; an agency not listed is handled all the
//! same and named by its id.
//!
//! ```
//! use cityhub_sdk::city::Agency;
//! let agencies: Vec<Agency> = serde_json::from_value(serde_json::json!([
//!     {"id": "so-y-te", "name": {"vi": "Sở Y tế", "en": "Department of Health"}}
//! ]))?;
//! Agency::check_all(&agencies, 64, "dossiers", "so-tu-phap")?;
//! assert_eq!(Agency::find(&agencies, "so-y-te").unwrap().name.vi, "Sở Y tế");
//! assert!(Agency::find(&agencies, "so-tu-phap").is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};

use super::Text;
use crate::Error;

/// A configured agency: `{"id": "so-tu-phap", "name": {"vi", "en"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    /// The id events carry in `agency`, e.g. `so-tu-phap`.
    pub id: String,
    /// Its name in Vietnamese and English.
    pub name: Text,
}

impl Agency {
    /// The agency `id`, named `vi` and `en`.
    ///
    /// ```
    /// let a = cityhub_sdk::city::Agency::new("so-y-te", "Sở Y tế", "Department of Health");
    /// assert_eq!(a.name.en, "Department of Health");
    /// ```
    pub fn new(id: impl Into<String>, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: Text::new(vi, en),
        }
    }

    /// Checks a configured list (the field `agencies`) for what serde
    /// cannot: every id is 1 to `max_id` bytes (what its state key has room
    /// for), listed once, and named in both languages. The error is a
    /// configuration error naming the entry; an id's hint says which
    /// events carry it (`carried_by`, e.g. `dossiers`) with `example`.
    ///
    /// ```
    /// use cityhub_sdk::city::Agency;
    /// let twice = vec![Agency::new("so-y-te", "Sở Y tế", "Health"); 2];
    /// let err = Agency::check_all(&twice, 64, "dossiers", "so-tu-phap").unwrap_err();
    /// assert_eq!(err.message(), "`agencies` lists `so-y-te` twice: remove one");
    /// let blank = [Agency::new("", "Sở Y tế", "Health")];
    /// let err = Agency::check_all(&blank, 64, "dossiers", "so-tu-phap").unwrap_err();
    /// assert_eq!(
    ///     err.message(),
    ///     "`agencies[0].id` must be 1 to 64 bytes, got 0: use the id dossiers carry, such as `so-tu-phap`"
    /// );
    /// ```
    pub fn check_all(
        agencies: &[Agency],
        max_id: usize,
        carried_by: &str,
        example: &str,
    ) -> Result<(), Error> {
        for (i, agency) in agencies.iter().enumerate() {
            if agency.id.is_empty() || agency.id.len() > max_id {
                return Err(Error::config(format!(
                    "`agencies[{i}].id` must be 1 to {max_id} bytes, got {}: use the id {carried_by} carry, such as `{example}`",
                    agency.id.len()
                )));
            }
            if agency.name.vi.trim().is_empty() || agency.name.en.trim().is_empty() {
                return Err(Error::config(format!(
                    "`agencies[{i}].name` needs both `vi` and `en`: name `{}` in Vietnamese and English",
                    agency.id
                )));
            }
            if agencies[..i].iter().any(|a| a.id == agency.id) {
                return Err(Error::config(format!(
                    "`agencies` lists `{}` twice: remove one",
                    agency.id
                )));
            }
        }
        Ok(())
    }

    /// The agency with id `id` in `agencies`, if it is listed. A linear
    /// search: configured lists are a handful of agencies.
    pub fn find<'a>(agencies: &'a [Agency], id: &str) -> Option<&'a Agency> {
        agencies.iter().find(|a| a.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_agency_is_found_by_id() {
        let list = [
            Agency::new("so-tu-phap", "Sở Tư pháp", "Department of Justice"),
            Agency::new("so-y-te", "Sở Y tế", "Department of Health"),
        ];
        assert_eq!(
            Agency::find(&list, "so-y-te").map(|a| a.name.en.as_str()),
            Some("Department of Health")
        );
        assert_eq!(Agency::find(&list, "so-xay-dung"), None);
    }

    #[test]
    fn every_entry_is_checked() {
        let check = |list: &[Agency]| {
            Agency::check_all(list, 8, "directives", "so-y-te")
                .err()
                .map(|e| e.message().to_owned())
        };
        assert_eq!(check(&[]), None);
        assert_eq!(check(&[Agency::new("so-y-te", "Sở Y tế", "Health")]), None);
        assert_eq!(
            check(&[Agency::new("so-y-te-tinh", "Sở Y tế", "Health")]).as_deref(),
            Some(
                "`agencies[0].id` must be 1 to 8 bytes, got 12: use the id directives carry, such as `so-y-te`"
            )
        );
        assert_eq!(
            check(&[
                Agency::new("a", "A", "A"),
                Agency::new("so-y-te", "Sở Y tế", " ")
            ])
            .as_deref(),
            Some(
                "`agencies[1].name` needs both `vi` and `en`: name `so-y-te` in Vietnamese and English"
            )
        );
        assert_eq!(
            check(&[Agency::new("a", "A", "A"), Agency::new("a", "B", "B")]).as_deref(),
            Some("`agencies` lists `a` twice: remove one")
        );
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = serde_json::from_value::<Agency>(serde_json::json!(
            {"id": "so-y-te", "name": {"vi": "Sở Y tế", "en": "Health"}, "phone": "1"}
        ))
        .unwrap_err();
        assert!(err.to_string().contains("unknown field `phone`"));
    }
}
