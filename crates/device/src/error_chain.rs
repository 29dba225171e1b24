//! An error and its causes on one line (`opening /dev/sdb: Device or resource busy`), as reports,
//! results and the outbox show them. The one copy for the drive layer and every crate above it.

/// `e` and each of its sources, joined with `: `.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    #[derive(Debug, thiserror::Error)]
    #[error("opening /dev/sdb")]
    struct Open(#[source] std::io::Error);

    #[test]
    fn every_cause_on_one_line() {
        let e = Open(std::io::Error::other("Device or resource busy"));
        assert_eq!(
            super::error_chain(&e),
            "opening /dev/sdb: Device or resource busy"
        );
    }
}
