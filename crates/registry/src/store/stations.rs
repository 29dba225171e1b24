//! Stations (enrolment tokens, enrolled keys, revocation) and auditors' read tokens. Tokens are
//! stored only as SHA-256 hex digests ([`crate::auth::token_hash`]).

use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::{Store, StoreError, now_text};

/// A station as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct StationRow {
    pub id: i64,
    pub name: String,
    /// SPKI PEM of the enrolled key (none until enrolment).
    pub public_key: Option<String>,
    pub fingerprint: Option<String>,
    pub created_at: String,
    pub enrolled_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// What happened to an enrolment attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EnrolOutcome {
    Enrolled(StationRow),
    /// No station has this enrolment token.
    UnknownToken,
    /// The token was already used (one-time).
    AlreadyEnrolled,
    /// The station was revoked before it enrolled.
    Revoked,
    /// Another station already enrolled this key.
    KeyInUse,
}

const STATION_COLUMNS: &str =
    "id, name, public_key, fingerprint, created_at, enrolled_at, revoked_at";

fn station(row: &AnyRow) -> Result<StationRow, StoreError> {
    Ok(StationRow {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        public_key: row.try_get("public_key")?,
        fingerprint: row.try_get("fingerprint")?,
        created_at: row.try_get("created_at")?,
        enrolled_at: row.try_get("enrolled_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

impl Store {
    /// Create a station with the hash of its one-time enrolment token. `None` if the name is
    /// taken.
    pub async fn add_station(
        &self,
        name: &str,
        enrol_token_hash: &str,
    ) -> Result<Option<StationRow>, StoreError> {
        let sql = format!(
            "INSERT INTO stations (name, enrol_token_hash, created_at) VALUES ($1, $2, $3) \
             RETURNING {STATION_COLUMNS}"
        );
        match sqlx::query(&sql)
            .bind(name)
            .bind(enrol_token_hash)
            .bind(now_text())
            .fetch_one(&self.pool)
            .await
        {
            Ok(row) => Ok(Some(station(&row)?)),
            Err(e) if is_unique_violation(&e) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Enrol a station's key with its one-time token.
    pub async fn enrol_station(
        &self,
        enrol_token_hash: &str,
        public_key_pem: &str,
        fingerprint: &str,
    ) -> Result<EnrolOutcome, StoreError> {
        let sql = format!("SELECT {STATION_COLUMNS} FROM stations WHERE enrol_token_hash = $1");
        let Some(row) = sqlx::query(&sql)
            .bind(enrol_token_hash)
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(EnrolOutcome::UnknownToken);
        };
        let current = station(&row)?;
        if current.revoked_at.is_some() {
            return Ok(EnrolOutcome::Revoked);
        }
        if current.enrolled_at.is_some() {
            return Ok(EnrolOutcome::AlreadyEnrolled);
        }
        let sql = format!(
            "UPDATE stations SET public_key = $1, fingerprint = $2, enrolled_at = $3 \
             WHERE id = $4 AND enrolled_at IS NULL RETURNING {STATION_COLUMNS}"
        );
        match sqlx::query(&sql)
            .bind(public_key_pem)
            .bind(fingerprint)
            .bind(now_text())
            .bind(current.id)
            .fetch_optional(&self.pool)
            .await
        {
            Ok(Some(row)) => Ok(EnrolOutcome::Enrolled(station(&row)?)),
            Ok(None) => Ok(EnrolOutcome::AlreadyEnrolled),
            Err(e) if is_unique_violation(&e) => Ok(EnrolOutcome::KeyInUse),
            Err(e) => Err(e.into()),
        }
    }

    /// Revoke a station by name; returns the row, or `None` if there is no such station.
    /// Revoking twice keeps the first revocation time.
    pub async fn revoke_station(&self, name: &str) -> Result<Option<StationRow>, StoreError> {
        let sql = format!(
            "UPDATE stations SET revoked_at = COALESCE(revoked_at, $1) WHERE name = $2 \
             RETURNING {STATION_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(now_text())
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(station).transpose()
    }

    pub async fn list_stations(&self) -> Result<Vec<StationRow>, StoreError> {
        let sql = format!("SELECT {STATION_COLUMNS} FROM stations ORDER BY id");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(station).collect()
    }

    /// The station that enrolled the key with this fingerprint.
    pub async fn station_by_fingerprint(
        &self,
        fingerprint: &str,
    ) -> Result<Option<StationRow>, StoreError> {
        let sql = format!("SELECT {STATION_COLUMNS} FROM stations WHERE fingerprint = $1");
        let row = sqlx::query(&sql)
            .bind(fingerprint)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(station).transpose()
    }

    pub async fn station_by_id(&self, id: i64) -> Result<Option<StationRow>, StoreError> {
        let sql = format!("SELECT {STATION_COLUMNS} FROM stations WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(station).transpose()
    }

    /// Store a new read token's hash. `false` if the name is taken.
    pub async fn add_read_token(&self, name: &str, token_hash: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO read_tokens (token_hash, name, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(token_hash)
        .bind(name)
        .bind(now_text())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Revoke a read token by name (its auditor loses access at once); `false` if there is no
    /// such token. Revoking twice keeps the first revocation time.
    pub async fn revoke_read_token(&self, name: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE read_tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE name = $2",
        )
        .bind(now_text())
        .bind(name.trim())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Read tokens by name, oldest first: (name, created, revoked). The tokens themselves are
    /// not stored, only their hashes.
    pub async fn list_read_tokens(
        &self,
    ) -> Result<Vec<(String, String, Option<String>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT name, created_at, revoked_at FROM read_tokens ORDER BY created_at, name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect()
    }

    /// Whether a read token (by hash) exists and is not revoked.
    pub async fn read_token_valid(&self, token_hash: &str) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) FROM read_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<i64, _>(0)? > 0)
    }
}
