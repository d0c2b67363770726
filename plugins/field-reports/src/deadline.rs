//! What happens as event time passes: open requests whose
//! `expected_datetime` has come are flagged overdue (once each), and closed
//! requests past their retention are forgotten. Runs whenever the clock may
//! have moved: before and after every report and update, and on every tick.

use cityhub_sdk::city::local_rfc3339;
use cityhub_sdk::{Context, Error, Event, Output, Timestamp};
use serde::Serialize;

use crate::intake::publish;
use crate::request::{Request, Status};
use crate::{DUE, FieldReports, OVERDUE, PRUNE};

/// Outputs a batch may reach before flagging stops until the next batch
/// (the manifest allows 10,000): a tick after a long pause may find
/// thousands of requests due, and a batch over its limits fails whole.
pub const OUTPUT_BUDGET: usize = 8_000;
/// Output bytes likewise (the manifest allows 32 MiB).
pub const OUTPUT_BYTES_BUDGET: usize = 16 << 20;
/// Closed requests forgotten per sweep at most.
pub const PRUNE_PER_SWEEP: usize = 1_000;

/// The data of a `city.fieldreport.overdue` event.
#[derive(Debug, Serialize)]
struct Overdue<'a> {
    service_request_id: &'a str,
    service_code: &'a str,
    agency_responsible: &'a str,
    expected_datetime: &'a str,
    road: Option<&'a str>,
    #[serde(rename = "observedAt")]
    observed_at: &'a str,
}

impl FieldReports {
    /// Flags what is due at `now` and prunes what has expired.
    pub(crate) fn sweep(
        &mut self,
        ctx: &mut Context<'_>,
        event: &Event<'_>,
        now: Timestamp,
    ) -> Result<(), Error> {
        let room = OUTPUT_BUDGET.saturating_sub(ctx.emitted()) / 2;
        let limit = if ctx.output_bytes() < OUTPUT_BYTES_BUDGET {
            room
        } else {
            0
        };
        let due = self.wheels.take_due(ctx, DUE, now.seconds(), limit);
        if due.more && !self.deferred {
            self.deferred = true;
            ctx.log().info(
                "overdue check deferred to the next batch: output budget reached",
                &[("event", event.id())],
            );
        }
        let observed_at = local_rfc3339(now);
        for (_, id) in due.entries {
            let Some(mut request) = Request::load(ctx, &id, event) else {
                continue;
            };
            // Entries are hints: the request may have been closed since.
            if request.status != Status::Open || request.overdue || request.expected_at > now {
                continue;
            }
            request.overdue = true;
            request.save(ctx)?;
            self.tally.change(ctx, &request.agency_responsible, 0, 1)?;
            let data = Overdue {
                service_request_id: &request.service_request_id,
                service_code: &request.service_code,
                agency_responsible: &request.agency_responsible,
                expected_datetime: &request.expected_datetime,
                road: request.road.as_deref(),
                observed_at: &observed_at,
            };
            let output = Output::new(OVERDUE)
                .subject(&request.service_request_id)
                .time(&observed_at)
                .json(&data);
            ctx.emit(output)?;
            publish(ctx, &request, &observed_at)?;
        }

        let retention = self.config.retention.as_duration();
        let expired = self
            .wheels
            .take_due(ctx, PRUNE, now.seconds(), PRUNE_PER_SWEEP);
        for (_, id) in expired.entries {
            let Some(request) = Request::load(ctx, &id, event) else {
                continue;
            };
            let expires = cityhub_sdk::city::after(request.updated_at, retention);
            if request.status == Status::Closed && expires <= now {
                ctx.state().delete(&Request::key(&id))?;
                ctx.log()
                    .debug("closed request forgotten", &[("request", &id)]);
            }
        }
        Ok(())
    }
}
