//! Appending to the log: one writer task per registry instance takes whatever uploads are
//! queued (up to [`MAX_BATCH`]) and appends them in one transaction — one commit (fsync) and one
//! checkpoint signature per batch instead of per certificate ("group commit"). A lone upload is
//! never delayed: the writer does not wait for a batch to fill.
//!
//! Inside the transaction the first statement locks the log head (SQLite: the write lock;
//! PostgreSQL: the row lock), so appends from several instances on one database serialise; leaf
//! indices are assigned after that lock, from the head's size. The leaves, the subtree hashes
//! they complete, the certificates and their receipts commit together or not at all.
//!
//! One upload's fault must not fail the others: when a batch's transaction fails on anything but
//! the connection (a constraint, an encoding, a stored row that does not parse), the writer
//! splits the batch in halves and appends each on its own, down to single uploads, so only the
//! one at fault is refused. Faults of the connection itself (database unreachable, pool closed)
//! fail the batch as it is, and so does a batch whose attempts keep failing
//! ([`MAX_FAILED_ATTEMPTS`]): then the fault is the database's, not an upload's.

use std::collections::HashMap;
use std::sync::Arc;

use sqlx::{AnyPool, Row as _};
use tabula_tlog::{Checkpoint, Hash, NodeId, Receipt, Sign, node_hash, tree};
use tokio::sync::{mpsc, oneshot};

use super::certs::{NewCertificate, insert_certificate};
use super::identity::{HOLDER_COLUMNS, Holder, Verdict, verdict_within_batch};
use super::log::{fetch_nodes, node_key, placeholders};
use super::{NodeCache, Store, StoreError};

/// Most uploads appended in one transaction.
pub const MAX_BATCH: usize = 64;

/// Most failed transactions one batch may cost while its faulty uploads are isolated: one
/// faulty upload in a full batch costs 2·log2(64) + 1 = 13 at most, so a few of them are found;
/// when the whole database fails, the batch is answered after this many attempts.
pub const MAX_FAILED_ATTEMPTS: usize = 16;

/// What an upload did to the log.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AppendOutcome {
    /// Appended as a new leaf.
    Appended(Receipt),
    /// The same signed payload was uploaded before by the same station: its original receipt.
    Replay(Receipt),
    /// The same station's different payload already holds this certificate id.
    IdCollision,
    /// A certificate of another station (named) already holds this certificate id.
    HeldByOtherStation { station: String },
}

type Reply = Result<AppendOutcome, StoreError>;

#[derive(Debug)]
pub(super) struct AppendRequest {
    cert: NewCertificate,
    signer: Arc<dyn Sign>,
    received_at: String,
    registry_url: Option<String>,
    reply: oneshot::Sender<Reply>,
}

pub(super) fn spawn_writer(
    pool: AnyPool,
    cache: Arc<NodeCache>,
    appended: tokio::sync::watch::Sender<u64>,
) -> mpsc::Sender<AppendRequest> {
    let (tx, mut rx) = mpsc::channel::<AppendRequest>(4 * MAX_BATCH);
    tokio::spawn(async move {
        while let Some(first) = rx.recv().await {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(r) => batch.push(r),
                    Err(_) => break,
                }
            }
            append_isolating(&pool, &cache, batch, &appended).await;
        }
    });
    tx
}

