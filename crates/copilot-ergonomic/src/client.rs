//! [`Copilot`] and its builder: configuration checked once, the pipeline and the generated
//! client built over it. Running a call and mapping its failures is `call.rs`'s job.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::HeaderValue;

use crate::auth::{AccessToken, BoxError, Credentials, FnProvider, TokenProvider};
use crate::error::Error;
use crate::evaluations::{EvaluationClient, WaitOptions};
use crate::paging::List;
use crate::pipeline::{Pipeline, same_origin};
use crate::reference::EvaluationRef;
use crate::retry::RetryPolicy;
use crate::throttle::Throttle;
use crate::workspaces::WorkspaceClient;

/// The Microsoft Graph beta base URL, the default.
pub const DEFAULT_BASE_URL: &str = copilot_api::GRAPH_BETA_BASE_URL;

/// Requests on the wire at once unless [`CopilotBuilder::max_concurrent_requests`] says otherwise.
pub const DEFAULT_MAX_CONCURRENT_REQUESTS: usize = 32;

/// A Security Copilot client: cheap to clone, safe to share between tasks.
#[derive(Clone, Debug)]
pub struct Copilot {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub api: copilot_api::Client,
    pub pipeline: Arc<Pipeline>,
    pub wait: WaitOptions,
}

impl Copilot {
    /// Starts configuring a client.
    pub fn builder() -> CopilotBuilder {
        CopilotBuilder::default()
    }

    /// A client configured from the environment: `COPILOT_TOKEN` (required, a bearer token)
    /// and `COPILOT_BASE_URL` (optional, default the Graph beta URL). For more control, start
    /// from [`Copilot::builder`].
    pub fn from_env() -> Result<Copilot, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`Copilot::from_env`] over any source of variables (the tests' maps).
    fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<Copilot, Error> {
        let token = var("COPILOT_TOKEN")
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| {
                Error::Config(
                    "COPILOT_TOKEN is not set (a Graph access token for Security Copilot)".into(),
                )
            })?;
        let mut builder = Copilot::builder().bearer_token(token.trim());
        if let Some(url) = var("COPILOT_BASE_URL")
            && !url.trim().is_empty()
        {
            builder = builder.base_url(url.trim());
        }
        builder.build()
    }

    /// The workspace `id` (`"default"` is the one created at onboarding).
    pub fn workspace(&self, id: impl Into<String>) -> WorkspaceClient {
        WorkspaceClient::new(self.clone(), id.into())
    }

    /// Every workspace, lazily, one page at a time.
    pub fn workspaces(&self) -> List<copilot_api::types::Workspace> {
        List::new(self.clone(), crate::paging::Scope::Workspaces)
    }

    /// An evaluation by its saved reference, e.g. to wait again after a deadline or a restart:
    /// `copilot.evaluation(&reference).wait().await`.
    pub fn evaluation(&self, reference: &EvaluationRef) -> EvaluationClient {
        EvaluationClient::new(self.clone(), reference.clone())
    }

    /// The generated low-level client, sharing this client's auth, retries and tracing.
    pub fn api(&self) -> &copilot_api::Client {
        &self.inner.api
    }

    /// How much longer the client holds new requests because the service answered 429 or 503
    /// with `Retry-After` (one throttle for every call of this client and its clones), if it does.
    pub fn throttled_for(&self) -> Option<Duration> {
        self.inner
            .pipeline
            .throttle
            .remaining(std::time::Instant::now())
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.pipeline.base.as_str()
    }
}

/// The credentials a builder was given.
enum Auth {
    Static(AccessToken),
    Provider(Arc<dyn TokenProvider>),
}

/// Configures a [`Copilot`]; [`CopilotBuilder::build`] checks the result.
#[must_use]
pub struct CopilotBuilder {
    base_url: String,
    auth: Option<Auth>,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: Option<String>,
    wait: WaitOptions,
    max_concurrent_requests: usize,
}

impl Default for CopilotBuilder {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_string(),
            auth: None,
            http: None,
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(100),
            connect_timeout: Duration::from_secs(10),
            user_agent: None,
            wait: WaitOptions::default(),
            max_concurrent_requests: DEFAULT_MAX_CONCURRENT_REQUESTS,
        }
    }
}

