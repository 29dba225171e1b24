//! `tabula-registry check`: recompute everything the registry stores from what was signed, and
//! name every row that differs, is missing or is extra.
//!
//! - every certificate: its bundle's signature against the enrolled station key, its leaf hash
//!   (column and log leaf) from the envelope, its summary columns from the signed payload, the
//!   station name from the enrolment, and its receipt (leaf, checkpoint signature, and the
//!   checkpoint's root against the recomputed tree: a receipt handed out earlier pins history);
//! - the log: one leaf per certificate with no gaps, the size in the log head, every stored
//!   subtree hash recomputed from the leaves;
//! - trusted checkpoints given by the operator or an auditor (e.g. witness-cosigned ones): their
//!   signature, and the recomputed root at their size; and every checkpoint the configured
//!   witnesses cosigned (stored with their cosignatures): the recomputed root at its size.
//!
//! What it cannot catch alone: a consistent rewrite by someone holding the database *and* the
//! log key, or a truncated log with no later receipt in the database. Trusted checkpoints from
//! outside (witnesses, stations' receipts, auditors' state) catch those.

use std::collections::HashMap;

use tabula_certificate::{Bundle, PublicKey, verify};
use tabula_tlog::{
    Checkpoint, Hash, MemoryTree, NodeId, NodeSource as _, NoteVerifier, Receipt, leaf_hash, tree,
};

use crate::store::{CertificateRow, StationRow, Store, StoreError};
use crate::summary::Summary;

/// Rows read per query.
const PAGE: u32 = 500;

/// One problem: what it is about (`certificate <id>`, `leaf 12`, `node 3/4`, ...) and what is
/// wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    pub subject: String,
    pub problem: String,
}

/// The outcome of a check.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Report {
    pub certificates: u64,
    pub log_size: u64,
    /// Root of the tree recomputed from the certificates (None if leaves are missing).
    pub root: Option<Hash>,
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }

    fn find(&mut self, subject: impl Into<String>, problem: impl Into<String>) {
        self.findings.push(Finding {
            subject: subject.into(),
            problem: problem.into(),
        });
    }
}

/// Check the registry in `store` whose log key is `log_key`, against `trusted` checkpoint notes.
pub async fn check(
    store: &Store,
    log_key: &NoteVerifier,
    trusted: &[String],
) -> Result<Report, StoreError> {
    let mut report = Report {
        log_size: store.log_size().await?,
        ..Report::default()
    };
    let stations: HashMap<i64, StationRow> = store
        .list_stations()
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let stored = stored_nodes(store).await?;

    // Leaves from the certificates, in log order.
    let mut leaves: Vec<Option<Hash>> = Vec::new();
    let mut receipts = Vec::new();
    let mut from = 0;
    loop {
        let page = store.certificates_in_log_order(from, PAGE).await?;
        let Some(last) = page.last() else { break };
        from = last.leaf_index + 1;
        for row in &page {
            report.certificates += 1;
            let leaf = check_certificate(&mut report, row, &stations);
            // Indices far beyond the log's size are reported, not allocated for.
            match usize::try_from(row.leaf_index) {
                Ok(index) if row.leaf_index <= report.log_size + u64::from(PAGE) => {
                    if index >= leaves.len() {
                        leaves.resize(index + 1, None);
                    }
                    leaves[index] = leaf;
                }
                _ => report.find(
                    format!("certificate {}", row.id),
                    format!("leaf index {} lies far beyond the log", row.leaf_index),
                ),
            }
            receipts.push((row.id.clone(), row.leaf_index, row.receipt.clone(), leaf));
        }
    }

    // The log: one leaf per certificate, 0..size, each the certificate's.
    let size = report.log_size;
    if report.certificates != size {
        report.find(
            "log head",
            format!(
                "the log holds {size} leaves but there are {} certificates",
                report.certificates
            ),
        );
    }
    let mut memory = MemoryTree::new();
    let mut complete = true;
    for index in 0..size.max(leaves.len() as u64) {
        let from_cert = leaves.get(index as usize).copied().flatten();
        let in_log = stored.get(&NodeId::new(0, index)).copied();
        match (from_cert, in_log) {
            (Some(c), Some(l)) if c != l => report.find(
                format!("leaf {index}"),
                "the log's leaf hash is not the hash of the certificate stored at this index",
            ),
            (None, Some(_)) if index < size => report.find(
                format!("leaf {index}"),
                "no certificate is stored for this leaf (row deleted?)",
            ),
            (Some(_), None) => report.find(
                format!("leaf {index}"),
                "a certificate claims this index but the log has no such leaf",
            ),
            (None, None) if index < size => report.find(
                format!("leaf {index}"),
                "missing from the log and from the certificates",
            ),
            _ => {}
        }
        if index >= size {
            if in_log.is_some() || from_cert.is_some() {
                report.find(
                    format!("leaf {index}"),
                    format!("beyond the log's size {size} (an extra or removed leaf)"),
                );
            }
            continue;
        }
        match from_cert.or(in_log) {
            Some(h) if complete => {
                memory.append_hash(h);
            }
            _ => complete = false,
        }
    }
    if !complete {
        report.find(
            "log",
            "leaves are missing: the tree cannot be recomputed, roots and receipts not checked",
        );
        return Ok(report);
    }
    report.root = Some(memory.root());

    // Every stored subtree hash, recomputed.
    for (id, hash) in &stored {
        if id.level == 0 {
            continue;
        }
        match memory.node(*id) {
            Some(h) if h == *hash => {}
            Some(_) => report.find(
                format!("node {}/{}", id.level, id.index),
                "stored subtree hash differs from the one recomputed from the leaves",
            ),
            None => report.find(
                format!("node {}/{}", id.level, id.index),
                "stored subtree hash lies outside the log",
            ),
        }
    }

    // Receipts handed out on upload: their checkpoints must be heads of the recomputed tree.
    for (id, index, receipt, leaf) in receipts {
        check_receipt(&mut report, &memory, log_key, &id, index, &receipt, leaf);
    }
    for (n, note) in trusted.iter().enumerate() {
        check_trusted(&mut report, &memory, log_key, n, note);
    }
    // What the witnesses cosigned: the tree must still have those heads.
    for c in store.cosignatures().await? {
        let subject = format!("checkpoint of size {} cosigned by {}", c.size, c.witness);
        match Checkpoint::parse_body(&c.body) {
            Ok(cp) => check_head(&mut report, &memory, &subject, &cp),
            Err(e) => report.find(subject, format!("stored body unreadable: {e}")),
        }
    }
    Ok(report)
}

