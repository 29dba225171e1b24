//! The transparency log in the database: its origin, appends (leaf index assigned under
//! the log head's row lock, inside the transaction that stores the certificate), and roots and
//! proofs computed from stored perfect-subtree hashes.

use std::collections::HashMap;

use sqlx::Row as _;
use tabula_tlog::{Checkpoint, Hash, NodeId, Sign, tree};

use super::{Backend, NodeCache, Store, StoreError};

pub(super) fn node_key(id: NodeId) -> i64 {
    // level < 64 and index < 2^56 for any log that fits in a database: no overflow.
    (i64::from(id.level) << 56) | (id.index as i64)
}

pub(super) fn node_id(key: i64) -> NodeId {
    NodeId::new((key >> 56) as u8, (key & ((1 << 56) - 1)) as u64)
}

pub(super) fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A `(node_key, hash)` row.
fn node_row(row: &sqlx::any::AnyRow) -> Result<(NodeId, Hash), StoreError> {
    let bytes: Vec<u8> = row.try_get(1)?;
    let hash = <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| StoreError::Corrupt {
        what: "log node hash",
    })?;
    Ok((node_id(row.try_get(0)?), Hash(hash)))
}

/// Fetch node hashes (cache first, then one query).
pub(super) async fn fetch_nodes<'e, E>(
    cache: &NodeCache,
    ids: &[NodeId],
    exec: E,
) -> Result<HashMap<NodeId, Hash>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let mut out = HashMap::with_capacity(ids.len());
    cache.get_many(ids, &mut out);
    let missing: Vec<NodeId> = ids
        .iter()
        .filter(|id| !out.contains_key(id))
        .copied()
        .collect();
    if missing.is_empty() {
        return Ok(out);
    }
    let sql = format!(
        "SELECT node_key, hash FROM log_nodes WHERE node_key IN ({})",
        placeholders(1, missing.len())
    );
    let mut q = sqlx::query(&sql);
    for id in &missing {
        q = q.bind(node_key(*id));
    }
    let rows = q.fetch_all(exec).await?;
    let fetched = rows.iter().map(node_row).collect::<Result<Vec<_>, _>>()?;
    cache.insert_many(fetched.iter().copied());
    out.extend(fetched);
    Ok(out)
}

impl Store {
    /// Fix the log's origin at first start; afterwards it must match (the origin names the log
    /// in every checkpoint, so a registry can never quietly start another log on old data).
    pub async fn ensure_origin(&self, origin: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO log_config (name, value) VALUES ('origin', $1) ON CONFLICT (name) DO NOTHING",
        )
        .bind(origin)
        .execute(&self.pool)
        .await?;
        let stored = self
            .stored_origin()
            .await?
            .ok_or(StoreError::Corrupt { what: "log origin" })?;
        if stored != origin {
            return Err(StoreError::OriginMismatch {
                stored,
                requested: origin.to_owned(),
            });
        }
        Ok(())
    }

    /// The signing key an older version kept in `log_config`, if it is still there.
    pub async fn legacy_log_key(&self) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT value FROM log_config WHERE name = 'signing_key'")
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// Delete the older version's key from `log_config` once it is safe in a key file. On
    /// SQLite the freed pages are overwritten and the WAL is emptied, so the key does not linger
    /// in the files; PostgreSQL keeps dead rows until VACUUM (docs/registry.md says to rotate a
    /// key that a database dump may hold).
    pub async fn forget_legacy_log_key(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA secure_delete = ON")
                .execute(&mut *conn)
                .await?;
        }
        sqlx::query("DELETE FROM log_config WHERE name = 'signing_key'")
            .execute(&mut *conn)
            .await?;
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }

    /// The stored origin, if the log was initialised (so tools need not repeat it).
    pub async fn stored_origin(&self) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT value FROM log_config WHERE name = $1")
            .bind("origin")
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// Up to `limit` stored node hashes with node key > `after`, in key order (for `check`).
    pub async fn log_nodes_after(
        &self,
        after: Option<NodeId>,
        limit: u32,
    ) -> Result<Vec<(NodeId, Hash)>, StoreError> {
        let rows = sqlx::query(
            "SELECT node_key, hash FROM log_nodes WHERE node_key > $1 ORDER BY node_key LIMIT $2",
        )
        .bind(after.map_or(-1, node_key))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(node_row).collect()
    }

    /// Number of leaves in the log.
    pub async fn log_size(&self) -> Result<u64, StoreError> {
        let row = sqlx::query("SELECT size FROM log_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        u64::try_from(row.try_get::<i64, _>(0)?)
            .map_err(|_| StoreError::Corrupt { what: "log size" })
    }

    /// Fetch node hashes (cache first, then one query).
    async fn nodes<'e, E>(
        &self,
        ids: &[NodeId],
        exec: E,
    ) -> Result<HashMap<NodeId, Hash>, StoreError>
    where
        E: sqlx::Executor<'e, Database = sqlx::Any>,
    {
        fetch_nodes(&self.cache, ids, exec).await
    }

    /// The signed checkpoint of the current tree.
    pub async fn checkpoint(&self, signer: &dyn Sign) -> Result<(Checkpoint, String), StoreError> {
        let size = self.log_size().await?;
        let nodes = self.nodes(&tree::root_nodes(size), &self.pool).await?;
        let cp = Checkpoint::new(signer.name(), size, tree::root(size, &nodes)?);
        let note = cp.sign(signer)?;
        Ok((cp, note))
    }

    /// Inclusion proof of leaf `index` in the tree of `size` leaves (`size` <= current size).
    pub async fn inclusion_proof(
        &self,
        index: u64,
        size: u64,
    ) -> Result<(Hash, Vec<Hash>), StoreError> {
        let mut ids = tree::inclusion_nodes(index, size)?;
        ids.push(NodeId::new(0, index));
        let nodes = self.nodes(&ids, &self.pool).await?;
        let leaf = nodes
            .get(&NodeId::new(0, index))
            .copied()
            .ok_or(tabula_tlog::TreeError::MissingNode(NodeId::new(0, index)))?;
        Ok((leaf, tree::inclusion_proof(index, size, &nodes)?))
    }

    /// Consistency proof between two sizes (`second` <= current size).
    pub async fn consistency_proof(
        &self,
        first: u64,
        second: u64,
    ) -> Result<Vec<Hash>, StoreError> {
        let ids = tree::consistency_nodes(first, second)?;
        let nodes = self.nodes(&ids, &self.pool).await?;
        Ok(tree::consistency_proof(first, second, &nodes)?)
    }

    /// Root of the tree of `size` leaves (`size` <= current size).
    pub async fn root(&self, size: u64) -> Result<Hash, StoreError> {
        let nodes = self.nodes(&tree::root_nodes(size), &self.pool).await?;
        Ok(tree::root(size, &nodes)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_keys_round_trip() {
        for id in [
            NodeId::new(0, 0),
            NodeId::new(3, 12345),
            NodeId::new(40, (1 << 20) + 7),
        ] {
            assert_eq!(node_id(node_key(id)), id);
        }
        assert_eq!(placeholders(3, 2), "$3, $4");
    }
}
