//! Reports in and agencies' updates: a submitted report is classified,
//! routed to its service's agency with a deadline, stored and published; an
//! update changes its status, notes or agency and is published again.

use cityhub_sdk::city::{Clock, after, local_rfc3339};
use cityhub_sdk::{Context, Error, Event, Output, Timestamp};

use crate::input::{Progress, Submitted, event_time};
use crate::request::{Request, Status};
use crate::{DUE, FieldReports, PRUNE, REQUEST};

impl FieldReports {
    /// `city.fieldreport.submitted`.
    pub(crate) fn submitted(
        &mut self,
        event: &Event<'_>,
        ctx: &mut Context<'_>,
    ) -> Result<(), Error> {
        let report: Submitted<'_> = event.data_json()?;
        let requested = whole_seconds(report.check(event)?);
        let now = Clock::advance(ctx, event_time(event)?.unwrap_or(requested))?;
        self.sweep(ctx, event, now)?;
        let id = &*report.service_request_id;
        if Request::load(ctx, id, event).is_some() {
            ctx.log().debug(
                "report skipped: the request is already known",
                &[("event", event.id()), ("request", id)],
            );
            return Ok(());
        }

        let description = report.description.as_deref();
        let (service, basis) = self
            .catalogue
            .classify(&self.config, report.service_code.as_deref(), description)
            .ok_or_else(|| Error::internal("the fallback service is not configured"))?;
        let expected = after(requested, service.sla.as_duration());
        let address = report.address_string.as_deref();
        let request = Request {
            service_request_id: id.to_owned(),
            status: Status::Open,
            status_notes: None,
            service_name: service.service_name.clone(),
            service_code: service.service_code.clone(),
            description: description.map(str::to_owned),
            agency_responsible: service.agency.clone(),
            service_notice: notice(&service.agency, service.sla.as_duration().as_secs()),
            requested_datetime: local_rfc3339(requested),
            updated_datetime: local_rfc3339(requested),
            expected_datetime: local_rfc3339(expected),
            address: address.map(str::to_owned),
            address_id: report.address_id.as_deref().map(str::to_owned),
            lat: report.lat,
            long: report.long,
            media_url: report.media_url.as_deref().map(str::to_owned),
            road: self.roads.find(&[address, description]).map(str::to_owned),
            overdue: false,
            expected_at: expected,
            updated_at: requested,
        };
        request.save(ctx)?;
        self.wheels.insert(ctx, DUE, expected.seconds(), id);
        self.tally.change(ctx, &request.agency_responsible, 1, 0)?;
        ctx.log().info(
            "report routed",
            &[
                ("event", event.id()),
                ("request", id),
                ("service_code", &request.service_code),
                ("by", basis.as_str()),
                ("agency", &request.agency_responsible),
            ],
        );
        publish(ctx, &request, &request.requested_datetime)?;
        // A report that arrives after its deadline is overdue at once.
        self.sweep(ctx, event, now)
    }

    /// `city.fieldreport.progress`.
    pub(crate) fn progress(
        &mut self,
        event: &Event<'_>,
        ctx: &mut Context<'_>,
    ) -> Result<(), Error> {
        let update: Progress<'_> = event.data_json()?;
        let updated = whole_seconds(update.check(event)?);
        let now = Clock::advance(ctx, event_time(event)?.unwrap_or(updated))?;
        self.sweep(ctx, event, now)?;
        let id = &*update.service_request_id;
        let Some(mut request) = Request::load(ctx, id, event) else {
            ctx.log().warn(
                "update skipped: unknown request (never submitted here, or closed and pruned)",
                &[("event", event.id()), ("request", id)],
            );
            return Ok(());
        };
        if updated <= request.updated_at {
            ctx.log().debug(
                "update skipped: not newer than the request's last",
                &[("event", event.id()), ("request", id)],
            );
            return Ok(());
        }

        let (was, previous_agency) = (request.status, request.agency_responsible.clone());
        request.status = update.status;
        if let Some(notes) = &update.status_notes {
            request.status_notes = Some(notes.clone().into_owned());
        }
        let handed_to = update
            .agency_responsible
            .as_deref()
            .filter(|a| *a != request.agency_responsible);
        if let Some(agency) = handed_to {
            agency.clone_into(&mut request.agency_responsible);
            let requested = Timestamp::parse_rfc3339(&request.requested_datetime);
            let sla = requested
                .and_then(|r| request.expected_at.duration_since(r))
                .map_or(0, |d| d.as_secs());
            request.service_notice = notice(&request.agency_responsible, sla);
        }
        request.updated_datetime = local_rfc3339(updated);
        request.updated_at = updated;

        let overdue = i32::from(request.overdue);
        if was == Status::Open {
            self.tally.change(ctx, &previous_agency, -1, -overdue)?;
        }
        match request.status {
            Status::Open => {
                self.tally
                    .change(ctx, &request.agency_responsible, 1, overdue)?;
                if was == Status::Closed && !request.overdue {
                    self.wheels
                        .insert(ctx, DUE, request.expected_at.seconds(), id);
                }
            }
            Status::Closed => {
                if was == Status::Open && !request.overdue {
                    self.wheels
                        .remove(ctx, DUE, request.expected_at.seconds(), id);
                }
                let forget = after(updated, self.config.retention.as_duration());
                self.wheels.insert(ctx, PRUNE, forget.seconds(), id);
            }
        }
        request.save(ctx)?;
        ctx.log().info(
            "request updated",
            &[
                ("event", event.id()),
                ("request", id),
                ("status", request.status.as_str()),
                ("agency", &request.agency_responsible),
            ],
        );
        publish(ctx, &request, &request.updated_datetime)?;
        // A request reopened after its deadline is overdue at once.
        self.sweep(ctx, event, now)
    }
}

/// Emits `request` as a `city.fieldreport.request` event at `time`.
pub(crate) fn publish(ctx: &mut Context<'_>, request: &Request, time: &str) -> Result<(), Error> {
    let output = Output::new(REQUEST)
        .subject(&request.service_request_id)
        .time(time)
        .json(request);
    ctx.emit(output)
}

/// `t` without its fraction of a second: times are published in whole
/// seconds, and deadlines compare as published.
fn whole_seconds(t: Timestamp) -> Timestamp {
    Timestamp::new(t.seconds(), 0)
}

/// The `service_notice`: who handles the request, and in how long.
pub(crate) fn notice(agency: &str, sla_seconds: u64) -> String {
    let within = match sla_seconds {
        s if s >= 86_400 && s % 86_400 == 0 => format!("{} ngày", s / 86_400),
        s if s >= 3600 && s % 3600 == 0 => format!("{} giờ", s / 3600),
        s if s % 60 == 0 => format!("{} phút", s / 60),
        s => format!("{s} giây"),
    };
    format!("Đã chuyển {agency} xử lý trong vòng {within}.")
}
