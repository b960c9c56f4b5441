//! `WWW-Authenticate` values the fake sends with a 401, in the shape Graph uses: a plain Bearer
//! challenge, and a claims challenge (continuous access evaluation) whose `claims` parameter is
//! the claims JSON in standard base64.

/// Where Graph's challenge sends a client to authenticate.
pub(crate) const AUTHORIZATION_URI: &str =
    "https://login.microsoftonline.com/common/oauth2/authorize";

/// Microsoft Graph's application id, which Graph names as the resource in its challenge.
pub(crate) const GRAPH_CLIENT_ID: &str = "00000003-0000-0000-c000-000000000000";

/// The claims a `claims` fault asks for when the rule gives none.
pub(crate) const DEFAULT_CLAIMS: &str =
    r#"{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}"#;

/// The challenge every plain 401 carries.
pub(crate) fn bearer() -> String {
    format!(
        r#"Bearer realm="", authorization_uri="{AUTHORIZATION_URI}", client_id="{GRAPH_CLIENT_ID}""#
    )
}

/// A claims challenge: the token lacks the claims in `claims_json`.
pub(crate) fn insufficient_claims(claims_json: &str) -> String {
    format!(
        r#"Bearer realm="", authorization_uri="{AUTHORIZATION_URI}", error="insufficient_claims", claims="{}""#,
        base64(claims_json.as_bytes())
    )
}

/// Standard base64 (RFC 4648 §4) with `=` padding.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let sextet = |shift: u32| char::from(ALPHABET[((n >> shift) & 63) as usize]);
        out.push(sextet(18));
        out.push(sextet(12));
        out.push(if chunk.len() > 1 { sextet(6) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(0) } else { '=' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_test_vectors() {
        // RFC 4648 §10: every padding case.
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected, "base64 of {input:?}");
        }
        assert_eq!(
            base64(&[0xfb, 0xff]),
            "+/8=",
            "the last two alphabet letters"
        );
    }

    #[test]
    fn the_default_claims_challenge_carries_the_encoded_claims() {
        let header = insufficient_claims(DEFAULT_CLAIMS);
        assert!(
            header.contains(r#"error="insufficient_claims""#),
            "{header}"
        );
        assert!(
            header.contains(
                r#"claims="eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwidmFsdWUiOiIxNzAwMDAwMDAwIn19fQ==""#
            ),
            "{header}"
        );
    }
}
