//! `[mqtt]` in `cityhub serve`: the MQTT source connector, ingesting
//! through the bus's own admission (the same as `POST /v1/events`).

use std::{sync::Arc, time::Duration};

use cityhub_bus::{Bus, Error};
use cityhub_cloudevents::CloudEvent;
use cityhub_config::CityConfig;
use cityhub_mqtt::{Admitted, Connector, Ingest, Refusal};
use cityhub_store::Appended;

/// Starts the connector when `[mqtt]` is set.
pub fn start(config: &CityConfig, bus: &Arc<Bus>) -> Option<Connector> {
    let mqtt = config.mqtt.clone()?;
    let max_event = usize::try_from(config.server.max_event.bytes()).unwrap_or(usize::MAX);
    Some(Connector::start(mqtt, max_event, BusIngest(bus.clone())))
}

/// [`Ingest`] through [`Bus::ingest`].
struct BusIngest(Arc<Bus>);

impl Ingest for BusIngest {
    async fn ingest(&self, events: Vec<CloudEvent>) -> Result<Vec<Admitted>, Refusal> {
        match self.0.ingest(events).await {
            Ok(appended) => Ok(appended
                .into_iter()
                .map(|a| match a {
                    Appended::New(_) => Admitted::New,
                    Appended::Duplicate(_) => Admitted::Duplicate,
                })
                .collect()),
            Err(
                e @ (Error::RouteBehind { retry_after, .. } | Error::LogBusy { retry_after, .. }),
            ) => Err(Refusal::Busy {
                retry_after,
                reason: e.to_string(),
            }),
            Err(Error::ShuttingDown) => Err(Refusal::ShuttingDown),
            Err(
                e @ (Error::NotAccepted { .. }
                | Error::DataClass(_)
                | Error::ContactInReport { .. }),
            ) => Err(Refusal::Permanent(e.to_string())),
            // The store or JetStream failing: not the message's fault.
            Err(e) => {
                tracing::warn!(error = %e, "MQTT messages could not be stored; trying again");
                Err(Refusal::Busy {
                    retry_after: Duration::from_secs(1),
                    reason: e.to_string(),
                })
            }
        }
    }
}
