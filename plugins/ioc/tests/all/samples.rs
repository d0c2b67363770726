//! The sample events and the manifest in the plugin's folder.
