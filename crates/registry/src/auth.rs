//! Tokens: generation, hashing (only SHA-256 digests are stored), and the read/admin checks.
//!
//! Tokens are 256 random bits, so a plain SHA-256 digest is enough to make a stolen database
//! useless for authenticating (no password stretching needed for non-human secrets).

use std::fmt;
use std::sync::Arc;

use axum::http::HeaderMap;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::session::{SESSION_COOKIE, Sessions};
use crate::store::Store;

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

/// Why an admin token is too weak to guard the admin API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeakToken {
    #[error("is {0} characters long; it must have at least 32 (e.g. `openssl rand -hex 32`)")]
    Short(usize),
    #[error(
        "has only {0} different characters: it does not look random (e.g. `openssl rand -hex 32`)"
    )]
    Repetitive(usize),
    #[error("must be printable ASCII without spaces")]
    NotPrintable,
}

/// An admin token must be at least 32 printable characters with at least 12 different ones (a
/// hex string of 32 random characters has about 15).
pub fn check_admin_token(token: &str) -> Result<(), WeakToken> {
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(WeakToken::NotPrintable);
    }
    if token.len() < 32 {
        return Err(WeakToken::Short(token.len()));
    }
    let distinct = token
        .bytes()
        .collect::<std::collections::HashSet<_>>()
        .len();
    if distinct < 12 {
        return Err(WeakToken::Repetitive(distinct));
    }
    Ok(())
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
    /// The web pages' signed-in sessions (reading only).
    pub sessions: Arc<Sessions>,
}

/// The token in the request's `Authorization: Bearer` header.
pub fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let v = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// The session id in the web pages' cookie.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == SESSION_COOKIE).then(|| v.to_owned())
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
        // Only the header: a browser never adds it by itself, so no page can be made to send it.
        let token = bearer_token(headers).ok_or(ApiError::AdminUnauthorized)?;
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

    /// Require read access: public, or the admin token or a valid read token, presented as a
    /// bearer token or through a web session signed in with it.
    pub async fn require_read(&self, headers: &HeaderMap, store: &Store) -> Result<(), ApiError> {
        if self.public_read {
            return Ok(());
        }
        let hash = match bearer_token(headers) {
            Some(token) => token_hash(&token),
            None => session_cookie(headers)
                .and_then(|id| self.sessions.token_hash(&id))
                .ok_or(ApiError::Unauthorized)?,
        };
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
    fn admin_tokens_must_be_long_and_look_random() {
        assert_eq!(
            check_admin_token("test-admin-token-0123456789"),
            Err(WeakToken::Short(27))
        );
        assert_eq!(
            check_admin_token(&"ab".repeat(20)),
            Err(WeakToken::Repetitive(2))
        );
        assert_eq!(
            check_admin_token("has a space in it, 0123456789abcdef"),
            Err(WeakToken::NotPrintable)
        );
        assert_eq!(
            check_admin_token("3f9a1c77e0b24d5e8a6c0f1b2d3e4a5b"),
            Ok(())
        );
        assert!(check_admin_token(generate_token().unwrap().expose()).is_ok());
    }

    #[test]
    fn bearer_header_and_session_cookie_are_separate() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer_token(&h), None);
        assert_eq!(session_cookie(&h), None);
        h.insert("cookie", "a=b; tabula_session=s1".parse().unwrap());
        assert_eq!(session_cookie(&h).as_deref(), Some("s1"));
        assert_eq!(bearer_token(&h), None, "a cookie is never a bearer token");
        h.insert("authorization", "Bearer tok2".parse().unwrap());
        assert_eq!(bearer_token(&h).as_deref(), Some("tok2"));
        h.insert("authorization", "Basic xyz".parse().unwrap());
        assert_eq!(bearer_token(&h), None);
    }

    #[test]
    fn the_admin_api_ignores_a_session_signed_in_with_the_admin_token() {
        let admin = "tbl_admin";
        let access = Access {
            admin_token_hash: Some(token_hash(admin)),
            ..Access::default()
        };
        let session = access.sessions.create(token_hash(admin)).unwrap();
        let mut h = HeaderMap::new();
        h.insert(
            "cookie",
            format!("tabula_session={session}").parse().unwrap(),
        );
        assert!(matches!(
            access.require_admin(&h),
            Err(ApiError::AdminUnauthorized)
        ));
        h.insert("authorization", format!("Bearer {admin}").parse().unwrap());
        assert!(access.require_admin(&h).is_ok());
    }
}
