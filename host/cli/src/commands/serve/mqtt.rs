//! `[mqtt]` in `cityhub serve`: the MQTT source connector, ingesting
//! through the bus's own admission (the same as `POST /v1/events`).

use std::{sync::Arc, time::Duration};

use cityhub_bus::{Bus, Error};
use cityhub_cloudevents::CloudEvent;
use cityhub_config::CityConfig;
use cityhub_mqtt::{Admitted, Connector, Ingest, MqttStats, Refusal};
use cityhub_store::Appended;

/// Starts the connector when `[mqtt]` is set, as work of one node at a
/// time ([`Bus::run_exclusive`]): nodes sharing a city share its client id,
/// and two connections under one id would take the session from each
/// other. Another node takes over the session when this one stops or dies.
/// It stops with the bus ([`Bus::shutdown`]). Returns its counters.
pub fn start(config: &CityConfig, bus: &Arc<Bus>) -> Option<Arc<MqttStats>> {
    let mqtt = config.mqtt.clone()?;
    let max_event = usize::try_from(config.server.max_event.bytes()).unwrap_or(usize::MAX);
    let stats = Arc::new(MqttStats::for_config(&mqtt));
    let (counters, weak) = (stats.clone(), Arc::downgrade(bus));
    bus.run_exclusive(&format!("mqtt:{}", mqtt.client_id), move |mut stop| {
        let (mqtt, stats, weak) = (mqtt.clone(), stats.clone(), weak.clone());
        async move {
            let Some(bus) = weak.upgrade() else { return };
            let c = Connector::start_with(mqtt, max_event, BusIngest(bus), stats);
            let _ = stop.changed().await;
            c.stop().await;
        }
    });
    Some(counters)
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