impl std::fmt::Debug for CopilotBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CopilotBuilder")
            .field("base_url", &self.base_url)
            .field("auth", &self.auth.as_ref().map(|_| "<configured>"))
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl CopilotBuilder {
    /// The API root, default `https://graph.microsoft.com/beta`. https is required except
    /// on loopback (`http://127.0.0.1:8080/beta` for `copilot-fake`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Sends this bearer token with every request.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.auth = Some(Auth::Static(AccessToken::new(token)));
        self
    }

    /// Asks `provider` for a token before every request.
    pub fn token_provider(mut self, provider: impl TokenProvider) -> Self {
        self.auth = Some(Auth::Provider(Arc::new(provider)));
        self
    }

    /// Asks an async closure for a token before every request.
    pub fn token_fn<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<String, BoxError>> + Send + 'static,
    {
        self.auth = Some(Auth::Provider(Arc::new(FnProvider(f))));
        self
    }

    /// Gets tokens from an Azure credential (scope `https://graph.microsoft.com/.default`).
    #[cfg(feature = "azure-identity")]
    pub fn azure_credential(
        mut self,
        credential: Arc<dyn azure_core::credentials::TokenCredential>,
    ) -> Self {
        self.auth = Some(Auth::Provider(Arc::new(
            crate::azure::AzureTokenProvider::new(credential),
        )));
        self
    }

    /// Uses the caller's `reqwest::Client` (its timeouts, proxy and TLS settings apply).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Retry settings; [`RetryPolicy::none`] turns retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Overall timeout of one request attempt (default 100 s; ignored with `http_client`).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connect timeout (default 10 s; ignored with `http_client`).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Appends `product/version` to the `User-Agent` (`copilot-ergonomic/<version> product/version`).
    pub fn user_agent(mut self, product: impl Into<String>) -> Self {
        self.user_agent = Some(product.into());
        self
    }

    /// At most this many requests are on the wire at once (default 32); further calls wait
    /// their turn. This also bounds the connections the client keeps, however many tasks share
    /// it: at most twice this number (the connection pool may open a connection while another
    /// is still being handed back), and at most this many idle ones.
    pub fn max_concurrent_requests(mut self, n: usize) -> Self {
        self.max_concurrent_requests = n;
        self
    }

    /// How `wait()` and `ask()` poll evaluations.
    pub fn wait_options(mut self, options: WaitOptions) -> Self {
        self.wait = options;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Copilot, Error> {
        let base = parse_base_url(&self.base_url)?;
        if self.max_concurrent_requests == 0 {
            return Err(Error::Config(
                "max_concurrent_requests must be at least 1".into(),
            ));
        }
        let auth = match self.auth {
            Some(Auth::Static(token)) => Credentials::fixed(&token).map_err(Error::Auth)?,
            Some(Auth::Provider(provider)) => Credentials::provider(provider),
            None => return Err(Error::Config(
                "no credentials: call bearer_token(), token_provider(), token_fn() or azure_credential()".into(),
            )),
        };
        let agent = match &self.user_agent {
            Some(product) => format!(
                concat!(env!("CARGO_PKG_NAME"), "/{} {}"),
                env!("CARGO_PKG_VERSION"),
                product
            ),
            None => concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_string(),
        };
        let user_agent = HeaderValue::from_str(&agent)
            .map_err(|_| Error::Config(format!("invalid user agent {agent:?}")))?;
        let http = match self.http {
            Some(http) => http,
            None => {
                // reqwest without a built-in provider needs a process default; take ring unless
                // the application installed one (an `Err` here means it did).
                #[cfg(feature = "rustls-ring")]
                let _ = rustls::crypto::ring::default_provider().install_default();
                let origin = base.clone();
                reqwest::Client::builder()
                    .pool_max_idle_per_host(self.max_concurrent_requests)
                    .timeout(self.timeout)
                    .connect_timeout(self.connect_timeout)
                    .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                        // Follow only to the same origin; never hand the token to another host.
                        if same_origin(attempt.url(), &origin) && attempt.previous().len() < 5 {
                            attempt.follow()
                        } else {
                            attempt.stop()
                        }
                    }))
                    .build()
                    .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?
            }
        };
        let pipeline = Arc::new(Pipeline {
            http: http.clone(),
            base: base.clone(),
            auth,
            retry: self.retry,
            user_agent,
            in_flight: Arc::new(tokio::sync::Semaphore::new(self.max_concurrent_requests)),
            throttle: Throttle::default(),
        });
        let root = base.as_str().trim_end_matches('/');
        let api = copilot_api::Client::with_transport(root, http, pipeline.clone());
        Ok(Copilot {
            inner: Arc::new(Inner {
                api,
                pipeline,
                wait: self.wait,
            }),
        })
    }
}