async fn stored_nodes(store: &Store) -> Result<HashMap<NodeId, Hash>, StoreError> {
    let mut nodes = HashMap::new();
    let mut after = None;
    loop {
        let page = store.log_nodes_after(after, 10 * PAGE).await?;
        let Some(&(last, _)) = page.last() else { break };
        after = Some(last);
        nodes.extend(page);
    }
    Ok(nodes)
}

/// Check one stored certificate; returns the leaf hash of its envelope, if readable.
fn check_certificate(
    report: &mut Report,
    row: &CertificateRow,
    stations: &HashMap<i64, StationRow>,
) -> Option<Hash> {
    let subject = format!("certificate {} (leaf {})", row.id, row.leaf_index);
    let bundle = match Bundle::from_slice(row.bundle.as_bytes()) {
        Ok(b) => b,
        Err(e) => {
            report.find(subject, format!("stored bundle unreadable: {e}"));
            return None;
        }
    };
    let leaf = match bundle.envelope.leaf_bytes() {
        Ok(bytes) => leaf_hash(&bytes),
        Err(e) => {
            report.find(subject, format!("envelope cannot be canonicalised: {e}"));
            return None;
        }
    };
    if row.leaf_hash != leaf.to_hex() {
        report.find(
            &subject,
            "leaf_hash column is not the hash of the stored envelope",
        );
    }
    let station = stations.get(&row.station_id);
    let key = station
        .and_then(|s| s.public_key.as_deref())
        .and_then(|pem| PublicKey::from_pem(pem).ok());
    match (station, key) {
        (None, _) => report.find(
            &subject,
            format!("station id {} does not exist", row.station_id),
        ),
        (Some(s), None) => report.find(&subject, format!("station {:?} has no usable key", s.name)),
        (Some(s), Some(key)) => {
            if s.name != row.station {
                report.find(
                    &subject,
                    format!(
                        "station column {:?} is not the enrolled name {:?}",
                        row.station, s.name
                    ),
                );
            }
            match verify(&bundle, Some(&key)) {
                Err(e) => report.find(
                    &subject,
                    format!(
                        "signature does not verify with station {:?}'s key: {e}",
                        s.name
                    ),
                ),
                Ok(v) => {
                    if v.certificate.id.to_string() != row.id {
                        report.find(
                            &subject,
                            format!("the signed payload's id is {}", v.certificate.id),
                        );
                    }
                    let differ = Summary::of(&v.certificate).differences(&Summary::of_row(row));
                    if !differ.is_empty() {
                        report.find(
                            &subject,
                            format!(
                                "columns differ from the signed payload: {}",
                                differ.join(", ")
                            ),
                        );
                    }
                }
            }
        }
    }
    Some(leaf)
}

fn check_receipt(
    report: &mut Report,
    memory: &MemoryTree,
    log_key: &NoteVerifier,
    id: &str,
    index: u64,
    receipt: &str,
    leaf: Option<Hash>,
) {
    let subject = format!("receipt of certificate {id}");
    let receipt: Receipt = match serde_json::from_str(receipt) {
        Ok(r) => r,
        Err(e) => return report.find(subject, format!("unreadable: {e}")),
    };
    if receipt.leaf_index != index || Some(receipt.leaf_hash) != leaf {
        report.find(&subject, "names another leaf than the certificate's");
    }
    match Checkpoint::verify(&receipt.checkpoint, log_key) {
        Ok(cp) => check_head(report, memory, &subject, &cp),
        Err(e) => report.find(
            subject,
            format!("checkpoint does not verify with the log key: {e}"),
        ),
    }
}

fn check_trusted(
    report: &mut Report,
    memory: &MemoryTree,
    log_key: &NoteVerifier,
    n: usize,
    note: &str,
) {
    let subject = format!("trusted checkpoint #{}", n + 1);
    match Checkpoint::verify(note, log_key) {
        Ok(cp) => check_head(report, memory, &subject, &cp),
        Err(e) => report.find(subject, format!("does not verify with the log key: {e}")),
    }
}

/// A signed head must be a head of the recomputed tree: same root at its size.
fn check_head(report: &mut Report, memory: &MemoryTree, subject: &str, cp: &Checkpoint) {
    if cp.size > memory.size() {
        return report.find(
            subject,
            format!(
                "signed for size {} but the log has only {} leaves (truncated log?)",
                cp.size,
                memory.size()
            ),
        );
    }
    match tree::root(cp.size, memory) {
        Ok(root) if root == cp.root => {}
        _ => report.find(
            subject,
            format!(
                "the log at size {} has another root than this signed checkpoint (history rewritten)",
                cp.size
            ),
        ),
    }
}
