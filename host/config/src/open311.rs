//! `[open311]`: the host's Open311 GeoReport v2 endpoint and the plugin
//! whose configuration lists its services.

use cityhub_manifest::PluginName;
use serde::Deserialize;
use toml::Spanned;

use crate::{PluginEntry, checker::Checker, raw::RawOpen311};

/// The type of the event a citizen's report posted to `[open311]` becomes;
/// with `[open311]` configured, routes may take it `from`.
pub const SUBMITTED: &str = "city.fieldreport.submitted";

/// The type of the event holding a report's contact (the citizen's names,
/// email, phone, device and account ids), apart from the report: data class
/// [`PERSONAL`], subject = the report's `service_request_id`. Only plugins
/// approved for `personal` receive it.
pub const CONTACT: &str = "city.fieldreport.contact";

/// The data class of personal data (names, contacts, identifiers).
pub const PERSONAL: &str = "personal";

/// `[open311]`: serve `/open311/v2/…` for the services of one plugin.
///
/// ```toml
/// [open311]
/// plugin = "field-reports"          # its `config.services` lists the services
/// jurisdiction-id = "langson.gov.vn" # optional
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Open311Config {
    /// The plugin that handles the requests; a configured plugin.
    pub plugin: PluginName,
    /// The jurisdiction this endpoint serves; a request naming another is
    /// refused. `None` accepts any (or none).
    pub jurisdiction_id: Option<String>,
    /// The services, from the plugin's `config.services`, in its order.
    pub services: Vec<Service>,
}

/// One service of the plugin's `config.services`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Service {
    /// Its code (`service_code`), unique.
    pub service_code: String,
    /// Its name, for people.
    pub service_name: String,
    /// What it is for.
    #[serde(default)]
    pub description: String,
    /// The group it is listed under.
    #[serde(default)]
    pub group: String,
    /// The agency that handles it.
    #[serde(default)]
    pub agency: Option<String>,
    /// How long the agency has (`"48h"`), as the plugin reads it.
    #[serde(default)]
    pub sla: Option<String>,
    /// Words that classify a report under it.
    #[serde(default)]
    pub keywords: Vec<String>,
}

impl Checker<'_> {
    /// `[open311]`: its plugin must be configured, and that plugin's
    /// `config.services` a list of services with distinct codes. `plugins`
    /// holds the plugins whose manifests loaded; `configured` every key.
    pub fn open311(
        &mut self,
        raw: &Spanned<RawOpen311>,
        configured: &[&str],
        plugins: &[PluginEntry],
    ) -> Option<Open311Config> {
        let raw = raw.get_ref();
        let jurisdiction_id = raw.jurisdiction_id.as_ref().and_then(|j| {
            self.check(j, |s| {
                if s.trim().is_empty() {
                    Err("`jurisdiction-id` is empty: write the jurisdiction's id, e.g. `\"langson.gov.vn\"`, or remove it".to_owned())
                } else {
                    Ok(s.clone())
                }
            })
        });
        let name = raw.plugin.get_ref();
        if !configured.contains(&name.as_str()) {
            let names: Vec<String> = configured.iter().map(|p| format!("`{p}`")).collect();
            let list = match names.len() {
                0 => "no plugin is".to_owned(),
                1 => format!("{} is", names[0]),
                _ => format!("{} are", names.join(", ")),
            };
            self.error(raw.plugin.span(), format!("`[open311] plugin` names `{name}`, which is not configured ({list}): name the plugin that handles field reports, or add a `[plugins.{name}]` table"));
            return None;
        }
        // A plugin whose manifest did not load is reported where it is written.
        let plugin = plugins.iter().find(|p| p.name.as_str() == name)?;
        let services = self.services(&raw.plugin, plugin)?;
        Some(Open311Config {
            plugin: plugin.name.clone(),
            jurisdiction_id,
            services,
        })
    }

    fn services(&mut self, at: &Spanned<String>, plugin: &PluginEntry) -> Option<Vec<Service>> {
        let name = &plugin.name;
        let Some(list) = plugin.config.get("services") else {
            self.error(at.span(), format!("`[open311] plugin` names `{name}`, whose `config` has no `services`: list them in `[plugins.{name}] config`, e.g. `services = [{{ service_code = \"pothole\", service_name = \"Ổ gà\" }}]`"));
            return None;
        };
        let services: Vec<Service> = match serde_json::from_value(list.clone()) {
            Ok(s) => s,
            Err(e) => {
                self.error(at.span(), format!("`config.services` of plugin `{name}` is not a list of services ({e}): each needs at least `service_code` and `service_name` (strings)"));
                return None;
            }
        };
        let mut ok = true;
        for (i, s) in services.iter().enumerate() {
            if s.service_code.trim().is_empty() {
                ok = false;
                self.error(at.span(), format!("`config.services[{i}]` of plugin `{name}` has an empty `service_code`: give every service a code"));
            } else if services[..i]
                .iter()
                .any(|t| t.service_code == s.service_code)
            {
                ok = false;
                self.error(at.span(), format!("`config.services` of plugin `{name}` lists `service_code` `{}` twice: codes must be unique", s.service_code));
            }
        }
        ok.then_some(services)
    }
}
