//! The border gates the plugin knows (config `gates`): the id a gate count
//! names, the gate's names for the screen, the road its trucks queue on and
//! where it is. The defaults are Lạng Sơn's five main crossings to Guangxi.

use cityhub_sdk::city::{Location, Text};
use serde::{Deserialize, Serialize};

/// The longest gate id: `gate/<id>` is a state key, and ids appear in
/// every border-queue event.
pub const MAX_GATE_ID: usize = 64;

/// The longest road id (`QL1A`, `QL4B`), for gates and incidents alike.
pub const MAX_ROAD: usize = 64;

/// One border gate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    /// What gate counts call it, kebab-case: `huu-nghi`.
    pub id: String,
    /// Its name on the operations centre's screen.
    pub name: Text,
    /// The road its trucks queue on: `QL1A`.
    pub road: String,
    /// Where it is (GeoJSON point).
    pub location: Location,
}

impl Gate {
    fn new(id: &str, vi: &str, en: &str, road: &str, lon: f64, lat: f64) -> Self {
        Gate {
            id: id.to_owned(),
            name: Text::new(vi, en),
            road: road.to_owned(),
            location: Location::point(lon, lat),
        }
    }

    /// Checks what serde cannot; on error returns the field at fault and
    /// why.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        let id = &self.id;
        if id.is_empty() || id.len() > MAX_GATE_ID || id.chars().any(char::is_whitespace) {
            return Err((
                "id",
                format!(
                    "must be 1 to {MAX_GATE_ID} bytes without spaces, such as `huu-nghi`, got {id:?}"
                ),
            ));
        }
        if self.name.vi.trim().is_empty() || self.name.en.trim().is_empty() {
            return Err((
                "name",
                "needs both `vi` and `en`, such as {vi = \"Cửa khẩu Tân Thanh\", en = \"Tân Thanh Border Gate\"}".to_owned(),
            ));
        }
        if self.road.is_empty() || self.road.len() > MAX_ROAD {
            return Err((
                "road",
                format!(
                    "must be 1 to {MAX_ROAD} bytes, such as `QL1A`, got {:?}",
                    self.road
                ),
            ));
        }
        crate::Point {
            kind: self.location.kind.as_str().into(),
            coordinates: self.location.coordinates,
        }
        .check()
        .map_err(|(member, why)| {
            (
                if member == "type" {
                    "location.type"
                } else {
                    "location.coordinates"
                },
                why,
            )
        })
    }
}

/// Lạng Sơn's main crossings to China: the Hữu Nghị international road
/// gate on QL1A, Tân Thanh and Cốc Nam on QL4A, Chi Ma on QL4B, and the
/// Đồng Đăng international railway station (its trucks use QL1A).
pub fn default_gates() -> Vec<Gate> {
    vec![
        Gate::new(
            "huu-nghi",
            "Cửa khẩu Quốc tế Hữu Nghị",
            "Hữu Nghị International Border Gate",
            "QL1A",
            106.70,
            21.98,
        ),
        Gate::new(
            "tan-thanh",
            "Cửa khẩu Tân Thanh",
            "Tân Thanh Border Gate",
            "QL4A",
            106.60,
            22.00,
        ),
        Gate::new(
            "coc-nam",
            "Cửa khẩu Cốc Nam",
            "Cốc Nam Border Gate",
            "QL4A",
            106.57,
            22.03,
        ),
        Gate::new(
            "chi-ma",
            "Cửa khẩu Chi Ma",
            "Chi Ma Border Gate",
            "QL4B",
            107.03,
            21.83,
        ),
        Gate::new(
            "dong-dang",
            "Ga Đồng Đăng",
            "Đồng Đăng Railway Station",
            "QL1A",
            106.70,
            21.94,
        ),
    ]
}
