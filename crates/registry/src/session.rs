//! Web sign-in: server-side sessions and the throttle on failed sign-ins.
//!
//! The pages' cookie holds a random session id, never a token. The server keeps, per session
//! (under the SHA-256 of its id), the hash of the token that signed in and an expiry; each
//! request re-checks that token, so revoking a read token ends its sessions at once. A session
//! grants reading only: the admin API takes the admin token as `Authorization: Bearer` and
//! nothing else, so a page cannot be made to administer the registry (request forgery).
//! Sessions live in memory: a restart signs everyone out.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::auth::token_hash;

/// Name of the pages' session cookie.
pub const SESSION_COOKIE: &str = "tabula_session";
/// How long a sign-in lasts.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 3600);
/// Failed sign-ins allowed per client address within [`THROTTLE_WINDOW`].
pub const MAX_FAILED_SIGN_INS: u32 = 5;
pub const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Debug)]
struct Session {
    token_hash: String,
    expires: Instant,
}

/// Signed-in web sessions.
#[derive(Debug, Default)]
pub struct Sessions {
    by_id_hash: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    /// A new session for the token whose hash is `signed_in_with`; returns its id for the cookie.
    pub fn create(&self, signed_in_with: String) -> Result<String, getrandom::Error> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)?;
        let id = hex::encode(bytes);
        let now = Instant::now();
        let mut map = lock(&self.by_id_hash);
        map.retain(|_, s| s.expires > now);
        map.insert(
            token_hash(&id),
            Session {
                token_hash: signed_in_with,
                expires: now + SESSION_LIFETIME,
            },
        );
        Ok(id)
    }

    /// The token hash behind a live session id.
    pub fn token_hash(&self, id: &str) -> Option<String> {
        let map = lock(&self.by_id_hash);
        map.get(&token_hash(id))
            .filter(|s| s.expires > Instant::now())
            .map(|s| s.token_hash.clone())
    }

    /// Ends a session (sign-out).
    pub fn end(&self, id: &str) {
        lock(&self.by_id_hash).remove(&token_hash(id));
    }
}

/// Failed sign-ins per client address.
#[derive(Debug, Default)]
pub struct Throttle {
    failures: Mutex<HashMap<IpAddr, (u32, Instant)>>,
}

impl Throttle {
    /// Whether `client` has used up its failed sign-ins; if so, how long until it may try again.
    pub fn blocked(&self, client: IpAddr) -> Option<Duration> {
        let map = lock(&self.failures);
        let (count, since) = map.get(&client)?;
        let left = THROTTLE_WINDOW.checked_sub(since.elapsed())?;
        (*count >= MAX_FAILED_SIGN_INS).then_some(left)
    }

    /// Counts a failed sign-in of `client`; returns the failures in the current window.
    pub fn failed(&self, client: IpAddr) -> u32 {
        let mut map = lock(&self.failures);
        map.retain(|_, (_, since)| since.elapsed() < THROTTLE_WINDOW);
        let entry = map.entry(client).or_insert((0, Instant::now()));
        entry.0 += 1;
        entry.0
    }

    /// A successful sign-in clears the client's count.
    pub fn succeeded(&self, client: IpAddr) {
        lock(&self.failures).remove(&client);
    }
}

/// A poisoned lock only means another request panicked while holding it; the maps stay usable.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn a_session_maps_a_random_id_to_the_token_hash() {
        let sessions = Sessions::default();
        let a = sessions.create("hash-a".into()).unwrap();
        let b = sessions.create("hash-a".into()).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(sessions.token_hash(&a).as_deref(), Some("hash-a"));
        assert_eq!(
            sessions.token_hash("hash-a"),
            None,
            "the token is not an id"
        );
        sessions.end(&a);
        assert_eq!(sessions.token_hash(&a), None);
        assert_eq!(sessions.token_hash(&b).as_deref(), Some("hash-a"));
    }

    #[test]
    fn failed_sign_ins_are_counted_per_client() {
        let throttle = Throttle::default();
        let alice: IpAddr = "192.0.2.1".parse().unwrap();
        let bob: IpAddr = "192.0.2.2".parse().unwrap();
        for n in 1..MAX_FAILED_SIGN_INS {
            assert_eq!(throttle.failed(alice), n);
            assert!(throttle.blocked(alice).is_none());
        }
        throttle.failed(alice);
        assert!(throttle.blocked(alice).is_some());
        assert!(throttle.blocked(bob).is_none());
        throttle.succeeded(alice);
        assert!(throttle.blocked(alice).is_none());
    }
}
