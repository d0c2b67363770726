//! KPIs and alerts from the operations centre (`city.ioc.kpi`,
//! `city.ioc.alert`; plugins/README.md, `ioc`) and the operators' actions on
//! alerts ([`super::ALERT_ACTION`]). An event that does not fit is logged
//! and skipped.

use cityhub_store::{AlertAction, AlertUpdate, KpiUpdate, StoredEvent};
use serde_json::{Map, Value};
use tracing::warn;

use super::{data, data_text, observed, text, time_field};

/// A `city.ioc.kpi`: its id (`id`, else the subject), sector (`category`),
/// `kpiValue`, `currentStanding` and `dateModified`.
pub(super) fn kpi(e: &StoredEvent) -> Option<KpiUpdate> {
    let d = object(e, "KPI")?;
    let Some(id) = text(&d, "id").or(e.event.subject.as_deref()) else {
        return skip(e, "a KPI names no `id` (nor subject)");
    };
    let Some(sector) = text(&d, "category") else {
        return skip(e, "a KPI has no `category` (its sector)");
    };
    let Some(value) = d.get("kpiValue").and_then(Value::as_f64) else {
        return skip(e, "a KPI has no numeric `kpiValue`");
    };
    Some(KpiUpdate {
        id: id.to_owned(),
        sector: sector.to_owned(),
        data: data_text(e),
        value,
        standing: text(&d, "currentStanding").map(str::to_owned),
        updated_at: observed(e, &d, "dateModified"),
        seq: e.seq,
    })
}

/// A `city.ioc.alert`: `alertId`, `sector`, `severity`, `status` (`open` or
/// `resolved`), at the event's time.
pub(super) fn alert(e: &StoredEvent) -> Option<AlertUpdate> {
    let d = object(e, "alert")?;
    let Some(alert_id) = text(&d, "alertId").or(e.event.subject.as_deref()) else {
        return skip(e, "an alert names no `alertId` (nor subject)");
    };
    let Some(status @ ("open" | "resolved")) = text(&d, "status") else {
        return skip(e, "an alert's `status` is not `open` or `resolved`");
    };
    let (Some(sector), Some(severity)) = (text(&d, "sector"), text(&d, "severity")) else {
        return skip(e, "an alert lacks `sector` or `severity`");
    };
    Some(AlertUpdate {
        alert_id: alert_id.to_owned(),
        sector: sector.to_owned(),
        severity: severity.to_owned(),
        status: status.to_owned(),
        data: data_text(e),
        at: e
            .event
            .time
            .clone()
            .unwrap_or_else(|| observed(e, &d, "observedAt")),
        seq: e.seq,
    })
}

/// A [`super::ALERT_ACTION`]: `alertId` (else the subject), `action`, `by`,
/// `at`, and for `assign` `agency` and `deadline`; `note` optional.
pub(super) fn action(e: &StoredEvent) -> Option<AlertAction> {
    let d = object(e, "alert action")?;
    let Some(alert_id) = text(&d, "alertId").or(e.event.subject.as_deref()) else {
        return skip(e, "an alert action names no `alertId` (nor subject)");
    };
    let Some(action @ ("ack" | "assign" | "resolve")) = text(&d, "action") else {
        return skip(
            e,
            "an alert action's `action` is not `ack`, `assign` or `resolve`",
        );
    };
    let Some(by) = text(&d, "by").filter(|b| !b.trim().is_empty()) else {
        return skip(e, "an alert action has no `by`");
    };
    let Some(at) = time_field(&d, "at") else {
        return skip(e, "an alert action's `at` is not an RFC 3339 time");
    };
    let agency = text(&d, "agency").map(str::to_owned);
    let deadline = time_field(&d, "deadline");
    if action == "assign" && (agency.is_none() || deadline.is_none()) {
        return skip(e, "an `assign` needs `agency` and an RFC 3339 `deadline`");
    }
    Some(AlertAction {
        seq: e.seq,
        alert_id: alert_id.to_owned(),
        action: action.to_owned(),
        by: by.to_owned(),
        at,
        agency,
        deadline,
        note: text(&d, "note").map(str::to_owned),
    })
}

/// The data as an object, or a warning naming `what`.
fn object(e: &StoredEvent, what: &str) -> Option<Map<String, Value>> {
    let d = data(e);
    if d.is_none() {
        warn!(event.id = %e.event.id, seq = e.seq, "ops projection: an {what} event without a JSON object as data; skipped");
    }
    d
}

