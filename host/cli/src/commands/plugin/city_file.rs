//! Editing city.toml for `plugin install|remove`: one `[plugins.NAME]`
//! table added, its `grants` widened, its `publishes` and `data-classes`
//! set, or the table removed, keeping the
//! rest of the file — comments, order, layout — as the integrator wrote it.
//! Written whole through a rename, so a running host never reads half of it.

use std::path::Path;

use anyhow::Context;
use cityhub_manifest::Capability;
use toml_edit::{Array, DocumentMut, Item, Table, value};

/// city.toml, parsed for editing.
pub struct CityFile {
    doc: DocumentMut,
}

impl CityFile {
    /// Reads `file`.
    pub fn read(file: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(file).with_context(|| {
            format!(
                "cannot read `{}`; pass it with `--config FILE`",
                file.display()
            )
        })?;
        let doc = text.parse::<DocumentMut>().with_context(|| {
            format!(
                "`{}` is not valid TOML; `cityhub check` says where",
                file.display()
            )
        })?;
        Ok(Self { doc })
    }

    /// Adds `[plugins.NAME]` with `package`, `grants` and the approvals
    /// (the plugin must not be configured yet).
    pub fn add_package(
        &mut self,
        name: &str,
        grants: &[Capability],
        approved: &Approvals,
    ) -> anyhow::Result<()> {
        let plugins = self.plugins()?;
        let mut t = Table::new();
        t.insert("package", value(name));
        t.insert("grants", value(array(grants)));
        approved.write(&mut t);
        t.decor_mut().set_prefix(
            "\n# Installed from a registry with `cityhub plugin install`; its code is in\n\
             # [runtime] plugins-dir. Route events to it with a [routes.NAME] table.\n",
        );
        plugins.insert(name, Item::Table(t));
        Ok(())
    }

    /// Sets `[plugins.NAME] grants`.
    pub fn set_grants(&mut self, name: &str, grants: &[Capability]) -> anyhow::Result<()> {
        if let Some(t) = self
            .plugins()?
            .get_mut(name)
            .and_then(Item::as_table_like_mut)
        {
            t.insert("grants", value(array(grants)));
        }
        Ok(())
    }

    /// Sets `[plugins.NAME] publishes` and `data-classes` (removing
    /// `data-classes` when none is approved).
    pub fn set_approvals(&mut self, name: &str, approved: &Approvals) -> anyhow::Result<()> {
        if let Some(t) = self
            .plugins()?
            .get_mut(name)
            .and_then(Item::as_table_like_mut)
        {
            approved.write(t);
        }
        Ok(())
    }

    /// Removes `[plugins.NAME]`; whether it was there.
    pub fn remove_plugin(&mut self, name: &str) -> anyhow::Result<bool> {
        Ok(self.plugins()?.remove(name).is_some())
    }

    /// Writes the file back, whole or not at all.
    pub fn write(&self, file: &Path) -> anyhow::Result<()> {
        cityhub_config::write_atomic(file, self.doc.to_string().as_bytes())
            .with_context(|| format!("cannot write `{}`", file.display()))
    }

    /// The `[plugins]` table, made (implicit, so only its sub-tables show)
    /// when missing.
    fn plugins(&mut self) -> anyhow::Result<&mut Table> {
        let item = self.doc.entry("plugins").or_insert_with(|| {
            let mut t = Table::new();
            t.set_implicit(true);
            Item::Table(t)
        });
        item.as_table_mut().context(
            "`plugins` in city.toml is not a table: write each plugin as a `[plugins.NAME]` table",
        )
    }
}

fn array(caps: &[Capability]) -> Array {
    caps.iter().map(|c| c.name()).collect()
}

/// What `plugin install` approves besides capabilities: the output types
/// (`publishes`) and the data classes (`data-classes`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Approvals {
    /// The approved output types.
    pub publishes: Vec<String>,
    /// The approved data classes (written only when some).
    pub data_classes: Vec<String>,
}

impl Approvals {
    fn write(&self, t: &mut dyn toml_edit::TableLike) {
        let list = |l: &[String]| -> Array { l.iter().map(String::as_str).collect() };
        t.insert("publishes", value(list(&self.publishes)));
        if self.data_classes.is_empty() {
            t.remove("data-classes");
        } else {
            t.insert("data-classes", value(list(&self.data_classes)));
        }
    }
}
