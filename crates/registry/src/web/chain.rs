//! The chain of an interrupted wipe and its resumptions: each resumed wipe's certificate names
//! the one it continues (`continues`, signed); the older certificate learns of the newer by a
//! lookup of that column. Only certificates of the same station are followed: a resume continues
//! its own station's certificate, and another station cannot attach itself to a chain.

use crate::api::certificates::from_payload;
use crate::error::ApiError;
use crate::store::{CertificateRow, Store};

/// Longest chain followed in each direction (a wipe resumed more often is listed to here).
const MAX_LINKS: usize = 16;

/// One certificate of a chain, oldest first.
#[derive(Debug, Clone)]
pub struct Link {
    pub id: String,
    /// The stored certificate, or `None` when the registry does not hold it (not uploaded yet).
    pub row: Option<CertificateRow>,
    /// The certificate whose page this is.
    pub here: bool,
}

/// The chain `row` belongs to, oldest first; empty when it neither continues nor is continued.
pub async fn of(store: &Store, row: &CertificateRow) -> Result<Vec<Link>, ApiError> {
    let mut older = Vec::new();
    let mut previous = row.continues.clone();
    while let Some(id) = previous.take() {
        if older.len() >= MAX_LINKS {
            break;
        }
        let found = load(store, &id)
            .await?
            .filter(|r| r.station_id == row.station_id);
        previous = found.as_ref().and_then(|r| r.continues.clone());
        older.push(Link {
            id,
            row: found,
            here: false,
        });
    }
    let mut newer = Vec::new();
    let mut current = row.id.clone();
    while newer.len() < MAX_LINKS {
        let Some(id) = store
            .continued_by(&current, row.station_id)
            .await?
            .into_iter()
            .next()
        else {
            break;
        };
        let found = load(store, &id).await?;
        current.clone_from(&id);
        newer.push(Link {
            id,
            row: found,
            here: false,
        });
    }
    if older.is_empty() && newer.is_empty() {
        return Ok(Vec::new());
    }
    older.reverse();
    older.push(Link {
        id: row.id.clone(),
        row: Some(row.clone()),
        here: true,
    });
    older.extend(newer);
    Ok(older)
}

/// A stored certificate as its signed payload states it.
async fn load(store: &Store, id: &str) -> Result<Option<CertificateRow>, ApiError> {
    let Some(mut row) = store.certificate(id).await? else {
        return Ok(None);
    };
    from_payload(&mut row)?;
    Ok(Some(row))
}
