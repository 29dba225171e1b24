//! Tokens: generation, hashing (only SHA-256 digests are stored), and the read/admin checks.
//!
//! Tokens are 256 random bits, so a plain SHA-256 digest is enough to make a stolen database
//! useless for authenticating (no password stretching needed for non-human secrets).

use std::fmt;

use axum::http::HeaderMap;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::store::Store;

/// Name of the cookie the web pages use for a read token.
pub const READ_COOKIE: &str = "tabula_read";

/// A secret token. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A fresh token: `tbl_` + 64 hex digits (256 bits from the OS).
pub fn generate_token() -> Result<Secret, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(Secret(format!("tbl_{}", hex::encode(bytes))))
}

/// SHA-256 hex of a token, as stored.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Who may read and who may administer.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Access {
    /// SHA-256 hex of the admin token, if the admin API is enabled.
    pub admin_token_hash: Option<String>,
    /// Whether certificates and pages are readable without a token.
    pub public_read: bool,
}

/// The bearer token of a request (header first, then the web pages' cookie).
pub fn presented_token(headers: &HeaderMap) -> Option<String> {
    if let Some(v) = headers.get(axum::http::header::AUTHORIZATION) {
        let v = v.to_str().ok()?;
        let (scheme, token) = v.split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_owned());
    }
    let cookies = headers.get(axum::http::header::COOKIE)?.to_str().ok()?;
    cookies.split(';').find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == READ_COOKIE).then(|| v.to_owned())
    })
}

impl Access {
    /// Whether `hash` (see [`token_hash`]) is the admin token's, compared in constant time.
    pub fn is_admin_hash(&self, hash: &str) -> bool {
        self.admin_token_hash
            .as_deref()
            .is_some_and(|admin| constant_time_eq(admin.as_bytes(), hash.as_bytes()))
    }

    /// Require the admin token.
    pub fn require_admin(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        if self.admin_token_hash.is_none() {
            return Err(ApiError::AdminDisabled);
        }
        let token = presented_token(headers).ok_or(ApiError::AdminUnauthorized)?;
        if self.is_admin_hash(&token_hash(&token)) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }

    /// Whether the request may read (public read, the admin token, or a valid read token);
    /// `Ok(false)` instead of an error when it may not.
    pub async fn may_read(&self, headers: &HeaderMap, store: &Store) -> Result<bool, ApiError> {
        match self.require_read(headers, store).await {
            Ok(()) => Ok(true),
            Err(ApiError::Unauthorized) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Require read access: public, the admin token, or a valid read token.
    pub async fn require_read(&self, headers: &HeaderMap, store: &Store) -> Result<(), ApiError> {
        if self.public_read {
            return Ok(());
        }
        let token = presented_token(headers).ok_or(ApiError::Unauthorized)?;
        let hash = token_hash(&token);
        if self.is_admin_hash(&hash) || store.read_token_valid(&hash).await? {
            Ok(())
        } else {
            Err(ApiError::Unauthorized)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn tokens_hash_and_hide() {
        let t = generate_token().unwrap();
        assert!(t.expose().starts_with("tbl_") && t.expose().len() == 68);
        assert_eq!(format!("{t:?}"), "Secret(***)");
        assert_eq!(token_hash(t.expose()).len(), 64);
        assert_ne!(token_hash(t.expose()), token_hash("tbl_other"));
    }

    #[test]
    fn bearer_and_cookie() {
        let mut h = HeaderMap::new();
        assert_eq!(presented_token(&h), None);
        h.insert("cookie", "a=b; tabula_read=tok1".parse().unwrap());
        assert_eq!(presented_token(&h).as_deref(), Some("tok1"));
        h.insert("authorization", "Bearer tok2".parse().unwrap());
        assert_eq!(presented_token(&h).as_deref(), Some("tok2"));
        h.insert("authorization", "Basic xyz".parse().unwrap());
        assert_eq!(presented_token(&h), None);
    }
}
