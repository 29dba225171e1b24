//! Certificate rows: insert (inside the log append), lookup by id, and the paged search.

use sqlx::Row as _;
use sqlx::any::AnyRow;
use tabula_tlog::{Hash, Receipt};

use super::{Store, StoreError};
use crate::summary::Summary;

/// A verified certificate ready to store: the search columns, the bundle and the leaf hash.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct NewCertificate {
    pub id: String,
    pub leaf_hash: Hash,
    /// [`super::payload_digest`] of the envelope's payload: the certificate's identity.
    pub payload_sha256: String,
    pub station_id: i64,
    pub station_name: String,
    /// The search columns, from the signed payload.
    pub summary: Summary,
    /// The normalised bundle JSON (see `request::normalise`), without any receipt.
    pub bundle: String,
}

/// A drive of a stored certificate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DriveRow {
    pub model: String,
    pub serial: String,
}

/// A stored certificate (summary columns, plus the bundle and receipt).
#[derive(Debug, Clone, serde::Serialize)]
#[non_exhaustive]
pub struct CertificateRow {
    pub id: String,
    pub leaf_index: u64,
    pub leaf_hash: String,
    pub station_id: i64,
    pub station: String,
    pub organisation: String,
    pub site: String,
    pub machine_vendor: String,
    pub machine_model: String,
    pub machine_serial: String,
    pub result: String,
    pub started: String,
    pub finished: String,
    pub received_at: String,
    /// The interrupted certificate this one continues (a resumed wipe), if it says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continues: Option<String>,
    pub drives: Vec<DriveRow>,
    #[serde(skip)]
    pub bundle: String,
    #[serde(skip)]
    pub receipt: String,
}

/// Search criteria; every given field must match. Serials match case-insensitively.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CertificateFilter {
    pub id: Option<String>,
    pub drive_serial: Option<String>,
    pub machine_serial: Option<String>,
    pub station: Option<String>,
    pub organisation: Option<String>,
    pub result: Option<String>,
    /// Finished at or after (RFC 3339 or `YYYY-MM-DD`).
    pub from: Option<String>,
    /// Finished at or before (RFC 3339, or `YYYY-MM-DD` meaning that whole day).
    pub to: Option<String>,
    /// Page size (default 50, at most 500).
    pub limit: Option<u32>,
    /// Continue after this cursor (the `next` of the previous page).
    pub cursor: Option<u64>,
}

