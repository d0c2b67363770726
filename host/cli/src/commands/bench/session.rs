//! A bench session: the runs of each scenario on one store, each on a fresh
//! store and host, baselines first; the figures go to [`super::report`].

use std::path::Path;

use anyhow::{Context, bail};

use super::{
    Args, Scenario,
    city::{self, Components, RouteSettings, Topology},
    load::{self, Target},
    report::{self, Backend, Outcome, Paced, Throughput},
    server::Server,
    single_events,
    store::FreshStore,
    workload::{self, Shape},
};
use crate::{progress::Progress, table::thousands};

/// The targets: events/s in batches of 100, events/s one per
/// request, and the delivery p99 in ms at the fixed rate.
const BATCH_TARGET: f64 = 400_000.0;
const SINGLE_TARGET: f64 = 40_000.0;
const LATENCY_TARGET_MS: f64 = 20.0;

/// What every run of a session shares.
#[derive(Debug)]
pub struct Session<'a> {
    pub args: &'a Args,
    pub rt: &'a tokio::runtime::Runtime,
    /// The session's temporary folder: a folder per run, and the compiled
    /// components' cache shared by all.
    pub dir: &'a Path,
    pub components: Components,
    pub route: RouteSettings,
    /// Runs started so far: names each run's folder and database.
    pub runs: u32,
    pub progress: Progress,
    pub http: reqwest::Client,
}

/// A host serving one run; the server stops before its store goes.
#[derive(Debug)]
struct Running {
    server: Server,
    _store: FreshStore,
}

/// Runs `fut` on `rt` until it ends or the bench is interrupted (Ctrl-C,
/// SIGTERM); an interruption is an error, so that unwinding stops the host
/// and drops the run's database and folder.
fn block_on<T>(
    rt: &tokio::runtime::Runtime,
    fut: impl Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    rt.block_on(async {
        tokio::select! {
            r = fut => r,
            () = interrupted() => bail!("interrupted; the bench's hosts, databases and files are removed"),
        }
    })
}

async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

