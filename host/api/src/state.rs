//! [`AppState`]: what every handler can reach.

use std::sync::Arc;

use cityhub_bus::Bus;
use cityhub_cloudevents::http::Limits;
use cityhub_config::Open311Config;

use crate::auth::AuthStats;

use crate::{
    limits::InputLimits,
    routes::{open311::Stats, stream::Streams},
};

/// Limits of the HTTP layer.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// The largest request body; larger requests get `413`.
    pub max_body: usize,
    /// Per-event and per-batch limits of CloudEvents parsing.
    pub events: Limits,
    /// Headers, body timeout and query limits ([`crate::limits`]).
    pub limits: InputLimits,
    /// `[open311]`: the Open311 endpoint's plugin and services; `None`
    /// serves no Open311 (its endpoints answer `404`).
    pub open311: Option<Arc<Open311Config>>,
    /// The Open311 endpoint's counters (`/metrics`).
    pub open311_stats: Arc<Stats>,
    /// Failed authentications: counters (`/metrics`) and the audit rate cap.
    pub auth: Arc<AuthStats>,
    /// The live streams (`GET /v1/stream`): counters, and
    /// [`Streams::close`] to end them when the host shuts down.
    pub streams: Arc<Streams>,
    /// The MQTT source connector's counters (`/metrics`), when `[mqtt]` is set.
    pub mqtt: Option<Arc<cityhub_mqtt::MqttStats>>,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            max_body: 4 << 20,
            events: Limits::default(),
            limits: InputLimits::default(),
            open311: None,
            open311_stats: Arc::default(),
            streams: Arc::default(),
            auth: Arc::default(),
            mqtt: None,
        }
    }
}

/// Shared by all handlers; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The bus: ingest goes through it, queries go to its store.
    pub bus: Arc<Bus>,
    /// HTTP limits.
    pub config: Arc<ApiConfig>,
}