fn skip<T>(e: &StoredEvent, why: &str) -> Option<T> {
    warn!(event.id = %e.event.id, seq = e.seq, "ops projection: {why}; skipped");
    None
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::projection::ops::{ALERT_ACTION, tests::stored};

    const AT: &str = "2026-11-27T07:00:00+07:00";

    #[test]
    fn a_kpi_keeps_its_value_standing_sector_and_modified_time() {
        let d = json!({"id": "kpi/health/bed-occupancy/bvdk-tinh", "category": "health",
            "kpiValue": 0.87, "unit": "ratio", "currentStanding": "warning",
            "name": {"vi": "Tỷ lệ sử dụng giường bệnh", "en": "Bed occupancy"},
            "dateModified": "2026-11-27T06:55:00+07:00"});
        let k = kpi(&stored("city.ioc.kpi", "x", AT, d.clone())).unwrap();
        assert_eq!(
            (
                k.id.as_str(),
                k.sector.as_str(),
                k.value,
                k.standing.as_deref(),
                k.seq
            ),
            (
                "kpi/health/bed-occupancy/bvdk-tinh",
                "health",
                0.87,
                Some("warning"),
                7
            )
        );
        assert_eq!(k.updated_at.as_str(), "2026-11-27T06:55:00+07:00");
        assert_eq!(serde_json::from_str::<Value>(&k.data).unwrap(), d);
        let bare = kpi(&stored(
            "city.ioc.kpi",
            "kpi/visitors",
            AT,
            json!({"category": "tourism", "kpiValue": 4200}),
        ));
        let bare = bare.unwrap();
        assert_eq!(
            (bare.id.as_str(), bare.standing, bare.updated_at.as_str()),
            ("kpi/visitors", None, AT)
        );
        assert!(
            kpi(&stored(
                "city.ioc.kpi",
                "x",
                AT,
                json!({"category": "health", "kpiValue": "high"})
            ))
            .is_none()
        );
        assert!(kpi(&stored("city.ioc.kpi", "x", AT, json!({"kpiValue": 1}))).is_none());
    }

    #[test]
    fn an_alert_needs_its_id_status_sector_and_severity() {
        let d = json!({"alertId": "ioc/border/huu-nghi", "status": "open", "sector": "ioc",
            "severity": "critical", "category": "border", "title": {"vi": "Ùn ứ", "en": "Queue"}});
        let a = alert(&stored("city.ioc.alert", "x", AT, d)).unwrap();
        assert_eq!(
            (
                a.alert_id.as_str(),
                a.status.as_str(),
                a.sector.as_str(),
                a.severity.as_str()
            ),
            ("ioc/border/huu-nghi", "open", "ioc", "critical")
        );
        assert_eq!(a.at.as_str(), AT);
        assert!(a.data.contains("Ùn ứ"));
        let closed =
            json!({"alertId": "a", "status": "closed", "sector": "ioc", "severity": "low"});
        assert!(alert(&stored("city.ioc.alert", "x", AT, closed)).is_none());
        let no_sector = json!({"alertId": "a", "status": "open", "severity": "low"});
        assert!(alert(&stored("city.ioc.alert", "x", AT, no_sector)).is_none());
    }

    #[test]
    fn actions_are_checked_and_assign_needs_agency_and_deadline() {
        let d = json!({"alertId": "ioc/border/huu-nghi", "action": "assign", "by": "Nguyễn Văn An",
            "at": "2026-11-27T07:05:00+07:00", "agency": "Sở Công Thương",
            "deadline": "2026-11-27T12:00:00+07:00", "note": "gấp"});
        let a = action(&stored(ALERT_ACTION, "ioc/border/huu-nghi", AT, d.clone())).unwrap();
        assert_eq!(
            (a.action.as_str(), a.by.as_str(), a.agency.as_deref()),
            ("assign", "Nguyễn Văn An", Some("Sở Công Thương"))
        );
        assert_eq!(
            a.deadline.map(|t| t.as_str().to_owned()).as_deref(),
            Some("2026-11-27T12:00:00+07:00")
        );
        assert_eq!(
            (a.at.as_str(), a.note.as_deref(), a.seq),
            ("2026-11-27T07:05:00+07:00", Some("gấp"), 7)
        );
        let mut no_deadline = d.clone();
        no_deadline["deadline"] = json!("tomorrow");
        assert!(action(&stored(ALERT_ACTION, "x", AT, no_deadline)).is_none());
        let ack = json!({"action": "ack", "by": "An", "at": AT});
        assert_eq!(
            action(&stored(ALERT_ACTION, "from-subject", AT, ack))
                .unwrap()
                .alert_id,
            "from-subject"
        );
        for bad in [
            json!({"action": "close", "by": "An", "at": AT}),
            json!({"action": "ack", "by": " ", "at": AT}),
            json!([1]),
        ] {
            assert!(
                action(&stored(ALERT_ACTION, "x", AT, bad.clone())).is_none(),
                "{bad}"
            );
        }
    }
}
