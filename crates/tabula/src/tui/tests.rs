//! Render tests.
