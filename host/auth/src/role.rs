//! [`Role`] and [`Permission`]: the table of who holds what.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

use crate::Error;

/// What a token may do on a host. Written lowercase in TOML, JSON and the
/// CLI (`admin`, `integrator`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, including tokens and the audit log.
    Admin,
    /// Plugins, routes, dead letters, replay; reads events, ops and metrics.
    Integrator,
    /// The operations centre: reads events and ops views, acts on alerts.
    Operator,
    /// A system that sends events (ingest and Open311 submissions) only.
    Source,
    /// Publishes packages to the registry; nothing on a host.
    Vendor,
}

impl Role {
    /// Every role, in the order documented.
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Integrator,
        Role::Operator,
        Role::Source,
        Role::Vendor,
    ];

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Integrator => "integrator",
            Self::Operator => "operator",
            Self::Source => "source",
            Self::Vendor => "vendor",
        }
    }

    /// Whether this role may do what `p` guards. Admin holds every
    /// permission; vendor none.
    pub fn holds(self, p: Permission) -> bool {
        use Permission as P;
        match self {
            Self::Admin => true,
            Self::Vendor => false,
            Self::Integrator => !matches!(p, P::ActOnAlerts | P::Administer),
            Self::Operator => matches!(
                p,
                P::ReadEvents | P::ReadOps | P::ActOnAlerts | P::ReadApiDoc
            ),
            Self::Source => matches!(p, P::IngestEvents | P::ReadApiDoc),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| Error::UnknownRole(s.to_owned()))
    }
}

/// What an API route needs; see the crate docs for the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Permission {
    /// `POST /v1/events`, `POST /open311/v2/requests.json`.
    IngestEvents,
    /// `GET /v1/events`, `GET /v1/stream`.
    ReadEvents,
    /// `GET /v1/ops/*`, `GET /open311/v2/*`.
    ReadOps,
    /// `POST /v1/ops/alerts/{id}/{action}`.
    ActOnAlerts,
    /// `/v1/routes*`, `/v1/plugins*`, `/v1/deadletters*`.
    ManageDelivery,
    /// `GET /metrics`.
    ReadMetrics,
    /// `GET /v1/openapi.json`, `GET /v1/session`.
    ReadApiDoc,
    /// `/v1/tokens*`, `GET /v1/audit`.
    Administer,
}

impl Permission {
    /// Every permission.
    pub const ALL: [Permission; 8] = [
        Permission::IngestEvents,
        Permission::ReadEvents,
        Permission::ReadOps,
        Permission::ActOnAlerts,
        Permission::ManageDelivery,
        Permission::ReadMetrics,
        Permission::ReadApiDoc,
        Permission::Administer,
    ];

    /// The name used in error messages, e.g. `manage-delivery`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::IngestEvents => "ingest-events",
            Self::ReadEvents => "read-events",
            Self::ReadOps => "read-ops",
            Self::ActOnAlerts => "act-on-alerts",
            Self::ManageDelivery => "manage-delivery",
            Self::ReadMetrics => "read-metrics",
            Self::ReadApiDoc => "read-api-doc",
            Self::Administer => "administer",
        }
    }

    /// The roles that hold this permission, in [`Role::ALL`] order.
    pub fn roles(self) -> Vec<Role> {
        Role::ALL.into_iter().filter(|r| r.holds(self)).collect()
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_print_and_serialize_lowercase() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.as_str())
            );
            assert_eq!(
                serde_json::from_str::<Role>(&format!("\"{r}\"")).unwrap(),
                r
            );
        }
        let e = "Admin".parse::<Role>().unwrap_err().to_string();
        assert!(e.contains("`Admin`") && e.contains("admin, integrator, operator, source, vendor"));
    }

    #[test]
    fn the_table_is_the_contracts() {
        use Permission as P;
        use Role::*;
        let table = [
            (P::IngestEvents, vec![Admin, Integrator, Source]),
            (P::ReadEvents, vec![Admin, Integrator, Operator]),
            (P::ReadOps, vec![Admin, Integrator, Operator]),
            (P::ActOnAlerts, vec![Admin, Operator]),
            (P::ManageDelivery, vec![Admin, Integrator]),
            (P::ReadMetrics, vec![Admin, Integrator]),
            (P::ReadApiDoc, vec![Admin, Integrator, Operator, Source]),
            (P::Administer, vec![Admin]),
        ];
        assert_eq!(table.len(), Permission::ALL.len());
        for (p, roles) in table {
            assert_eq!(p.roles(), roles, "{p}");
        }
    }

    #[test]
    fn admin_holds_all_and_vendor_nothing() {
        for p in Permission::ALL {
            assert!(Role::Admin.holds(p));
            assert!(!Role::Vendor.holds(p));
        }
    }
}
