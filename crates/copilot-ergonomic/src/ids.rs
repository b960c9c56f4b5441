//! Path ids: percent-encoded by the generated client, and refused here when no encoding can
//! keep them inside their segment.
//!
//! `/`, `?`, `#` and `%` are encoded by the generated code. An empty id, `.` and `..` (also
//! as `%2e`) would still change the path after URL normalisation, and `\` is a path separator
//! to URL parsers, so such ids are an [`Error::InvalidArgument`]: they never reach the wire.

use crate::error::Error;

/// `id` if it can be sent as one path segment.
pub(crate) fn checked<'a>(kind: &str, id: &'a str) -> Result<&'a str, Error> {
    if !id.is_empty() && !id.bytes().any(|b| matches!(b, b'.' | b'%' | b'\\')) {
        return Ok(id);
    }
    let lowered = id.to_ascii_lowercase();
    let dots = lowered.replace("%2e", ".");
    if id.is_empty() || dots == "." || dots == ".." || id.contains('\\') {
        return Err(Error::InvalidArgument(format!(
            "the {kind} id {id:?} cannot be used in a URL path"
        )));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::checked;

    #[test]
    fn ids_that_would_escape_their_segment_are_refused() {
        for bad in ["", ".", "..", "%2e%2E", ".%2e", "a\\b"] {
            assert!(checked("session", bad).is_err(), "{bad:?}");
        }
        for ok in ["default", "a/b", "?x=1", "#", "%2F", "ünïcödé", "..."] {
            assert_eq!(checked("session", ok).unwrap(), ok);
        }
    }
}