fn parse_base_url(text: &str) -> Result<Url, Error> {
    let url = Url::parse(text.trim_end_matches('/'))
        .map_err(|e| Error::Config(format!("the base URL {text:?} is not a URL: {e}")))?;
    if url.query().is_some() || url.fragment().is_some() || url.cannot_be_a_base() {
        return Err(Error::Config(format!(
            "the base URL {text:?} must be a plain http(s) URL"
        )));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(Error::Config(format!(
            "the base URL {text:?} uses plain http to a non-loopback host; the token would travel unencrypted (use https)"
        ))),
        other => Err(Error::Config(format!(
            "the base URL scheme {other:?} is not http(s)"
        ))),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `COPILOT_TOKEN` and `COPILOT_BASE_URL`, read through [`Copilot::from_lookup`] (the
    /// process environment itself cannot change safely while other tests run).
    #[tokio::test]
    async fn the_environment_configures_a_client() {
        const TOKEN: &str = "env-token";
        let server =
            copilot_fake::FakeServer::start_with(copilot_fake::FakeConfig::new().token(TOKEN))
                .await
                .expect("start the fake");
        let env = |vars: &[(&str, &str)]| {
            let vars: Vec<(String, String)> = vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            move |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        };
        let url = server.base_url();
        for missing in [
            env(&[("COPILOT_BASE_URL", &url)]),
            env(&[("COPILOT_TOKEN", "  ")]),
        ] {
            let err = Copilot::from_lookup(missing).expect_err("no token must not build");
            assert!(matches!(err, Error::Config(_)), "{err:?}");
            assert!(err.to_string().contains("COPILOT_TOKEN"), "{err}");
        }

        let copilot = Copilot::from_lookup(env(&[
            ("COPILOT_TOKEN", &format!(" {TOKEN}\n")),
            ("COPILOT_BASE_URL", &url),
        ]))
        .expect("token and base URL build a client");
        assert_eq!(copilot.base_url(), url);
        copilot
            .workspace("default")
            .create_session("from env")
            .await
            .expect("the fake accepts the token from the environment");
        assert_eq!(
            server.requests()[0].header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );

        let default = Copilot::from_lookup(env(&[("COPILOT_TOKEN", TOKEN)])).expect("default URL");
        assert_eq!(default.base_url(), DEFAULT_BASE_URL);
        let remote_http = env(&[
            ("COPILOT_TOKEN", TOKEN),
            ("COPILOT_BASE_URL", "http://example.com/beta"),
        ]);
        assert!(
            matches!(Copilot::from_lookup(remote_http), Err(Error::Config(_))),
            "plain http to a remote host"
        );
    }

    #[test]
    fn base_urls_must_be_https_except_on_loopback() {
        assert!(parse_base_url("https://graph.microsoft.com/beta").is_ok());
        assert!(parse_base_url("http://127.0.0.1:8080/beta/").is_ok());
        assert!(parse_base_url("http://[::1]:8080/beta").is_ok());
        assert!(parse_base_url("http://localhost:1/beta").is_ok());
        for bad in [
            "http://graph.microsoft.com/beta",
            "ftp://x/beta",
            "not a url",
            "https://h/beta?x=1",
        ] {
            assert!(
                matches!(parse_base_url(bad), Err(Error::Config(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn building_without_credentials_says_what_to_do() {
        let err = Copilot::builder().build().unwrap_err();
        assert!(err.to_string().contains("bearer_token()"), "{err}");
    }

    #[test]
    fn debug_output_never_contains_the_token() {
        let builder = Copilot::builder().bearer_token("s3cr3t-token");
        assert!(!format!("{builder:?}").contains("s3cr3t"));
        let copilot = builder.build().unwrap();
        assert!(!format!("{copilot:?}").contains("s3cr3t"));
    }
}
