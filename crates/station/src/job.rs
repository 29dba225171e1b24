//! One station job: audit, target selection, the journalled wipe, the certificate, the upload.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use tabula_audit::Audit;
use tabula_certificate::{LocalZone, StationKey, verify};
use tabula_device::{Drive, Verdict, discover};
use tabula_wipe::engine::EngineOptions;
use tabula_wipe::plan::{Checked, WipePlan};
use tabula_wipe::progress::Event;
use tabula_wipe::report::DriveReport;

use crate::certify::{self, Issuer, Stored};
use crate::config::Config;
use crate::datadir::{DataDir, append_line};
use crate::error::{Error, Refusal, Result};
use crate::journal::{Interrupted, IssuerRecord, Journal, Signed};
use crate::outbox::{self, FlushReport, KeyPolicy, Retry};
use crate::targets::{self, same_file};

/// An opened station: data directory, configuration and key.
#[derive(Debug)]
pub struct Station {
    pub data: DataDir,
    pub config: Config,
    /// The file `config` was read from (named in errors that ask to change it).
    pub config_path: PathBuf,
    pub key: StationKey,
    /// Where /sys and /proc are read (`/` except in replayed tests).
    pub root: PathBuf,
    /// The zone of the times written for people (remarks, PDF): Europe/Berlin by default.
    pub zone: LocalZone,
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

/// An interrupted wipe that could not be resumed now, and why. `id` is the journal's wipe id, or
/// the journal file's name when the file itself cannot be read.
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

impl NotResumed {
    fn new(id: String, e: &Error) -> Self {
        Self {
            id,
            reason: outbox::chain(e),
        }
    }
}

impl Finished {
    /// Every drive was erased; a wipe without any drive report is no success.
    pub fn success(&self) -> bool {
        !self.reports.is_empty() && self.reports.iter().all(|r| r.status.is_success())
    }
}

impl Station {
    pub fn open(data: &Path, config: Option<&Path>) -> Result<Self> {
        let data = DataDir::open(data)?;
        let config_path = data.config_path(config);
        let config = data.config(config)?;
        let key = data.station_key()?;
        // The name was checked when the configuration was loaded.
        let zone = config
            .station
            .timezone
            .as_deref()
            .and_then(|name| LocalZone::named(name).ok())
            .unwrap_or_default();
        Ok(Self {
            data,
            config,
            config_path,
            key,
            root: PathBuf::from("/"),
            zone,
        })
    }

    /// Audits this machine with the configured fitness rules.
    pub fn audit(&self) -> Result<(Audit, serde_json::Value)> {
        audit_machine(&self.root, self.config.fitness.clone())
    }

