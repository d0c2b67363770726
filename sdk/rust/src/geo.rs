//! GeoJSON geometry as city data carries it (FIWARE's `location`, Open311's
//! coordinates), read in place and checked.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// A GeoJSON point, `{"type": "Point", "coordinates": [longitude, latitude]}`
/// (WGS84). Deserialize it as part of an event's data, then [`Point::check`]
/// what serde cannot.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Point<'a> {
    /// Always `Point`.
    #[serde(rename = "type", borrow)]
    pub kind: Cow<'a, str>,
    /// `[longitude, latitude]`, WGS84.
    pub coordinates: [f64; 2],
}

impl Point<'_> {
    /// Checks that `type` is `Point` and the coordinates are a longitude and a
    /// latitude. On error returns the member at fault (`type` or
    /// `coordinates`) and why, for an invalid-input error naming the field.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if self.kind != "Point" {
            return Err(("type", format!("must be \"Point\", got {:?}", self.kind)));
        }
        let [lon, lat] = self.coordinates;
        if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
            return Err((
                "coordinates",
                format!("must be [longitude, latitude], got [{lon}, {lat}]"),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_the_type_and_the_ranges() {
        let p: Point<'_> =
            serde_json::from_str(r#"{"type": "Point", "coordinates": [106.76, 21.85]}"#).unwrap();
        assert_eq!(p.check(), Ok(()));
        let swapped = Point {
            coordinates: [21.85, 106.76],
            ..p.clone()
        };
        assert_eq!(swapped.check().unwrap_err().0, "coordinates");
        let line = Point {
            kind: "LineString".into(),
            ..p
        };
        let (field, why) = line.check().unwrap_err();
        assert_eq!(field, "type");
        assert!(why.contains("\"LineString\""), "{why}");
    }
}
