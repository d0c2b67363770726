//! One plugin instance as the SDK drives it: parse the configuration, then
//! for each batch decode the input frame, run the plugin, flush its state and
//! encode its outputs. The wasm exports and the native test runner both go
//! through here, so native tests cover the same code the component runs.

use cityhub_frame::FrameWriter;

use crate::state::StateCache;
use crate::{Batch, Context, Error, Host, Plugin};

/// Output buffers grow to what the previous batch needed, up to this much;
/// a rare huge batch does not pin its buffer forever.
const MAX_RETAINED_BYTES: usize = 1 << 20;

/// A plugin value and the buffers the SDK reuses across its batches.
#[derive(Debug)]
pub(crate) struct Instance<P> {
    plugin: P,
    cache: StateCache,
    scratch: Vec<u8>,
    output_hint: usize,
}

impl<P: Plugin> Instance<P> {
    /// Deserializes the configuration JSON and builds the plugin.
    pub(crate) fn init(config: &str) -> Result<Self, Error> {
        let config = if config.trim().is_empty() {
            "{}"
        } else {
            config
        };
        let config = crate::json::from_slice::<P::Config>(config.as_bytes())
            .map_err(|err| Error::config(format!("{}: {}", err.field("config"), err.inner)))?;
        Ok(Self {
            plugin: P::init(config)?,
            cache: StateCache::default(),
            scratch: Vec::new(),
            output_hint: 256,
        })
    }

    /// Handles one input frame and returns the output frame. On error the
    /// plugin's state writes have not reached `host` unless the plugin
    /// flushed them itself; either way the host drops them.
    pub(crate) fn handle(&mut self, input: &[u8], host: &mut dyn Host) -> Result<Vec<u8>, Error> {
        let batch = Batch::parse(input)?;
        let mut out = FrameWriter::with_capacity(self.output_hint);
        let result = {
            let mut ctx = Context::new(host, &mut self.cache, &mut out, &mut self.scratch);
            self.plugin
                .handle(&batch, &mut ctx)
                .and_then(|()| ctx.state().flush())
        };
        // Other instances share the state: nothing read here stays valid.
        self.cache.clear();
        if self.scratch.capacity() > MAX_RETAINED_BYTES {
            self.scratch = Vec::new();
        }
        result?;
        let frame = out.finish();
        self.output_hint = frame.len().clamp(256, MAX_RETAINED_BYTES);
        Ok(frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{self, MemoryHost, TestEvent};
    use crate::{ErrorKind, Output};

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Config {
        #[serde(default)]
        fail: bool,
    }

    /// Writes `seen` in state and echoes each event; fails after writing if
    /// configured to.
    #[derive(Debug)]
    struct Probe {
        fail: bool,
    }

    impl Plugin for Probe {
        type Config = Config;
        fn init(config: Config) -> Result<Self, Error> {
            Ok(Probe { fail: config.fail })
        }
        fn handle(&mut self, batch: &Batch<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
            for event in batch {
                let seen: u32 = ctx.state().get_json("seen")?.unwrap_or(0);
                ctx.state().set_json("seen", &(seen + 1))?;
                ctx.emit(Output::new("test.echo").subject(event.id()).json(&seen))?;
            }
            if self.fail {
                Err(Error::transient("failing on purpose"))
            } else {
                Ok(())
            }
        }
    }

    #[test]
    fn config_errors_are_config_kind_and_name_the_field() {
        let err = Instance::<Probe>::init(r#"{"fail": "yes"}"#).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(
            err.message()
                .starts_with("`config.fail`: invalid type: string"),
            "{err}"
        );
        let err = Instance::<Probe>::init(r#"{"fial": true}"#).unwrap_err();
        assert!(
            err.message()
                .starts_with("`config.fial`: unknown field `fial`, expected `fail`"),
            "{err}"
        );
        assert!(Instance::<Probe>::init("").is_ok());
        assert!(Instance::<Probe>::init("  ").is_ok());
    }

    #[test]
    fn a_batch_sees_its_own_writes_and_flushes_them_once_at_the_end() {
        let mut host = MemoryHost::new();
        let mut instance = Instance::<Probe>::init("{}").unwrap();
        let input = testing::encode(&[
            TestEvent::new("t.x"),
            TestEvent::new("t.x"),
            TestEvent::new("t.x"),
        ])
        .unwrap();
        let out = testing::decode(&instance.handle(&input, &mut host).unwrap()).unwrap();
        let seen: Vec<u32> = out.iter().map(|o| o.json().unwrap()).collect();
        assert_eq!(seen, [0, 1, 2]);
        assert_eq!(out[2].subject.as_deref(), Some("test-3"));
        assert_eq!(host.get_json::<u32>("seen").unwrap(), Some(3));
    }

    #[test]
    fn a_failed_batch_writes_nothing_and_forgets_its_cache() {
        let mut host = MemoryHost::new();
        host.insert_json("seen", &10).unwrap();
        let mut instance = Instance::<Probe>::init(r#"{"fail": true}"#).unwrap();
        let input = testing::encode(&[TestEvent::new("t.x")]).unwrap();
        let err = instance.handle(&input, &mut host).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Transient);
        assert_eq!(host.get_json::<u32>("seen").unwrap(), Some(10));
        // The next batch reads the host again rather than the failed batch's value.
        host.insert_json("seen", &20).unwrap();
        instance.plugin.fail = false;
        let out = testing::decode(&instance.handle(&input, &mut host).unwrap()).unwrap();
        assert_eq!(out[0].json::<u32>().unwrap(), 20);
    }

    #[test]
    fn a_malformed_frame_is_invalid_input() {
        let mut instance = Instance::<Probe>::init("{}").unwrap();
        let err = instance
            .handle(b"CHF1\x02\0\0\0", &mut MemoryHost::new())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.message().starts_with("malformed input frame"), "{err}");
    }
}
