//! The filters of `GET /open311/v2/requests.json`.

use std::collections::BTreeMap;

use cityhub_cloudevents::Timestamp;
use cityhub_store::ServiceRequestQuery;
use time::Duration;

/// The most requests one answer lists.
pub const MAX_RESULTS: u32 = 1000;

/// Without dates, the window reaches back this far.
pub const DEFAULT_DAYS: i64 = 90;

/// The query, or every problem with it. `now` anchors the default window.
pub fn parse(
    params: &BTreeMap<String, String>,
    jurisdiction: Option<&str>,
    now: &Timestamp,
) -> Result<ServiceRequestQuery, Vec<String>> {
    let mut errors = Vec::new();
    let list = |k: &str| -> Vec<String> {
        params
            .get(k)
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut time = |k: &str| -> Option<Timestamp> {
        let v = params.get(k)?;
        Timestamp::parse(v)
            .map_err(|_| {
                errors.push(format!(
                    "`{k}` must be an RFC 3339 time such as `2026-11-27T08:00:00+07:00`: got `{v}`"
                ))
            })
            .ok()
    };
    let start = time("start_date");
    let end = time("end_date");
    let statuses = list("status");
    for s in &statuses {
        if s != "open" && s != "closed" {
            errors.push(format!(
                "`status` `{s}` is not a status: use `open`, `closed` or `open,closed`"
            ));
        }
    }
    for k in params.keys() {
        if ![
            "service_request_id",
            "service_code",
            "start_date",
            "end_date",
            "status",
            "jurisdiction_id",
            "api_key",
        ]
        .contains(&k.as_str())
        {
            errors.push(format!("`{k}` is not a filter: use service_request_id, service_code, start_date, end_date or status"));
        }
    }
    if let (Some(want), Some(got)) = (jurisdiction, params.get("jurisdiction_id"))
        && want != got
    {
        errors.push(format!(
            "`jurisdiction_id` `{got}` is not served here: this endpoint serves `{want}`"
        ));
    }
    if let (Some(s), Some(e)) = (&start, &end)
        && s.datetime() > e.datetime()
    {
        errors.push(format!(
            "`start_date` ({s}) is after `end_date` ({e}): swap them"
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let ids = list("service_request_id");
    if !ids.is_empty() {
        // The spec: ids override every other filter.
        return Ok(ServiceRequestQuery {
            ids,
            limit: MAX_RESULTS,
            ..ServiceRequestQuery::default()
        });
    }
    let start = start.or_else(|| {
        let from = end.as_ref().unwrap_or(now).datetime();
        from.checked_sub(Duration::days(DEFAULT_DAYS))
            .map(Timestamp::from_datetime)
    });
    Ok(ServiceRequestQuery {
        ids,
        service_codes: list("service_code"),
        statuses,
        start,
        end,
        limit: MAX_RESULTS,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn now() -> Timestamp {
        Timestamp::parse("2026-11-27T08:00:00+07:00").unwrap()
    }

    #[test]
    fn defaults_to_the_last_90_days_and_1000_results() {
        let q = parse(&params(&[]), None, &now()).unwrap();
        assert_eq!(q.limit, 1000);
        assert_eq!(
            q.start.unwrap().datetime(),
            now().datetime() - Duration::days(90)
        );
        assert_eq!(q.end, None);
    }

    #[test]
    fn lists_and_dates_are_read_and_ids_override_the_rest() {
        let q = parse(
            &params(&[
                ("service_code", "o-ga,ngap"),
                ("status", "open"),
                ("start_date", "2026-11-01T00:00:00+07:00"),
            ]),
            None,
            &now(),
        )
        .unwrap();
        assert_eq!(q.service_codes, ["o-ga", "ngap"]);
        assert_eq!(q.statuses, ["open"]);
        assert_eq!(q.start.unwrap().as_str(), "2026-11-01T00:00:00+07:00");
        let q = parse(
            &params(&[("service_request_id", "a, b"), ("status", "closed")]),
            None,
            &now(),
        )
        .unwrap();
        assert_eq!(q.ids, ["a", "b"]);
        assert!(q.statuses.is_empty() && q.start.is_none());
    }

    #[test]
    fn every_bad_filter_is_reported() {
        let errors = parse(
            &params(&[
                ("start_date", "yesterday"),
                ("end_date", "2026-13-01"),
                ("status", "pending"),
                ("page", "2"),
            ]),
            None,
            &now(),
        )
        .unwrap_err();
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(errors[0].contains("`start_date`") && errors[1].contains("`end_date`"));
    }
}
