//! One station job: audit, target selection, the journalled wipe, the certificate, the upload.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use anyhow::{Context, bail};
use tabula_audit::Audit;
use tabula_certificate::StationKey;
use tabula_wipe::engine::EngineOptions;
use tabula_wipe::plan::WipePlan;
use tabula_wipe::progress::Event;
use tabula_wipe::report::DriveReport;
use tabula_wipe::{Drive, Verdict, discover};

use super::certify::{self, Issuer, Stored};
use super::config::Config;
use super::datadir::{DataDir, append_line};
use super::journal::{IssuerRecord, Journal};
use super::outbox::{self, FlushReport, Retry};
use crate::wiping;

/// An opened station: data directory, configuration and key.
#[derive(Debug)]
pub struct Station {
    pub data: DataDir,
    pub config: Config,
    pub key: StationKey,
    /// Where /sys and /proc are read (`/` except in replayed tests).
    pub root: PathBuf,
}

/// What a finished wipe left behind.
#[derive(Debug)]
pub struct Finished {
    pub reports: Vec<DriveReport>,
    pub stored: Stored,
    /// The journal is kept when a drive was interrupted, so the wipe can be resumed.
    pub journal_kept: Option<PathBuf>,
}

/// What [`Station::resume`] did.
#[derive(Debug, Default)]
pub struct Resumed {
    pub finished: Vec<Finished>,
    /// Journals left for later (their journal files stay).
    pub not_resumed: Vec<NotResumed>,
}

/// An interrupted wipe that could not be resumed now, and why.
#[derive(Debug, Clone)]
pub struct NotResumed {
    pub id: String,
    pub reason: String,
}

impl std::fmt::Display for NotResumed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "wipe {} not resumed: {}; its journal is kept for a later `tabula resume`",
            self.id, self.reason
        )
    }
}

impl Finished {
    pub fn success(&self) -> bool {
        self.reports.iter().all(|r| r.status.is_success())
    }
}

impl Station {
    pub fn open(data: &Path, config: Option<&Path>) -> anyhow::Result<Self> {
        let data = DataDir::open(data)?;
        let config = data.config(config)?;
        let key = data.station_key()?;
        Ok(Self {
            data,
            config,
            key,
            root: PathBuf::from("/"),
        })
    }

    /// Audits this machine with the configured fitness rules.
    pub fn audit(&self) -> anyhow::Result<(Audit, serde_json::Value)> {
        audit_machine(&self.root, self.config.fitness.clone())
    }

    /// The drives to wipe. Named targets are checked like `tabula wipe` does; in unattended mode
    /// without names, every wipeable drive, narrowed to `[unattended] targets` when that list
    /// exists (naming a loop device there counts as naming it explicitly). `[keep] serials` are
    /// never wiped.
    pub fn select_targets(
        &self,
        named: &[PathBuf],
        unattended: bool,
    ) -> anyhow::Result<Vec<(PathBuf, Option<Drive>)>> {
        if unattended && !self.config.unattended.enabled {
            bail!(
                "unattended wiping is disabled: set `enabled = true` under [unattended] in tabula.toml to allow it"
            );
        }
        let keep = &self.config.keep.serials;
        let kept = |d: &Option<Drive>| {
            d.as_ref()
                .and_then(|d| d.serial.as_ref())
                .is_some_and(|s| keep.contains(s))
        };
        let allow = self
            .config
            .unattended
            .targets
            .as_ref()
            .filter(|_| unattended);
        let paths: Vec<PathBuf> = if named.is_empty() {
            if !unattended {
                bail!(
                    "no targets named (name drives, or use --unattended with a configuration that enables it)"
                );
            }
            let drives = discover(&self.root).context("discovering drives")?;
            drives
                .iter()
                .filter(|d| match allow {
                    Some(list) => listed(list, d) && d.verdict.allows_explicit(),
                    None => d.verdict == Verdict::Wipeable,
                })
                .map(|d| d.path.clone())
                .collect()
        } else {
            if let Some(list) = allow {
                let drives = discover(&self.root).context("discovering drives")?;
                for p in named {
                    let d = drives.iter().find(|d| same_device(&d.path, p));
                    if !d.is_some_and(|d| listed(list, d))
                        && !list.iter().any(|e| same_device(Path::new(e), p))
                    {
                        bail!(
                            "{} is not in the [unattended] targets allow-list",
                            p.display()
                        );
                    }
                }
            }
            named.to_vec()
        };
        let mut checked = wiping::check_targets(&paths, &self.root).or_else(|e| {
            if paths.is_empty() {
                Ok(Vec::new())
            } else {
                Err(e)
            }
        })?;
        if let Some((p, _)) = checked.iter().find(|(_, d)| kept(d)) {
            if !named.is_empty() {
                bail!(
                    "{}: refused: its serial is listed under [keep] serials",
                    p.display()
                );
            }
        }
        checked.retain(|(_, d)| !kept(d));
        Ok(checked)
    }