impl Session<'_> {
    fn block_on<T>(&self, fut: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
        block_on(self.rt, fut)
    }

    /// Runs `scenarios` on `backend`; the outcomes in the report's order.
    pub fn backend(
        &mut self,
        backend: Backend,
        scenarios: &[Scenario],
    ) -> anyhow::Result<Vec<Outcome>> {
        let mut out = Vec::new();
        let has = |s| scenarios.contains(&s);
        let batch = Shape::batch();
        let single = Shape::single();
        if has(Scenario::Batch) || has(Scenario::Chain) {
            let n = self.args.events;
            let base = self.throughput(backend, Topology::Baseline, &batch, n)?;
            if has(Scenario::Batch) {
                let r = self.throughput(backend, Topology::Traffic, &batch, n)?;
                out.push(report::throughput_outcome(
                    "batch-100",
                    backend,
                    &r,
                    &base,
                    Some(BATCH_TARGET),
                ));
            }
            if has(Scenario::Chain) {
                let r = self.throughput(backend, Topology::Chain, &batch, n)?;
                out.push(report::throughput_outcome(
                    "chain", backend, &r, &base, None,
                ));
            }
        }
        if has(Scenario::Single) {
            let n = single_events(self.args);
            let base = self.throughput(backend, Topology::Baseline, &single, n)?;
            let r = self.throughput(backend, Topology::Traffic, &single, n)?;
            out.push(report::throughput_outcome(
                "single",
                backend,
                &r,
                &base,
                Some(SINGLE_TARGET),
            ));
        }
        if has(Scenario::Latency) {
            out.push(self.latency(backend)?);
        }
        out.sort_by_key(|o| report::ORDER.iter().position(|s| *s == o.scenario));
        Ok(out)
    }

    /// Starts a fresh store and host for `topology`.
    fn start(&mut self, backend: Backend, topology: Topology) -> anyhow::Result<Running> {
        self.runs += 1;
        let dir = self.dir.join(format!("run-{}", self.runs));
        std::fs::create_dir_all(&dir).with_context(|| format!("creating `{}`", dir.display()))?;
        let name = format!("cityhub_bench_{}_{}", std::process::id(), self.runs);
        let store = self.block_on(FreshStore::create(
            backend,
            &dir,
            &self.args.database_url,
            &name,
        ))?;
        let config = city::write(
            &dir,
            &store.url(),
            &self.dir.join("cache"),
            topology,
            &self.components,
            &self.route,
        )?;
        let server = Server::start(&config)?;
        Ok(Running {
            server,
            _store: store,
        })
    }

    /// Sends `events` in `shape` requests from `--clients` connections as
    /// fast as the host takes them; with routes, waits for them to finish.
    fn throughput(
        &mut self,
        backend: Backend,
        topology: Topology,
        shape: &Shape,
        events: u64,
    ) -> anyhow::Result<Throughput> {
        let label = format!("{backend} {} {}", topology.label(), shape.label());
        self.progress.update(&format!("{label}: starting the host"));
        let running = self.start(backend, topology)?;
        let bodies = workload::closed_loop(&label, events, self.args.clients, shape);
        let target = Target::new(&self.http, running.server.base(), running.server.token())?;
        let progress = &mut self.progress;
        let (sent, routes, total, plugins) = block_on(self.rt, async {
            let sent = load::closed_loop(&target, bodies, shape, progress, &label).await?;
            let (routes, done) = match topology.routes() {
                [] => (None, sent.last_ack),
                names => {
                    let until = load::routes(&target).await?.last_seq;
                    let settle = topology == Topology::Chain;
                    let (done, r) =
                        load::drain(&target, names, until, settle, progress, &label).await?;
                    (Some(r), done)
                }
            };
            let plugins = match routes {
                Some(_) => load::metrics(&target).await?.plugin_time(),
                None => Vec::new(),
            };
            let total = done - sent.started;
            anyhow::Ok((sent, routes, total, plugins))
        })?;
        let problems = running.server.problems();
        drop(running);
        if let Some(r) = &routes {
            r.check(events, topology.routes().first().copied())?;
        }
        let rate = sent.events as f64 / total.as_secs_f64();
        self.progress.note(&format!(
            "{label}: {} events/s ({} events in {:.2} s)",
            thousands(rate as i64),
            thousands(sent.events as i64),
            total.as_secs_f64()
        ));
        Ok(Throughput {
            events: sent.events,
            rate,
            accepted_in: sent.last_ack - sent.started,
            total,
            refused: sent.refused,
            http: sent.latencies,
            routes,
            plugins,
            server: problems,
        })
    }

    /// The fixed-rate run, with no routes (baseline) and with the traffic route.
    fn latency(&mut self, backend: Backend) -> anyhow::Result<Outcome> {
        let base = self.paced(backend, Topology::Baseline)?;
        let with = self.paced(backend, Topology::Traffic)?;
        Ok(report::latency_outcome(
            backend,
            self.args.rate,
            &with,
            &base,
            LATENCY_TARGET_MS,
        ))
    }

    fn paced(&mut self, backend: Backend, topology: Topology) -> anyhow::Result<Paced> {
        let rate = self.args.rate;
        let label = format!(
            "{backend} {} @{}/s",
            topology.label(),
            thousands(rate as i64)
        );
        self.progress.update(&format!("{label}: starting the host"));
        let running = self.start(backend, topology)?;
        let events = ((rate * self.args.seconds) as u64).max(self.args.paced_batch);
        let bodies = workload::paced(&label, events, self.args.paced_batch);
        let target = Target::new(&self.http, running.server.base(), running.server.token())?;
        let progress = &mut self.progress;
        let per_request = self.args.paced_batch;
        let (run, delivery, routes) = block_on(self.rt, async {
            let run = load::paced(&target, bodies, per_request, rate, progress, &label).await?;
            let (delivery, routes) = match topology.routes() {
                [] => (None, None),
                names => {
                    let until = load::routes(&target).await?.last_seq;
                    let (_, r) =
                        load::drain(&target, names, until, false, progress, &label).await?;
                    let buckets = load::metrics(&target).await?.delivery_buckets(names[0])?;
                    (Some(buckets), Some(r))
                }
            };
            anyhow::Ok((run, delivery, routes))
        })?;
        let problems = running.server.problems();
        drop(running);
        if let Some(r) = &routes {
            r.check(run.sent.events, topology.routes().first().copied())?;
        }
        let p = Paced {
            run,
            delivery,
            server: problems,
        };
        self.progress.note(&format!("{label}: {}", p.summary()));
        Ok(p)
    }
}
