//! How an alert event or an operator action changes an alert, and a KPI's
//! trend: pure functions, so the rules read (and test) apart from the SQL.
//! The rules are in the module docs of [`crate::ops`].

use super::{AlertAction, AlertRow, AlertUpdate, Assignment, Mark};

/// Who resolves an alert its plugin resolved.
pub const SYSTEM: &str = "system";

/// A severity's place in the alert ranking: `critical` 5, `high` 4,
/// `medium` 3, `low` 2, `informational` 1, anything else 0.
pub fn severity_rank(severity: &str) -> i64 {
    match severity {
        "critical" => 5,
        "high" => 4,
        "medium" => 3,
        "low" => 2,
        "informational" => 1,
        _ => 0,
    }
}

/// A KPI's trend from its previous value to `value`.
pub(crate) fn trend(previous: Option<f64>, value: f64) -> &'static str {
    match previous {
        None => "new",
        Some(p) if value > p => "up",
        Some(p) if value < p => "down",
        Some(_) => "steady",
    }
}

/// The alert after `u`, given the stored one.
pub(crate) fn next_alert(stored: Option<AlertRow>, u: AlertUpdate) -> AlertRow {
    let resolved = u.status == "resolved";
    let system = || Mark {
        by: SYSTEM.to_owned(),
        at: u.at.clone(),
        note: None,
    };
    let mut row = match stored {
        None => AlertRow {
            alert_id: u.alert_id.clone(),
            sector: String::new(),
            severity: String::new(),
            status: String::new(),
            state: if resolved { "resolved" } else { "open" }.to_owned(),
            data: String::new(),
            opened_at: u.at.clone(),
            updated_at: u.at.clone(),
            acknowledged: None,
            assigned: None,
            resolved: resolved.then(system),
            seq: u.seq,
        },
        Some(mut row) => {
            if resolved && row.state != "resolved" {
                row.state = "resolved".to_owned();
                row.resolved = Some(system());
            } else if !resolved && row.state == "resolved" {
                row.state = "open".to_owned();
                row.opened_at = u.at.clone();
                row.acknowledged = None;
                row.assigned = None;
                row.resolved = None;
            }
            row
        }
    };
    row.sector = u.sector;
    row.severity = u.severity;
    row.status = u.status;
    row.data = u.data;
    row.updated_at = u.at;
    row.seq = u.seq;
    row
}

/// Applies an operator action to `row`; returns whether it changed it (not
/// on a resolved alert, an unknown action, or an `assign` without agency
/// and deadline).
pub(crate) fn apply_action(row: &mut AlertRow, a: &AlertAction) -> bool {
    if row.state == "resolved" {
        return false;
    }
    let mark = Mark {
        by: a.by.clone(),
        at: a.at.clone(),
        note: a.note.clone(),
    };
    match a.action.as_str() {
        "ack" => {
            if row.state == "open" {
                row.state = "acknowledged".to_owned();
            }
            row.acknowledged = Some(mark);
        }
        "assign" => {
            let (Some(agency), Some(deadline)) = (&a.agency, &a.deadline) else {
                return false;
            };
            row.state = "assigned".to_owned();
            row.assigned = Some(Assignment {
                agency: agency.clone(),
                deadline: deadline.clone(),
                mark,
            });
        }
        "resolve" => {
            row.state = "resolved".to_owned();
            row.resolved = Some(mark);
        }
        _ => return false,
    }
    row.seq = a.seq;
    true
}

#[cfg(test)]
mod tests {
    use cityhub_cloudevents::Timestamp;

    use super::*;

    fn at(hm: &str) -> Timestamp {
        Timestamp::parse(&format!("2026-11-27T{hm}:00+07:00")).unwrap()
    }