/// Append `batch` and answer each request; when the transaction fails on anything but the
/// connection, split the batch and append the halves apart (first half first, so leaves keep
/// the order of arrival), until the failing upload stands alone.
async fn append_isolating(
    pool: &AnyPool,
    cache: &NodeCache,
    batch: Vec<AppendRequest>,
    appended: &tokio::sync::watch::Sender<u64>,
) {
    let mut pending = vec![batch];
    let mut failures = 0;
    while let Some(mut part) = pending.pop() {
        match append_batch(pool, cache, &part).await {
            Ok(outcomes) => {
                notify_appended(appended, &outcomes);
                for (req, out) in part.into_iter().zip(outcomes) {
                    let _ = req.reply.send(Ok(out));
                }
            }
            Err(e)
                if part.len() > 1
                    && failures + 1 < MAX_FAILED_ATTEMPTS
                    && !connection_failed(&e) =>
            {
                failures += 1;
                tracing::warn!(
                    error = %e,
                    size = part.len(),
                    "append batch failed: appending its halves apart"
                );
                let second = part.split_off(part.len() / 2);
                pending.push(second);
                pending.push(part);
            }
            Err(e) => {
                failures += 1;
                tracing::error!(error = %e, size = part.len(), "append batch failed");
                let e = Arc::new(e);
                for req in part {
                    let _ = req.reply.send(Err(StoreError::Batch(Arc::clone(&e))));
                }
            }
        }
    }
}

