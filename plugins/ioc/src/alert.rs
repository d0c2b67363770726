//! The output every alert of the operations centre shares: the data of a
//! `city.ioc.alert` event, the sectors' shape (`cityhub_sdk::city::Alert`)
//! with the `sector` it came from (`ioc` for the IOC's own combined
//! alerts).

use cityhub_sdk::city::Alert;
use cityhub_sdk::{Context, Error, Output};
use serde::Serialize;

/// The event type of the operations centre's alerts.
pub const ALERT: &str = "city.ioc.alert";

/// The data of a `city.ioc.alert` event.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IocAlert<'a> {
    /// The alert, its `alertId` unique among all the IOC's alerts.
    #[serde(flatten)]
    pub alert: &'a Alert,
    /// The sector that raised it: the middle token of its event type, or
    /// `ioc` for a combined alert.
    pub sector: &'a str,
}

/// Emits `alert` from `sector`, subject = its id, at `time`.
pub fn emit(ctx: &mut Context<'_>, alert: &Alert, sector: &str, time: &str) -> Result<(), Error> {
    ctx.emit(
        Output::new(ALERT)
            .subject(&alert.alert_id)
            .time(time)
            .json(&IocAlert { alert, sector }),
    )
}
