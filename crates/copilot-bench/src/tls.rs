//! TLS handshake cost by crypto provider: aws-lc-rs (reqwest's `rustls`) against ring
//! (reqwest's `rustls-no-provider` + rustls `ring`), the choice behind copilot-api's and
//! copilot-ergonomic's `rustls-aws-lc` / `rustls-ring` features.
//!
//! A tiny HTTPS/1.1 server on loopback (tokio-rustls, aws-lc-rs, a self-signed ECDSA P-256
//! certificate made by rcgen at start) answers every request with `{}`. For each provider the
//! client does N requests on fresh connections (a full handshake each: no pooling, session
//! resumption off) and N on one reused connection; the providers alternate round by round.
//! Prints, per provider, fresh vs reused, and the handshake cost (fresh − reused) ring vs
//! aws-lc-rs.

use std::sync::Arc;
use std::time::Instant;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::measure::median;

const RESPONSE: &[u8] =
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";

/// A provider under test and its two clients.
struct Side {
    name: &'static str,
    fresh: reqwest::Client,
    reused: reqwest::Client,
    fresh_us: Vec<f64>,
    reused_us: Vec<f64>,
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// A reqwest client trusting `cert` whose TLS runs on `provider`; `pooled: false` opens a
/// connection per request.
fn client(
    provider: CryptoProvider,
    cert: &CertificateDer<'static>,
    pooled: bool,
) -> Result<reqwest::Client, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.clone()).map_err(err)?;
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(provider))
        .with_safe_default_protocol_versions()
        .map_err(err)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    // Every fresh connection pays a full handshake, as the first call to Graph does.
    config.resumption = rustls::client::Resumption::disabled();
    let builder = reqwest::Client::builder().tls_backend_preconfigured(config);
    let builder = if pooled {
        builder
    } else {
        builder.pool_max_idle_per_host(0)
    };
    builder.build().map_err(err)
}

/// Starts the HTTPS server on `server` (another runtime); returns its URL and certificate.
async fn serve(
    server: &tokio::runtime::Handle,
) -> Result<(String, CertificateDer<'static>), String> {
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).map_err(err)?;
    let cert = CertificateDer::from(made.cert.der().to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(made.signing_key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(err)?
    .with_no_client_auth()
    .with_single_cert(vec![cert.clone()], key)
    .map_err(err)?;
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = server
        .spawn(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .await
        .map_err(err)?
        .map_err(err)?;
    let port = listener.local_addr().map_err(err)?.port();
    server.spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let _ = tcp.set_nodelay(true);
                if let Ok(tls) = acceptor.accept(tcp).await {
                    answer(tls).await;
                }
            });
        }
    });
    Ok((format!("https://localhost:{port}/"), cert))
}

/// Answers every request on one connection until the client closes it.
async fn answer(mut tls: tokio_rustls::server::TlsStream<tokio::net::TcpStream>) {
    let mut pending = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        match tls.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => pending.extend_from_slice(&chunk[..n]),
        }
        while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
            pending.drain(..end + 4);
            if tls.write_all(RESPONSE).await.is_err() {
                return;
            }
        }
    }
}

/// Mean µs per request over `n` GETs of `url`.
async fn per_request(client: &reqwest::Client, url: &str, n: usize) -> Result<f64, String> {
    let started = Instant::now();
    for _ in 0..n {
        let body = client
            .get(url)
            .send()
            .await
            .map_err(|e| format!("{e:?}"))?
            .bytes()
            .await
            .map_err(err)?;
        if &body[..] != b"{}" {
            return Err(format!("unexpected body {body:?}"));
        }
    }
    Ok(started.elapsed().as_secs_f64() * 1e6 / n as f64)
}

/// The handshake figures; `server` runs the HTTPS server, this runtime the clients.
pub(crate) async fn handshakes(server: &tokio::runtime::Handle, quick: bool) -> Result<(), String> {
    let (runs, n) = if quick { (3, 100) } else { (7, 200) };
    eprintln!("bench: TLS handshakes ({runs} rounds of {n} requests per provider and mode)");
    let (url, cert) = serve(server).await?;
    let providers = [
        (
            "aws-lc-rs",
            rustls::crypto::aws_lc_rs::default_provider as fn() -> _,
        ),
        ("ring", rustls::crypto::ring::default_provider),
    ];
    let mut ready = Vec::new();
    for (name, provider) in providers {
        let side = Side {
            name,
            fresh: client(provider(), &cert, false)?,
            reused: client(provider(), &cert, true)?,
            fresh_us: Vec::new(),
            reused_us: Vec::new(),
        };
        // Warm-up: the reused client's connection, and the first-use costs of both.
        per_request(&side.fresh, &url, 5).await?;
        per_request(&side.reused, &url, 5).await?;
        ready.push(side);
    }
    for round in 0..runs {
        // Alternate which provider goes first, so that drift hits both.
        if round % 2 == 1 {
            ready.reverse();
        }
        for side in ready.iter_mut() {
            side.fresh_us.push(per_request(&side.fresh, &url, n).await?);
            side.reused_us
                .push(per_request(&side.reused, &url, n).await?);
        }
    }
    ready.sort_by_key(|s| s.name != "aws-lc-rs");
    let mut handshake = Vec::new();
    for side in &ready {
        let (fresh, reused) = (
            median(side.fresh_us.clone()),
            median(side.reused_us.clone()),
        );
        crate::measure::report(
            &format!("tls-fresh-{}", side.name),
            fresh,
            "µs/request",
            reused,
            "a reused connection",
        );
        handshake.push(fresh - reused);
    }
    crate::measure::report(
        "tls-handshake-ring",
        handshake[1],
        "µs/handshake",
        handshake[0],
        "aws-lc-rs",
    );
    Ok(())
}
