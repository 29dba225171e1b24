//! Server-rendered pages for auditors (German and English labels).

use axum::Router;

use crate::state::Shared;

pub fn router() -> Router<Shared> {
    Router::new()
}