/// Whether the connection to the database failed, which concerns every upload alike (any other
/// error may be one upload's: a constraint, an encoding, a stored row that does not parse).
fn connection_failed(e: &StoreError) -> bool {
    matches!(
        e,
        StoreError::Database(
            sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::Protocol(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed
        )
    )
}

/// Tell watchers (the witness collector) the log grew.
fn notify_appended(appended: &tokio::sync::watch::Sender<u64>, outcomes: &[AppendOutcome]) {
    let size = outcomes
        .iter()
        .filter_map(|o| match o {
            AppendOutcome::Appended(r) => Some(r.tree_size),
            _ => None,
        })
        .max();
    if let Some(size) = size {
        appended.send_replace(size);
    }
}

impl Store {
    /// Store a verified certificate and append its (normalised) envelope to the log. Replays
    /// (same station, same signed payload) return the stored receipt; an id held by another
    /// payload or another station is refused.
    pub async fn append_certificate(
        &self,
        cert: &NewCertificate,
        signer: &Arc<dyn Sign>,
        received_at: &str,
        registry_url: Option<&str>,
    ) -> Result<AppendOutcome, StoreError> {
        // Fast path for replays and collisions, without the writer.
        let sql = format!("SELECT {HOLDER_COLUMNS} FROM certificates WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(&cert.id)
            .fetch_optional(&self.pool)
            .await?;
        if let Some(row) = row {
            return Holder::from_row(&row)?.1.judge(cert);
        }
        let (reply, answer) = oneshot::channel();
        self.writer
            .send(AppendRequest {
                cert: cert.clone(),
                signer: Arc::clone(signer),
                received_at: received_at.to_owned(),
                registry_url: registry_url.map(str::to_owned),
                reply,
            })
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        answer.await.map_err(|_| StoreError::WriterStopped)?
    }
}

/// What each request of a batch becomes before the receipts exist.
enum Plan {
    Done(AppendOutcome),
    /// A new leaf at this index.
    Leaf(u64),
    /// Same certificate as an earlier request of this batch.
    SameAs(usize),
}

type Tx<'c> = sqlx::Transaction<'c, sqlx::Any>;

/// The hashes of a batch's new leaves and of the subtrees they complete, with every node the
/// receipts need.
struct Computed {
    /// Known nodes: fetched ones and fresh ones.
    nodes: HashMap<NodeId, Hash>,
    /// The new nodes to store, in the order they were computed.
    fresh: Vec<(NodeId, Hash)>,
}

/// Append a batch in one transaction: lock the head, plan each request, compute the new
/// nodes, persist leaves, nodes, certificates and receipts, commit.
async fn append_batch(
    pool: &AnyPool,
    cache: &NodeCache,
    batch: &[AppendRequest],
) -> Result<Vec<AppendOutcome>, StoreError> {
    let mut tx = pool.begin().await?;
    let start = lock_head(&mut tx).await?;
    let existing = existing_certificates(batch, &mut tx).await?;
    let (plans, size) = plan(batch, &existing, start)?;
    if size == start {
        tx.rollback().await?;
        return Ok(resolve(&plans, plans.iter().map(|_| None).collect()));
    }
    let leaves = new_leaves(&plans, batch);
    let computed = compute(cache, &leaves, size, &mut tx).await?;
    let outcomes = persist(batch, &plans, &computed, size, &mut tx).await?;
    tx.commit().await?;
    cache.insert_many(computed.fresh);
    Ok(resolve(&plans, outcomes))
}

/// Take the log lock (a no-op update locks in both databases) and return the log size.
async fn lock_head(tx: &mut Tx<'_>) -> Result<u64, StoreError> {
    let head = sqlx::query("UPDATE log_head SET size = size + 0 WHERE id = 1 RETURNING size")
        .fetch_one(&mut **tx)
        .await?;
    u64::try_from(head.try_get::<i64, _>(0)?).map_err(|_| StoreError::Corrupt { what: "log size" })
}

/// Certificates of the batch stored since the handler's check (another instance, or a race):
/// id to its holder.
async fn existing_certificates(
    batch: &[AppendRequest],
    tx: &mut Tx<'_>,
) -> Result<HashMap<String, Holder>, StoreError> {
    let sql = format!(
        "SELECT {HOLDER_COLUMNS} FROM certificates WHERE id IN ({})",
        placeholders(1, batch.len())
    );
    let mut q = sqlx::query(&sql);
    for r in batch {
        q = q.bind(r.cert.id.clone());
    }
    let mut existing = HashMap::new();
    for row in q.fetch_all(&mut **tx).await? {
        let (id, holder) = Holder::from_row(&row)?;
        existing.insert(id, holder);
    }
    Ok(existing)
}

/// What each request becomes, and the log size after the batch.
fn plan(
    batch: &[AppendRequest],
    existing: &HashMap<String, Holder>,
    start: u64,
) -> Result<(Vec<Plan>, u64), StoreError> {
    let mut plans = Vec::with_capacity(batch.len());
    let mut first_of: HashMap<&str, usize> = HashMap::new();
    let mut size = start;
    for (i, r) in batch.iter().enumerate() {
        let plan = if let Some(holder) = existing.get(&r.cert.id) {
            Plan::Done(holder.judge(&r.cert)?)
        } else if let Some(&j) = first_of.get(r.cert.id.as_str()) {
            match verdict_within_batch(&r.cert, &batch[j].cert) {
                Verdict::Same => Plan::SameAs(j),
                Verdict::OtherStation(station) => {
                    Plan::Done(AppendOutcome::HeldByOtherStation { station })
                }
                Verdict::Collision => Plan::Done(AppendOutcome::IdCollision),
            }
        } else {
            first_of.insert(&r.cert.id, i);
            size += 1;
            Plan::Leaf(size - 1)
        };
        plans.push(plan);
    }
    Ok((plans, size))
}

/// The (index, leaf hash) of each new leaf.
fn new_leaves(plans: &[Plan], batch: &[AppendRequest]) -> Vec<(u64, Hash)> {
    plans
        .iter()
        .zip(batch)
        .filter_map(|(p, r)| match p {
            Plan::Leaf(i) => Some((*i, r.cert.leaf_hash)),
            _ => None,
        })
        .collect()
}

/// Every hash the new leaves need (children of completed subtrees, the root, the inclusion
/// paths), fetched, and the new subtree hashes computed.
async fn compute(
    cache: &NodeCache,
    leaves: &[(u64, Hash)],
    size: u64,
    tx: &mut Tx<'_>,
) -> Result<Computed, StoreError> {
    let mut fresh_ids = Vec::new();
    let mut wanted = tree::root_nodes(size);
    for (index, _) in leaves {
        fresh_ids.push(NodeId::new(0, *index));
        for id in tree::completed_by_append(*index) {
            let (l, r) = tree::children(id);
            wanted.extend([l, r]);
            fresh_ids.push(id);
        }
        wanted.extend(tree::inclusion_nodes(*index, size)?);
    }
    wanted.retain(|id| !fresh_ids.contains(id));
    wanted.sort_unstable();
    wanted.dedup();
    let mut nodes = fetch_nodes(cache, &wanted, &mut **tx).await?;
    let mut fresh = Vec::with_capacity(fresh_ids.len());
    for (index, leaf) in leaves {
        nodes.insert(NodeId::new(0, *index), *leaf);
        fresh.push((NodeId::new(0, *index), *leaf));
        for id in tree::completed_by_append(*index) {
            let (l, r) = tree::children(id);
            let (Some(left), Some(right)) = (nodes.get(&l), nodes.get(&r)) else {
                return Err(tabula_tlog::TreeError::MissingNode(l).into());
            };
            let h = node_hash(left, right);
            nodes.insert(id, h);
            fresh.push((id, h));
        }
    }
    Ok(Computed { nodes, fresh })
}

/// Sign one checkpoint for the batch, store each new certificate with its receipt, the new
/// nodes and the new size. Returns each request's outcome (`None` for a repeat within the
/// batch, resolved by [`resolve`]).
async fn persist(
    batch: &[AppendRequest],
    plans: &[Plan],
    computed: &Computed,
    size: u64,
    tx: &mut Tx<'_>,
) -> Result<Vec<Option<AppendOutcome>>, StoreError> {
    let nodes = &computed.nodes;
    let signer = &batch[0].signer;
    let checkpoint =
        Checkpoint::new(signer.name(), size, tree::root(size, nodes)?).sign(&**signer)?;
    let vkey = signer.verifier().to_vkey();
    let mut outcomes: Vec<Option<AppendOutcome>> = Vec::with_capacity(batch.len());
    for (plan, r) in plans.iter().zip(batch) {
        outcomes.push(match plan {
            Plan::Done(o) => Some(o.clone()),
            Plan::SameAs(_) => None,
            Plan::Leaf(index) => {
                let receipt = Receipt::new(
                    signer.name().to_owned(),
                    *index,
                    size,
                    r.cert.leaf_hash,
                    tree::inclusion_proof(*index, size, nodes)?,
                    checkpoint.clone(),
                    Some(vkey.clone()),
                    r.received_at.clone(),
                )
                .with_registry_url(r.registry_url.clone());
                insert_certificate(&r.cert, *index, &receipt, &r.received_at, tx).await?;
                Some(AppendOutcome::Appended(receipt))
            }
        });
    }
    insert_nodes(&computed.fresh, tx).await?;
    let new_size = i64::try_from(size).map_err(|_| StoreError::Corrupt { what: "log size" })?;
    sqlx::query("UPDATE log_head SET size = $1 WHERE id = 1")
        .bind(new_size)
        .execute(&mut **tx)
        .await?;
    Ok(outcomes)
}

/// Store new nodes, 200 per statement.
async fn insert_nodes(fresh: &[(NodeId, Hash)], tx: &mut Tx<'_>) -> Result<(), StoreError> {
    for chunk in fresh.chunks(200) {
        let sql = format!(
            "INSERT INTO log_nodes (node_key, hash) VALUES {}",
            (0..chunk.len())
                .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut q = sqlx::query(&sql);
        for (id, h) in chunk {
            q = q.bind(node_key(*id)).bind(h.0.to_vec());
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The final outcomes: a request that repeated an envelope of this batch gets that request's
/// receipt as a replay; anything unresolved is an id collision.
fn resolve(plans: &[Plan], outcomes: Vec<Option<AppendOutcome>>) -> Vec<AppendOutcome> {
    let resolved = outcomes.clone();
    plans
        .iter()
        .zip(outcomes)
        .map(|(plan, out)| match (plan, out) {
            (Plan::SameAs(j), _) => match &resolved[*j] {
                Some(AppendOutcome::Appended(r)) => AppendOutcome::Replay(r.clone()),
                Some(other) => other.clone(),
                None => AppendOutcome::IdCollision,
            },
            (Plan::Done(o), _) => o.clone(),
            (_, Some(o)) => o,
            (_, None) => AppendOutcome::IdCollision,
        })
        .collect()
}
