//! Small formatting helpers for people: sizes, rates, durations. Sizes are binary (KiB, MiB,
//! GiB) everywhere: `devices`, `audit`, the TUI and the PDF.

/// `1.0 GiB`, `512 B`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{} {}", crate::i18n::decimal(value, 1), UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes() {
        assert_eq!(super::bytes(512), "512 B");
        assert_eq!(super::bytes(1 << 30), "1.0 GiB");
        assert_eq!(super::bytes(1536), "1.5 KiB");
    }

    #[test]
    fn german_sizes_have_a_decimal_comma() {
        crate::i18n::set_thread_language(crate::i18n::Language::De);
        assert_eq!(super::bytes(256_060_514_304), "238,5 GiB");
        assert_eq!(super::bytes(512), "512 B");
        assert_eq!(crate::tui::theme::rate(123_456_789.0), "123,5 MB/s");
    }
}