impl CertificateFilter {
    /// The text criteria by their query parameter names, in form order.
    pub fn text_fields(&self) -> [(&'static str, Option<&str>); 8] {
        [
            ("id", self.id.as_deref()),
            ("drive_serial", self.drive_serial.as_deref()),
            ("machine_serial", self.machine_serial.as_deref()),
            ("station", self.station.as_deref()),
            ("organisation", self.organisation.as_deref()),
            ("result", self.result.as_deref()),
            ("from", self.from.as_deref()),
            ("to", self.to.as_deref()),
        ]
    }
}

/// One page of results, newest first.
#[derive(Debug, Clone, serde::Serialize)]
#[non_exhaustive]
pub struct Page {
    pub items: Vec<CertificateRow>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<u64>,
}

/// Serials are compared trimmed and upper-cased.
pub fn normalise_serial(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// A certificate id or its beginning as stored: lower case, with the UUID's dashes where they
/// belong, whether typed with them, without them or with others (`0193AAAA0001` and
/// `0193aaaa-0001` both become `0193aaaa-0001`).
pub fn id_prefix(typed: &str) -> String {
    let mut id = String::with_capacity(36);
    for (i, c) in typed
        .chars()
        .filter(|c| *c != '-' && !c.is_whitespace())
        .enumerate()
    {
        if matches!(i, 8 | 12 | 16 | 20) {
            id.push('-');
        }
        id.extend(c.to_lowercase());
    }
    id
}

/// Shortest serial that is also matched as the end of a longer one (a vendor prefix such as
/// `WD-` before it): shorter ones would match too much.
const SUFFIX_MATCH_MIN: usize = 6;

/// SQL condition for "serial column `col` is the searched serial (argument `?`)": equal after
/// normalisation, or one ends with the other when both are long enough, so `WD-WX11A12B3456`
/// and `WX11A12B3456` find each other. Normalised serials hold only letters and digits, so no
/// LIKE wildcard can come from the search.
fn serial_matches(col: &str) -> String {
    format!(
        "({col} = ? OR (LENGTH(?) >= {SUFFIX_MATCH_MIN} AND {col} LIKE ('%' || ?)) \
         OR (LENGTH({col}) >= {SUFFIX_MATCH_MIN} AND ? LIKE ('%' || {col})))"
    )
}

const CERT_COLUMNS: &str = "id, leaf_index, leaf_hash, station_id, station_name, organisation, \
    site, machine_vendor, machine_model, machine_serial, result, started, finished, received_at, \
    continues, bundle, receipt";

fn certificate(row: &AnyRow) -> Result<CertificateRow, StoreError> {
    Ok(CertificateRow {
        id: row.try_get("id")?,
        leaf_index: u64::try_from(row.try_get::<i64, _>("leaf_index")?)
            .map_err(|_| StoreError::Corrupt { what: "leaf index" })?,
        leaf_hash: row.try_get("leaf_hash")?,
        station_id: row.try_get("station_id")?,
        station: row.try_get("station_name")?,
        organisation: row.try_get("organisation")?,
        site: row.try_get("site")?,
        machine_vendor: row.try_get("machine_vendor")?,
        machine_model: row.try_get("machine_model")?,
        machine_serial: row.try_get("machine_serial")?,
        result: row.try_get("result")?,
        started: row.try_get("started")?,
        finished: row.try_get("finished")?,
        received_at: row.try_get("received_at")?,
        continues: row.try_get("continues")?,
        drives: Vec::new(),
        bundle: row.try_get("bundle")?,
        receipt: row.try_get("receipt")?,
    })
}

/// Drive rows per INSERT statement (5 parameters each).
const DRIVES_PER_STATEMENT: usize = 1000;

#[derive(Clone)]
enum Arg {
    Text(String),
    Int(i64),
}

/// Insert a certificate row and its drives (inside the append transaction).
pub(super) async fn insert_certificate(
    c: &NewCertificate,
    index: u64,
    receipt: &Receipt,
    received_at: &str,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
) -> Result<(), StoreError> {
    let receipt = serde_json::to_string(receipt)?;
    let index = i64::try_from(index).map_err(|_| StoreError::Corrupt { what: "leaf index" })?;
    sqlx::query(
        "INSERT INTO certificates (id, leaf_index, leaf_hash, station_id, station_name, \
             organisation, site, machine_vendor, machine_model, machine_serial, serial_norm, \
             result, started, finished, received_at, bundle, receipt, continues) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
             $18)",
    )
    .bind(&c.id)
    .bind(index)
    .bind(c.leaf_hash.to_hex())
    .bind(c.station_id)
    .bind(&c.station_name)
    .bind(&c.summary.organisation)
    .bind(&c.summary.site)
    .bind(&c.summary.machine_vendor)
    .bind(&c.summary.machine_model)
    .bind(&c.summary.machine_serial)
    .bind(normalise_serial(&c.summary.machine_serial))
    .bind(&c.summary.result)
    .bind(&c.summary.started)
    .bind(&c.summary.finished)
    .bind(received_at)
    .bind(&c.bundle)
    .bind(receipt)
    .bind(c.summary.continues.as_deref())
    .execute(&mut **tx)
    .await?;
    // Chunked: a certificate may list thousands of drives, and both databases cap the number
    // of parameters per statement (SQLite at 32766, PostgreSQL at 65535).
    for (chunk_no, chunk) in c.summary.drives.chunks(DRIVES_PER_STATEMENT).enumerate() {
        let values = (0..chunk.len())
            .map(|i| {
                let b = 5 * i;
                format!(
                    "(${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO drives (certificate_id, position, model, serial, serial_norm) VALUES {values}"
        );
        let mut q = sqlx::query(&sql);
        for (i, (model, serial)) in chunk.iter().enumerate() {
            let pos = chunk_no * DRIVES_PER_STATEMENT + i;
            q = q
                .bind(&c.id)
                .bind(pos as i64)
                .bind(model)
                .bind(serial)
                .bind(normalise_serial(serial));
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

impl Store {
    /// A certificate by id, with its drives.
    pub async fn certificate(&self, id: &str) -> Result<Option<CertificateRow>, StoreError> {
        let sql = format!("SELECT {CERT_COLUMNS} FROM certificates WHERE id = $1");
        let Some(row) = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(None);
        };
        let mut items = vec![certificate(&row)?];
        self.attach_drives(&mut items).await?;
        Ok(items.pop())
    }

    /// The certificates of `station_id` that continue certificate `id` (resumed wipes), oldest
    /// first. Only the same station's: a resume continues its own station's certificate, and
    /// another station cannot attach itself to a chain.
    pub async fn continued_by(&self, id: &str, station_id: i64) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT id FROM certificates WHERE continues = $1 AND station_id = $2 \
             ORDER BY leaf_index",
        )
        .bind(id)
        .bind(station_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| r.try_get(0).map_err(StoreError::from))
            .collect()
    }

    /// The certificate id stored at a leaf index.
    pub async fn certificate_id_at(&self, leaf_index: u64) -> Result<Option<String>, StoreError> {
        let index =
            i64::try_from(leaf_index).map_err(|_| StoreError::Corrupt { what: "leaf index" })?;
        let row = sqlx::query("SELECT id FROM certificates WHERE leaf_index = $1")
            .bind(index)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// Search, newest first, one page at a time. `from`/`to` must already be normalised.
    pub async fn search(
        &self,
        f: &CertificateFilter,
        from: Option<String>,
        to: Option<String>,
    ) -> Result<Page, StoreError> {
        let limit = i64::from(f.limit.unwrap_or(50).clamp(1, 500));
        let mut conds: Vec<String> = Vec::new();
        let mut args: Vec<Arg> = Vec::new();
        // Every `?` in `cond` takes its own placeholder bound to `arg`.
        let mut push = |cond: &str, arg: Arg| {
            let mut out = String::new();
            for (i, part) in cond.split('?').enumerate() {
                if i > 0 {
                    args.push(arg.clone());
                    out.push_str(&format!("${}", args.len()));
                }
                out.push_str(part);
            }
            conds.push(out);
        };
        if let Some(v) = &f.id {
            let id = id_prefix(v);
            if id.len() == 36 {
                push("id = ?", Arg::Text(id));
            } else {
                // A prefix (check_filter lets only hex digits and dashes through).
                push("id LIKE ?", Arg::Text(format!("{id}%")));
            }
        }
        if let Some(v) = &f.drive_serial {
            push(
                &format!(
                    "id IN (SELECT certificate_id FROM drives WHERE {})",
                    serial_matches("serial_norm")
                ),
                Arg::Text(normalise_serial(v)),
            );
        }
        if let Some(v) = &f.machine_serial {
            push(
                &serial_matches("serial_norm"),
                Arg::Text(normalise_serial(v)),
            );
        }
        if let Some(v) = &f.station {
            push("station_name = ?", Arg::Text(v.trim().to_owned()));
        }
        if let Some(v) = &f.organisation {
            push("organisation = ?", Arg::Text(v.trim().to_owned()));
        }
        if let Some(v) = &f.result {
            push("result = ?", Arg::Text(v.trim().to_owned()));
        }
        if let Some(v) = from {
            push("finished >= ?", Arg::Text(v));
        }
        if let Some(v) = to {
            push("finished <= ?", Arg::Text(v));
        }
        if let Some(c) = f.cursor {
            let c = i64::try_from(c).unwrap_or(i64::MAX);
            push("leaf_index < ?", Arg::Int(c));
        }
        let where_ = if conds.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conds.join(" AND "))
        };
        let sql = format!(
            "SELECT {CERT_COLUMNS} FROM certificates {where_} ORDER BY leaf_index DESC LIMIT ${}",
            args.len() + 1
        );
        let mut q = sqlx::query(&sql);
        for a in args {
            q = match a {
                Arg::Text(s) => q.bind(s),
                Arg::Int(i) => q.bind(i),
            };
        }
        let rows = q.bind(limit + 1).fetch_all(&self.pool).await?;
        let mut items = rows
            .iter()
            .map(certificate)
            .collect::<Result<Vec<_>, _>>()?;
        let next = if items.len() as i64 > limit {
            items.truncate(limit as usize);
            items.last().map(|c| c.leaf_index)
        } else {
            None
        };
        self.attach_drives(&mut items).await?;
        Ok(Page { items, next })
    }

    /// Up to `limit` certificates with leaf index >= `from`, in leaf order (for `check`).
    pub async fn certificates_in_log_order(
        &self,
        from: u64,
        limit: u32,
    ) -> Result<Vec<CertificateRow>, StoreError> {
        let from = i64::try_from(from).map_err(|_| StoreError::Corrupt { what: "leaf index" })?;
        let sql = format!(
            "SELECT {CERT_COLUMNS} FROM certificates WHERE leaf_index >= $1 \
             ORDER BY leaf_index LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(from)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        let mut items = rows
            .iter()
            .map(certificate)
            .collect::<Result<Vec<_>, _>>()?;
        self.attach_drives(&mut items).await?;
        Ok(items)
    }

    async fn attach_drives(&self, items: &mut [CertificateRow]) -> Result<(), StoreError> {
        if items.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "SELECT certificate_id, model, serial FROM drives WHERE certificate_id IN ({}) \
             ORDER BY certificate_id, position",
            (1..=items.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut q = sqlx::query(&sql);
        for c in items.iter() {
            q = q.bind(c.id.clone());
        }
        for row in q.fetch_all(&self.pool).await? {
            let id: String = row.try_get(0)?;
            if let Some(c) = items.iter_mut().find(|c| c.id == id) {
                c.drives.push(DriveRow {
                    model: row.try_get(1)?,
                    serial: row.try_get(2)?,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::id_prefix;

    #[test]
    fn id_prefixes_get_the_uuid_dashes() {
        assert_eq!(id_prefix("0193AAAA"), "0193aaaa");
        assert_eq!(id_prefix("0193aaaa0001"), "0193aaaa-0001");
        assert_eq!(id_prefix(" 0193aaaa-0001-7"), "0193aaaa-0001-7");
        assert_eq!(id_prefix("0193-aaaa-00017000"), "0193aaaa-0001-7000");
        assert_eq!(
            id_prefix("0193aaaa00017000800000000000001"),
            "0193aaaa-0001-7000-8000-00000000001"
        );
        assert_eq!(
            id_prefix("0193aaaa-0001-7000-8000-000000000001"),
            "0193aaaa-0001-7000-8000-000000000001"
        );
    }
}