    /// The drives to wipe. Named targets are checked like `tabula wipe` does; in unattended mode
    /// without names, every wipeable drive, narrowed to `[unattended] targets` when that list
    /// exists (naming a loop device there counts as naming it explicitly). `[keep] serials` are
    /// never wiped.
    pub fn select_targets(&self, named: &[PathBuf], unattended: bool) -> Result<Vec<Checked>> {
        if unattended && !self.config.unattended.enabled {
            return Err(Refusal::UnattendedDisabled.into());
        }
        let keep = &self.config.keep.serials;
        let kept = |c: &Checked| {
            c.drive
                .as_ref()
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
                return Err(Refusal::NoTargetsNamed.into());
            }
            let drives = discover(&self.root)?;
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
                let drives = discover(&self.root)?;
                for p in named {
                    let d = drives.iter().find(|d| same_file(&d.path, p));
                    if !d.is_some_and(|d| listed(list, d))
                        && !list.iter().any(|e| same_file(Path::new(e), p))
                    {
                        return Err(Refusal::NotAllowListed(p.clone()).into());
                    }
                }
            }
            named.to_vec()
        };
        // Every discovered drive: one that cannot be opened fails alone, in its report.
        let check = if named.is_empty() {
            targets::check_each
        } else {
            targets::check_targets
        };
        let mut checked = check(&paths, &self.root).or_else(|e| {
            if paths.is_empty() {
                Ok(Vec::new())
            } else {
                Err(e)
            }
        })?;
        if let Some(c) = checked.iter().find(|c| kept(c))
            && !named.is_empty()
        {
            return Err(Refusal::Kept(c.path.clone()).into());
        }
        checked.retain(|c| !kept(c));
        Ok(checked)
    }

    /// The plan for the chosen targets with the configured (or given) method.
    pub fn plan(&self, targets: Vec<Checked>, method: Option<&str>) -> Result<WipePlan> {
        let method = targets::method(method.unwrap_or(&self.config.wipe.method))?;
        let mut plan = targets::plan(method, self.config.wipe.verify, targets)?;
        if self.config.wipe.remove_hidden_areas {
            plan.remove_hidden_areas_before_overwrite();
        }
        Ok(plan)
    }

    /// Who issues the certificate. A certificate must name its organisation, site and operator:
    /// a missing one is an error before anything is written.
    pub fn issuer(&self, operator: Option<&str>) -> Result<IssuerRecord> {
        let s = &self.config.station;
        let given = certify::given;
        let missing = |what: &'static str| Refusal::MissingIssuer {
            what,
            config: self.config_path.clone(),
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
    ) -> Result<Finished> {
        let journal = Journal::create(&self.data.journal(), plan, issuer, audit.1.clone())?;
        self.run_journalled(journal, plan, Some(audit.0), cancel, on_event)
    }

    /// Resumes every interrupted wipe of the journal, one after the other; `on_event` gets the
    /// journal's position in [`Self::pending_journals`] with each event. A journal that cannot be
    /// read, or whose drives are not all back (or are now refused), is left as it is and
    /// reported; the others go on.
    pub fn resume(
        &self,
        cancel: Arc<AtomicBool>,
        mut on_event: impl FnMut(usize, &Event),
    ) -> Result<Resumed> {
        let mut done = Resumed::default();
        let listed = Journal::list(&self.data.journal())?;
        for (path, e) in &listed.unreadable {
            let name = path.file_name().unwrap_or(path.as_os_str());
            done.not_resumed
                .push(NotResumed::new(name.to_string_lossy().into_owned(), e));
        }
        for (index, mut journal) in listed.journals.into_iter().enumerate() {
            if let Some(signed) = journal.signed.take() {
                // The wipe had ended and its certificate was signed; storing it was cut short.
                let finished = match verify(&signed.bundle, Some(&self.key.public())) {
                    Ok(_) => self.store_journalled(&mut journal, signed)?,
                    Err(e) => {
                        done.not_resumed
                            .push(NotResumed::new(journal.id.clone(), &Error::Verify(e)));
                        continue;
                    }
                };
                let kept = finished.journal_kept.is_some();
                done.finished.push(finished);
                if !kept {
                    continue;
                }
            }
            let plan = match journal.resume_plan(&self.root, &self.zone) {
                Ok(plan) => plan,
                Err(e) => {
                    done.not_resumed
                        .push(NotResumed::new(journal.id.clone(), &e));
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
    ) -> Result<Finished> {
        let log = self.data.logs().join(format!("{}.log", journal.id));
        let opts = self.engine_options(cancel);
        let mut journal_error = None;
        let reports = targets::execute(plan, &opts, |event| {
            if let Err(e) = journal.observe(event) {
                journal_error.get_or_insert(e);
            }
            if !matches!(event, Event::Progress { .. })
                && let Ok(line) = serde_json::to_string(&serde_json::json!({
                    "time": log_time(),
                    "event": event,
                }))
            {
                let _ = append_line(&log, &line);
            }
            on_event(event);
        })?;
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
            remark.push_str(&format!(
                " | journal could not be written: {}",
                outbox::chain(&e)
            ));
        }
        let issuer = Issuer {
            organisation: i.organisation.clone(),
            site: i.site.clone(),
            operator: i.operator.clone(),
            station_id: i.station_id.clone(),
            remark,
            zone: self.zone.clone(),
        };
        let mut cert = certify::certificate(
            &issuer,
            &self.key,
            plan,
            &reports,
            &journal.audit,
            audit,
            journal.started,
        )?;
        // A resumed wipe continues the certificate signed when it was stopped.
        cert.continues = journal.interrupted.as_ref().map(|i| i.certificate);
        let signed = Signed {
            bundle: certify::sign(&cert, journal.audit.clone(), &self.key)?,
            reports,
        };
        // Journalled before it is stored: a power loss from here on makes `tabula resume` store
        // this certificate, not wipe again and sign a second one for the same wipe.
        journal.signed = Some(signed.clone());
        journal.save()?;
        self.store_journalled(&mut journal, signed)
    }

    /// Stores the certificate of a journal whose wipe has ended (what of it is not stored yet),
    /// then removes the journal, or keeps it without the certificate when a drive was interrupted.
    fn store_journalled(&self, journal: &mut Journal, signed: Signed) -> Result<Finished> {
        let stored = certify::store(
            &self.data,
            &signed.bundle,
            self.config.registry.url.as_deref(),
            &self.zone,
        )?;
        let cert = signed
            .bundle
            .certificate()
            .map_err(|source| Error::Bundle {
                what: "reading the signed certificate",
                source,
            })?;
        let result = cert.result.as_str();
        let log = self.data.logs().join(format!("{}.log", journal.id));
        let _ = append_line(
            &log,
            &serde_json::json!({
                "time": log_time(),
                "certificate": stored.id,
                "result": result,
            })
            .to_string(),
        );
        let journal_kept = if signed.interrupted() {
            journal.signed = None;
            journal.interrupted = Some(Interrupted {
                certificate: cert.id,
                at: cert.finished,
            });
            journal.save()?;
            Some(journal.path().to_owned())
        } else {
            journal.remove()?;
            None
        };
        Ok(Finished {
            reports: signed.reports,
            stored,
            journal_kept,
        })
    }

    /// Delivers the outbox to the configured registry; `None` when no registry is configured.
    pub fn upload(&self, retry: Retry, policy: KeyPolicy) -> Result<Option<FlushReport>> {
        if self.config.registry.url.is_none() {
            return Ok(None);
        }
        outbox::flush(
            &self.data,
            &self.key.public(),
            &self.config.registry,
            retry,
            policy,
        )
        .map(Some)
    }

    /// Unfinished wipes waiting for `tabula resume` (journals that cannot be read are in
    /// [`crate::journal::Listed::unreadable`], and `resume` reports them).
    pub fn pending_journals(&self) -> Result<crate::journal::Listed> {
        Journal::list(&self.data.journal())
    }
}

/// The audit of the machine under `root` (with `rules`, else the built-in fitness rules) and
/// its JSON document, as the certificate attaches it.
pub fn audit_machine(
    root: &Path,
    rules: Option<tabula_audit::Rules>,
) -> Result<(Audit, serde_json::Value)> {
    let mut options = tabula_audit::Options::with_root(root);
    options.rules = rules;
    let audit = tabula_audit::collect(&options)?;
    let json = serde_json::to_value(&audit).map_err(|source| Error::Json {
        what: "encoding the audit",
        source,
    })?;
    Ok((audit, json))
}

/// An allow-list entry names a drive by device path or serial number.
fn listed(list: &[String], drive: &Drive) -> bool {
    list.iter().any(|e| {
        same_file(Path::new(e), &drive.path) || drive.serial.as_deref() == Some(e.as_str())
    })
}

/// When a line of a run's log was written: RFC 3339, UTC, milliseconds.
fn log_time() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
