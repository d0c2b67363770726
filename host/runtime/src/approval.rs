//! [`Approval`]: what the city approves for a plugin beyond its
//! capabilities — the output types it may publish, the data classes it may
//! receive — and the city's data classes by type, stamped on its outputs.

use cityhub_cloudevents::{ClassPolicy, DataClass, TypePattern};
use cityhub_manifest::Manifest;

/// A plugin's approvals, fixed when it is loaded (a change in city.toml
/// loads the plugin anew).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// The output types approved (`[plugins.NAME] publishes`, within the
    /// manifest's); an output of any other type fails its batch.
    pub publishes: Vec<TypePattern>,
    /// The data classes it may receive (`[plugins.NAME] data-classes`); the
    /// bus withholds events of other classes from it.
    pub data_classes: Vec<DataClass>,
    /// `[ingest] classes`: stamped on each output (an output claiming
    /// another class than its type's fails its batch).
    pub classes: ClassPolicy,
}

impl Approval {
    /// What a plugin gets when the city says nothing: its manifest's
    /// `publishes`, no data class, no class policy.
    pub fn declared(manifest: &Manifest) -> Self {
        Self {
            publishes: manifest.publishes.clone(),
            data_classes: Vec::new(),
            classes: ClassPolicy::default(),
        }
    }

    /// Whether an event of `class` may reach the plugin.
    pub fn may_receive(&self, class: &str) -> bool {
        self.data_classes.iter().any(|c| c.as_str() == class)
    }
}