    /// The plan for the chosen targets with the configured (or given) method.
    pub fn plan(
        &self,
        targets: Vec<(PathBuf, Option<Drive>)>,
        method: Option<&str>,
    ) -> anyhow::Result<WipePlan> {
        let method = wiping::method(method.unwrap_or(&self.config.wipe.method))?;
        wiping::plan(method, self.config.wipe.verify, targets)
    }

    /// Who issues the certificate. A certificate must name its organisation, site and operator:
    /// a missing one is an error before anything is written.
    pub fn issuer(&self, operator: Option<&str>) -> anyhow::Result<IssuerRecord> {
        let s = &self.config.station;
        let given = certify::given;
        let missing = |what: &str| {
            anyhow::anyhow!(
                "no {what} for the certificate: set [station] {what} in tabula.toml \
                 (see docs/station.md)"
            )
        };
        Ok(IssuerRecord {
            organisation: given(s.organisation.as_deref())
                .ok_or_else(|| missing("organisation"))?,
            site: given(s.site.as_deref()).ok_or_else(|| missing("site"))?,
            operator: given(operator)
                .or_else(|| given(s.operator.as_deref()))
                .ok_or_else(|| missing("operator"))?,
            station_id: s.id.clone(),
            remark: String::new(),
        })
    }

    pub fn engine_options(&self, cancel: Arc<AtomicBool>) -> EngineOptions {
        let mut opts = EngineOptions::default();
        opts.stall_after = Duration::from_secs(self.config.wipe.stall_timeout.max(1));
        opts.cancel = cancel;
        opts
    }

    /// Wipes according to `plan` with a journal, then signs and stores the certificate.
    pub fn wipe(
        &self,
        plan: &WipePlan,
        issuer: IssuerRecord,
        audit: (&Audit, serde_json::Value),
        cancel: Arc<AtomicBool>,
        on_event: impl FnMut(&Event),
    ) -> anyhow::Result<Finished> {
        let journal = Journal::create(&self.data.journal(), plan, issuer, audit.1.clone())?;
        self.run_journalled(journal, plan, Some(audit.0), cancel, on_event)
    }

    /// Resumes every interrupted wipe of the journal, one after the other; `on_event` gets the
    /// journal's position in [`Self::pending_journals`] with each event. A journal whose drives
    /// are not all back (or are now refused) is left as it is and reported; the others go on.
    pub fn resume(
        &self,
        cancel: Arc<AtomicBool>,
        mut on_event: impl FnMut(usize, &Event),
    ) -> anyhow::Result<Resumed> {
        let mut done = Resumed::default();
        for (index, mut journal) in Journal::list(&self.data.journal())?.into_iter().enumerate() {
            let plan = match journal.resume_plan(&self.root) {
                Ok(plan) => plan,
                Err(e) => {
                    done.not_resumed.push(NotResumed {
                        id: journal.id.clone(),
                        reason: format!("{e:#}"),
                    });
                    continue;
                }
            };
            journal.save()?;
            let audit: Option<Audit> = serde_json::from_value(journal.audit.clone()).ok();
            done.finished.push(self.run_journalled(
                journal,
                &plan,
                audit.as_ref(),
                Arc::clone(&cancel),
                |e: &Event| on_event(index, e),
            )?);
        }
        Ok(done)
    }

