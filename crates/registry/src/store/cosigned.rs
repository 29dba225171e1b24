//! Witness cosignatures the registry collected (table `witness_cosignatures`): per witness the
//! newest checkpoint body it cosigned and its signature line.

use sqlx::Row as _;

use super::{Store, StoreError, now_text};

/// One witness's newest cosignature.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoredCosignature {
    pub witness: String,
    pub size: u64,
    /// The checkpoint body (note text) the witness cosigned.
    pub body: String,
    /// The witness's note signature line (ending in a newline).
    pub line: String,
}

impl Store {
    /// Record `witness`'s cosignature of the checkpoint `body` of `size` leaves, unless a
    /// cosignature of a larger tree by that witness is already stored.
    pub async fn record_cosignature(
        &self,
        witness: &str,
        size: u64,
        body: &str,
        line: &str,
    ) -> Result<(), StoreError> {
        let size = i64::try_from(size).map_err(|_| StoreError::Corrupt { what: "log size" })?;
        sqlx::query(
            "INSERT INTO witness_cosignatures (witness, size, body, cosignature, received_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (witness) DO UPDATE SET size = excluded.size, body = excluded.body, \
             cosignature = excluded.cosignature, received_at = excluded.received_at \
             WHERE witness_cosignatures.size <= excluded.size",
        )
        .bind(witness)
        .bind(size)
        .bind(body)
        .bind(line)
        .bind(now_text())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every witness's newest cosignature, largest tree first.
    pub async fn cosignatures(&self) -> Result<Vec<StoredCosignature>, StoreError> {
        let rows = sqlx::query(
            "SELECT witness, size, body, cosignature FROM witness_cosignatures \
             ORDER BY size DESC, witness",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(StoredCosignature {
                    witness: row.try_get(0)?,
                    size: u64::try_from(row.try_get::<i64, _>(1)?)
                        .map_err(|_| StoreError::Corrupt { what: "log size" })?,
                    body: row.try_get(2)?,
                    line: row.try_get(3)?,
                })
            })
            .collect()
    }
}
