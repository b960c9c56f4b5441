//! Claims challenges (Continuous Access Evaluation): the `claims` parameter of a 401's
//! `WWW-Authenticate: Bearer …, error="insufficient_claims", claims="<base64 JSON>"`, decoded.

use reqwest::header::{HeaderMap, WWW_AUTHENTICATE};

/// The decoded claims JSON of a claims challenge in `headers`, if there is one.
///
/// Any `Bearer` challenge with a `claims` parameter counts (Graph also sends
/// `error="insufficient_claims"`, which is not required here); the value must be base64 (standard
/// or URL-safe, padding optional) of UTF-8 text, else it is ignored.
pub(crate) fn claims_challenge(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|value| {
            let params = value.trim().strip_prefix("Bearer")?;
            let encoded = param(params, "claims")?;
            String::from_utf8(decode_base64(&encoded)?).ok()
        })
}

/// The value of `name` in `a="1", name="2"` (quoted or bare; names are case-insensitive).
fn param(params: &str, name: &str) -> Option<String> {
    let mut rest = params.trim_start();
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=')?;
        let key = key.trim().trim_start_matches(',').trim();
        let after = after.trim_start();
        let (value, tail) = if let Some(quoted) = after.strip_prefix('"') {
            let end = quoted.find('"')?;
            (&quoted[..end], &quoted[end + 1..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim(), &after[end..])
        };
        if key.eq_ignore_ascii_case(name) {
            return Some(value.to_string());
        }
        rest = tail.trim_start().trim_start_matches(',').trim_start();
    }
    None
}

/// Base64, standard or URL-safe alphabet, padding optional; `None` on any other character.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in text.trim_end_matches('=').bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(WWW_AUTHENTICATE, HeaderValue::from_str(v).unwrap());
        }
        map
    }

    #[test]
    fn graph_challenges_are_decoded() {
        // {"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}
        let claims = "eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwidmFsdWUiOiIxNzAwMDAwMDAwIn19fQ==";
        let value = format!(
            "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\", error=\"insufficient_claims\", claims=\"{claims}\""
        );
        assert_eq!(
            claims_challenge(&headers(&[&value])).as_deref(),
            Some(r#"{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}"#)
        );
        // Unpadded and URL-safe forms decode too.
        let bare = format!("Bearer claims={}", claims.trim_end_matches('='));
        assert!(claims_challenge(&headers(&["Basic realm=\"x\"", &bare])).is_some());
    }

    #[test]
    fn plain_challenges_and_garbage_are_not_claims() {
        assert_eq!(
            claims_challenge(&headers(&["Bearer realm=\"\", client_id=\"x\""])),
            None
        );
        assert_eq!(
            claims_challenge(&headers(&["Bearer claims=\"not base64!\""])),
            None
        );
        assert_eq!(
            claims_challenge(&headers(&["Bearer claims=\"unterminated"])),
            None
        );
        assert_eq!(claims_challenge(&HeaderMap::new()), None);
        // Invalid UTF-8 after decoding (0xff 0xfe) is ignored.
        assert_eq!(
            claims_challenge(&headers(&["Bearer claims=\"//4=\""])),
            None
        );
    }
}