    fn update(status: &str, severity: &str, hm: &str, seq: i64) -> AlertUpdate {
        AlertUpdate {
            alert_id: "ioc/border/huu-nghi".into(),
            sector: "ioc".into(),
            severity: severity.into(),
            status: status.into(),
            data: format!(r#"{{"status":"{status}"}}"#),
            at: at(hm),
            seq,
        }
    }

    fn action(action: &str, hm: &str, seq: i64) -> AlertAction {
        AlertAction {
            seq,
            alert_id: "ioc/border/huu-nghi".into(),
            action: action.into(),
            by: "Nguyễn Văn An".into(),
            at: at(hm),
            agency: Some("Sở Công Thương".into()),
            deadline: Some(at("12:00")),
            note: Some("đã gọi".into()),
        }
    }

    #[test]
    fn re_announcements_keep_the_state_and_a_reopening_starts_a_new_episode() {
        let mut row = next_alert(None, update("open", "high", "07:00", 1));
        assert_eq!(
            (row.state.as_str(), row.opened_at.as_str()),
            ("open", "2026-11-27T07:00:00+07:00")
        );
        assert!(apply_action(&mut row, &action("assign", "07:05", 2)));
        assert!(apply_action(&mut row, &action("ack", "07:06", 3)));
        assert_eq!(row.state, "assigned", "an ack does not undo an assignment");
        let row = next_alert(Some(row), update("open", "critical", "07:10", 4));
        assert_eq!(
            (row.state.as_str(), row.severity.as_str(), row.seq),
            ("assigned", "critical", 4)
        );
        assert_eq!(row.opened_at, at("07:00"));
        let row = next_alert(Some(row), update("resolved", "critical", "08:00", 5));
        assert_eq!(row.state, "resolved");
        assert_eq!(
            row.resolved.as_ref().map(|m| (m.by.as_str(), m.at.clone())),
            Some((SYSTEM, at("08:00")))
        );
        assert!(
            row.assigned.is_some(),
            "the episode's record stays until it reopens"
        );
        let row = next_alert(Some(row), update("open", "high", "09:00", 6));
        assert_eq!(
            (row.state.as_str(), row.opened_at.clone()),
            ("open", at("09:00"))
        );
        assert_eq!(
            (&row.acknowledged, &row.assigned, &row.resolved),
            (&None, &None, &None)
        );
    }

    #[test]
    fn an_operators_resolution_is_kept_and_resolved_alerts_take_no_action() {
        let mut row = next_alert(None, update("open", "medium", "07:00", 1));
        assert!(apply_action(&mut row, &action("ack", "07:01", 2)));
        assert_eq!(row.state, "acknowledged");
        assert!(apply_action(&mut row, &action("resolve", "07:02", 3)));
        for a in ["ack", "assign", "resolve"] {
            assert!(!apply_action(&mut row, &action(a, "07:03", 4)), "{a}");
        }
        let row = next_alert(Some(row), update("resolved", "medium", "07:30", 5));
        let by = row.resolved.as_ref().map(|m| (m.by.as_str(), m.at.clone()));
        assert_eq!(by, Some(("Nguyễn Văn An", at("07:02"))));
        assert_eq!((row.status.as_str(), row.seq), ("resolved", 5));

        let first = next_alert(None, update("resolved", "low", "06:00", 9));
        assert_eq!(
            (first.state.as_str(), first.resolved.map(|m| m.by)),
            ("resolved", Some(SYSTEM.to_owned()))
        );
    }

    #[test]
    fn bad_actions_change_nothing_and_trends_compare_values() {
        let mut row = next_alert(None, update("open", "high", "07:00", 1));
        let mut assign = action("assign", "07:01", 2);
        assign.deadline = None;
        assert!(!apply_action(&mut row, &assign));
        assert!(!apply_action(&mut row, &action("escalate", "07:01", 3)));
        assert_eq!((row.state.as_str(), row.seq), ("open", 1));
        assert_eq!(severity_rank("critical"), 5);
        assert_eq!(severity_rank("informational"), 1);
        assert_eq!(severity_rank("severe"), 0);
        assert_eq!(
            [
                trend(None, 1.0),
                trend(Some(1.0), 2.0),
                trend(Some(2.0), 1.0),
                trend(Some(1.0), 1.0)
            ],
            ["new", "up", "down", "steady"]
        );
    }
}
