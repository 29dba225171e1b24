//! Background threads: the start-up audit, the wipe (or resume) with its certificate, and the
//! uploads. They talk to the UI only through the channel, so the screen stays live while smartctl
//! or a slow drive takes its time.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use crossbeam_channel::Sender;
use tabula_audit::Audit;
use tabula_wipe::plan::WipePlan;

use super::app::{Msg, Ready};
use super::result::CertView;
use super::resume::Pending;
use crate::i18n::t;
use tabula_station::Station;
use tabula_station::journal::IssuerRecord;
use tabula_station::outbox::{KeyPolicy, Retry};

use crate::cmd::describe;

/// One flush of the outbox at a time (the start-up flush may still run when a wipe ends).
static UPLOAD: Mutex<()> = Mutex::new(());

/// Audits the machine, lists drives and interrupted wipes, then retries the outbox.
pub fn start(station: Arc<Station>, tx: Sender<Msg>) -> JoinHandle<()> {
    thread::spawn(move || {
        let mut unreadable = None;
        let ready = (|| -> anyhow::Result<Ready> {
            let (audit, audit_json) = station.audit()?;
            let drives = tabula_device::discover(&station.root)?;
            let journals = station.pending_journals()?;
            if !journals.unreadable.is_empty() {
                let names: Vec<String> = journals
                    .unreadable
                    .iter()
                    .map(|(path, e)| format!("{}: {}", path.display(), describe(e)))
                    .collect();
                unreadable = Some((t().result.journals_unreadable)(
                    names.len(),
                    &names.join("; "),
                ));
            }
            let pending = journals.journals.iter().map(Pending::from).collect();
            Ok(Ready {
                audit,
                audit_json,
                drives,
                pending,
            })
        })();
        let ok = ready.is_ok();
        let _ = tx.send(match ready {
            Ok(r) => Msg::Ready(Box::new(r)),
            Err(e) => Msg::Failed(crate::cmd::describe(e.as_ref())),
        });
        if let Some(line) = &unreadable {
            let _ = tx.send(Msg::Outbox(line.clone()));
        }
        if ok {
            flush_outbox(&station, &tx, unreadable);
        }
    })
}

/// Flushes the outbox and shows what happened after `earlier` (a notice already on screen).
fn flush_outbox(station: &Station, tx: &Sender<Msg>, earlier: Option<String>) {
    let _lock = UPLOAD.lock().unwrap_or_else(|p| p.into_inner());
    let line = match station.upload(Retry::default(), KeyPolicy::WarnUnpinned) {
        Ok(Some(r)) if !r.items.is_empty() => {
            let sent = r.items.len() - r.pending() - r.rejected();
            let tr = &t().result;
            let mut line = (tr.outbox_sent)(sent);
            if r.pending() > 0 {
                line.push_str(&(tr.outbox_pending)(r.pending()));
            }
            if r.rejected() > 0 {
                line.push_str(&(tr.outbox_rejected)(r.rejected()));
            }
            if let Some(u) = &r.unpinned_key {
                line.push_str(&(tr.warning)(&(t().commands.verify.unpinned_key)(u)));
            }
            line
        }
        Ok(_) => return,
        Err(e) => (t().result.outbox_failed)(&describe(&e)),
    };
    let line = match earlier {
        Some(earlier) => format!("{earlier} · {line}"),
        None => line,
    };
    let _ = tx.send(Msg::Outbox(line));
}

/// Runs `plan`, signs and stores the certificate, then uploads it.
pub fn wipe(
    station: Arc<Station>,
    plan: WipePlan,
    issuer: IssuerRecord,
    audit: (Audit, serde_json::Value),
    cancel: Arc<AtomicBool>,
    tx: Sender<Msg>,
) -> JoinHandle<()> {
    thread::spawn(move || {
        let (audit, json) = audit;
        let finished = station.wipe(&plan, issuer, (&audit, json), cancel, |e| {
            let _ = tx.send(Msg::Event(e.clone()));
        });
        let certs = finished
            .map(|f| vec![CertView::from(&f)])
            .map_err(|e| describe(&e));
        finish(&station, certs, &tx);
    })
}

/// Continues every interrupted wipe in the journal.
pub fn resume(station: Arc<Station>, cancel: Arc<AtomicBool>, tx: Sender<Msg>) -> JoinHandle<()> {
    thread::spawn(move || {
        let finished = station.resume(cancel, |_, e| {
            let _ = tx.send(Msg::Event(e.clone()));
        });
        let certs = finished.map_err(|e| describe(&e)).and_then(|r| {
            let notes: Vec<String> = r
                .not_resumed
                .iter()
                .map(crate::i18n::engine::not_resumed)
                .collect();
            if r.finished.is_empty() && !notes.is_empty() {
                return Err(notes.join("; "));
            }
            let _ = tx.send(Msg::NotResumed(notes));
            Ok(r.finished.iter().map(CertView::from).collect())
        });
        finish(&station, certs, &tx);
    })
}

fn finish(station: &Station, certs: Result<Vec<CertView>, String>, tx: &Sender<Msg>) {
    let ok = certs.is_ok();
    let _ = tx.send(Msg::Done(certs));
    if !ok {
        return;
    }
    let _lock = UPLOAD.lock().unwrap_or_else(|p| p.into_inner());
    let msg = match station.upload(Retry::default(), KeyPolicy::WarnUnpinned) {
        Ok(report) => Msg::Uploaded {
            report,
            error: None,
        },
        Err(e) => Msg::Uploaded {
            report: None,
            error: Some(describe(&e)),
        },
    };
    let _ = tx.send(msg);
}
