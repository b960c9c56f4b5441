//! Peak resident memory of this process (Linux `/proc`): reset the peak, then read it.

/// Resets the peak RSS (`VmHWM`) to the current RSS, if the kernel allows it.
pub fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// `(current, peak)` resident memory in bytes, if `/proc` is there.
pub fn read() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}