    fn run_journalled(
        &self,
        mut journal: Journal,
        plan: &WipePlan,
        audit: Option<&Audit>,
        cancel: Arc<AtomicBool>,
        mut on_event: impl FnMut(&Event),
    ) -> anyhow::Result<Finished> {
        let log = self.data.logs().join(format!("{}.log", journal.id));
        let opts = self.engine_options(cancel);
        let mut journal_error = None;
        let reports = wiping::execute(plan, &opts, |event| {
            if let Err(e) = journal.observe(event) {
                journal_error.get_or_insert(e);
            }
            if !matches!(event, Event::Progress { .. }) {
                let _ = append_line(&log, &serde_json::to_string(event).unwrap_or_default());
            }
            on_event(event);
        });
        let i = &journal.issuer;
        let mut remark = i.remark.clone();
        if !journal.history.is_empty() {
            remark = [remark, journal.history.join("; ")]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" | ");
        }
        if let Some(e) = journal_error {
            remark.push_str(&format!(" | journal could not be written: {e:#}"));
        }
        let issuer = Issuer {
            organisation: i.organisation.clone(),
            site: i.site.clone(),
            operator: i.operator.clone(),
            station_id: i.station_id.clone(),
            remark,
        };
        let cert = certify::certificate(
            &issuer,
            &self.key,
            plan,
            &reports,
            &journal.audit,
            audit,
            journal.started,
        );
        let stored = certify::store(
            &self.data,
            &cert,
            journal.audit.clone(),
            &self.key,
            self.config.registry.url.as_deref(),
        )?;
        let _ = append_line(
            &log,
            &format!(
                "{{\"certificate\":\"{}\",\"result\":\"{}\"}}",
                stored.id, cert.result
            ),
        );
        let interrupted = reports
            .iter()
            .any(|r| r.status == tabula_wipe::report::WipeStatus::Interrupted);
        let journal_kept = if interrupted {
            Some(journal.path().to_owned())
        } else {
            journal.remove()?;
            None
        };
        Ok(Finished {
            reports,
            stored,
            journal_kept,
        })
    }

    /// Delivers the outbox to the configured registry; `None` when no registry is configured.
    pub fn upload(&self, retry: Retry) -> anyhow::Result<Option<FlushReport>> {
        if self.config.registry.url.is_none() {
            return Ok(None);
        }
        outbox::flush(&self.data, &self.key.public(), &self.config.registry, retry).map(Some)
    }

    /// Unfinished wipes waiting for `tabula resume`.
    pub fn pending_journals(&self) -> anyhow::Result<Vec<Journal>> {
        Journal::list(&self.data.journal())
    }
}

/// The audit of the machine under `root` (with `rules`, else the built-in fitness rules) and
/// its JSON document, as the certificate attaches it.
pub fn audit_machine(
    root: &Path,
    rules: Option<tabula_audit::Rules>,
) -> anyhow::Result<(Audit, serde_json::Value)> {
    let mut options = tabula_audit::Options::with_root(root);
    options.rules = rules;
    let audit = tabula_audit::collect(&options).context("auditing the machine")?;
    let json = serde_json::to_value(&audit)?;
    Ok((audit, json))
}

/// An allow-list entry names a drive by device path or serial number.
fn listed(list: &[String], drive: &Drive) -> bool {
    list.iter().any(|e| {
        same_device(Path::new(e), &drive.path) || drive.serial.as_deref() == Some(e.as_str())
    })
}

fn same_device(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
