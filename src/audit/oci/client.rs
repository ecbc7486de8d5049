//! A read-only client for OCI's Identity API (version 20160918).
//!
//! Read-only by construction: the operations below and those of [`super::scim`] (an identity
//! domain's SCIM API, at the domain's own URL) are the client's whole surface, and they all go
//! through one [`Client::get`], the only place a request is built — so no caller can make this
//! client send anything but a signed GET.
//!
//! Retries follow the Python SDK's default strategy ([`RetryPolicy`], shared with the AWS audit):
//! network errors and timeouts, 429, 5xx except 501, and 409 `IncorrectState`/`LockConflict`,
//! within one audit-wide retry budget.

use super::signer::Signer;
use crate::audit::is_loopback;
pub use crate::audit::retry::RetryPolicy;
use crate::audit::retry::{Budget, Refusal, gave_up, random_u64, transient_status};
pub use crate::audit::snapshot::Capabilities;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::{Method, Url};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::fmt;
use std::time::Instant;

const API_VERSION: &str = "20160918";
/// IAM list calls accept up to 1000 items a page.
const PAGE_LIMIT: &str = "1000";
/// More pages than any tenancy has; a server that never stops paginating is an error, not a hang.
pub(super) const MAX_PAGES: usize = 10_000;

/// Query values are percent-encoded except RFC 3986's unreserved characters, so page tokens
/// (`+`, `/`, `=`) and names with spaces reach the server unchanged.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// What the names of operations on an identity domain's own API end with.
pub(super) const DOMAIN_API: &str = " (identity domain)";

/// Why an operation failed. Displayed with OCI's own code, message and `opc-request-id`, which
/// Oracle support asks for.
#[derive(Debug)]
pub enum Error {
    /// OCI answered with an error status.
    Api(Refusal),
    /// No answer: connection refused, timeout, TLS failure.
    Network { operation: &'static str, detail: String, attempts: u32 },
    /// An answer that is not what the API documents.
    Response { operation: &'static str, detail: String, request_id: Option<String> },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(refusal) => {
                refusal.write(f, "OCI", "opc-request-id")?;
                match (refusal.status, refusal.code.as_str()) {
                    // The Identity API accepted the same signature before any domain is read.
                    (401 | 403, _) if refusal.operation.ends_with(DOMAIN_API) => f.write_str(
                        "\nhelp: the identity domain refused the auditing user; an audit of a domain's group needs: Allow group <auditors> to inspect domains, inspect users, read users, inspect groups in tenancy (or `where target.resource.domain.name = '<domain>'`)",
                    ),
                    (401, _) => f.write_str(
                        "\nhelp: check the profile's user, tenancy, fingerprint and key_file: the key's public half must be uploaded for that user, and this machine's clock must be within 5 minutes of OCI's",
                    ),
                    (404, "NotAuthorizedOrNotFound") => f.write_str(
                        "\nhelp: either the OCID is wrong or the auditing user may not read it; an audit needs: Allow group <auditors> to inspect compartments, inspect users, inspect groups, read users, read policies, inspect tenancies in tenancy",
                    ),
                    _ => Ok(()),
                }
            }
            Error::Network { operation, detail, attempts } => {
                write!(f, "{operation} failed: no answer from OCI: {detail}{}", gave_up(*attempts))
            }
            Error::Response { operation, detail, request_id } => {
                write!(f, "{operation}: unexpected answer from OCI: {detail}")?;
                match request_id {
                    Some(id) => write!(f, " [opc-request-id: {id}]"),
                    None => Ok(()),
                }
            }
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tenancy {
    pub id: String,
    pub name: String,
    pub home_region_key: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionSubscription {
    pub region_key: String,
    pub region_name: String,
    #[serde(default)]
    pub is_home_region: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Compartment {
    pub id: String,
    /// The parent compartment.
    pub compartment_id: String,
    pub name: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    pub id: String,
    pub compartment_id: String,
    pub name: String,
    pub description: Option<String>,
    pub statements: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub name: String,
    pub lifecycle_state: Option<String>,
    pub capabilities: Option<Capabilities>,
    pub is_mfa_activated: Option<bool>,
    pub last_successful_login_time: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Membership {
    pub group_id: String,
    pub user_id: String,
    pub lifecycle_state: Option<String>,
}

/// An API key as ListApiKeys describes it; the public key itself is not kept.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    pub fingerprint: String,
    pub time_created: Option<String>,
    pub lifecycle_state: Option<String>,
}

/// An identity domain as ListDomains describes it.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Domain {
    pub id: String,
    pub display_name: String,
    /// The domain's own API root (`https://idcs-….identity.oraclecloud.com`), where its SCIM API is.
    pub url: String,
}

/// Whose group memberships to list.
pub enum Members<'a> {
    OfGroup(&'a str),
    OfUser(&'a str),
}

pub struct Client {
    http: reqwest::blocking::Client,
    signer: Signer,
    /// The API root, `…/20160918/`.
    base: Url,
    retry: RetryPolicy,
    verbose: bool,
    retries_left: Budget,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base.as_str())
            .field("signer", &self.signer)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for the Identity endpoint `endpoint` (`https://identity.<region>.oci.<domain>`).
    /// Plain `http://` is accepted only for loopback addresses (tests, local proxies): signed
    /// requests in clear text could be replayed for five minutes.
    pub fn new(endpoint: &str, signer: Signer, retry: RetryPolicy, verbose: bool) -> std::result::Result<Self, String> {
        let base = api_root(endpoint)?;
        let loopback = is_loopback(&base);
        // reqwest is built without a default TLS provider so that rustls uses ring rather than
        // aws-lc; installing it fails only when a provider is already installed, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::blocking::Client::builder()
            .user_agent(concat!("grantlint/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(retry.connect_timeout)
            .timeout(retry.timeout)
            // A redirect would resend the request somewhere the signature was not made for.
            .redirect(reqwest::redirect::Policy::none());
        if loopback {
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
        let retries_left = Budget::new(&retry);
        Ok(Self { http, signer, base, retry, verbose, retries_left })
    }

    /// Points later requests at another Identity endpoint (the tenancy's home region).
    pub fn set_endpoint(&mut self, endpoint: &str) -> std::result::Result<(), String> {
        self.base = api_root(endpoint)?;
        Ok(())
    }

    pub fn get_tenancy(&self, tenancy: &str) -> Result<Tenancy> {
        self.get_json("GetTenancy", &["tenancies", tenancy], &[])
    }

    pub fn list_region_subscriptions(&self, tenancy: &str) -> Result<Vec<RegionSubscription>> {
        self.get_json("ListRegionSubscriptions", &["tenancies", tenancy, "regionSubscriptions"], &[])
    }

    /// Every active compartment below the root, at any depth (the root itself is not included).
    pub fn list_compartments(&self, tenancy: &str) -> Result<Vec<Compartment>> {
        let query = [
            ("compartmentId", tenancy),
            ("compartmentIdInSubtree", "true"),
            ("accessLevel", "ANY"),
            ("lifecycleState", "ACTIVE"),
        ];
        self.list("ListCompartments", &["compartments"], &query)
    }

    /// The active policies attached to one compartment (not its children).
    pub fn list_policies(&self, compartment: &str) -> Result<Vec<Policy>> {
        self.list("ListPolicies", &["policies"], &[("compartmentId", compartment), ("lifecycleState", "ACTIVE")])
    }

    pub fn get_user(&self, user: &str) -> Result<User> {
        self.get_json("GetUser", &["users", user], &[])
    }

    pub fn list_memberships(&self, tenancy: &str, members: Members) -> Result<Vec<Membership>> {
        let filter = match members {
            Members::OfGroup(group) => ("groupId", group),
            Members::OfUser(user) => ("userId", user),
        };
        self.list("ListUserGroupMemberships", &["userGroupMemberships"], &[("compartmentId", tenancy), filter])
    }

    pub fn list_groups(&self, tenancy: &str) -> Result<Vec<Group>> {
        self.list("ListGroups", &["groups"], &[("compartmentId", tenancy)])
    }

    /// A user's API keys (at most three; not paginated).
    pub fn list_api_keys(&self, user: &str) -> Result<Vec<ApiKey>> {
        self.get_json("ListApiKeys", &["users", user, "apiKeys"], &[])
    }

    /// The active identity domains of one compartment; `None` when ListDomains answers 404, as it
    /// does in a tenancy without identity domains (or for a user who may not inspect them).
    pub fn list_domains(&self, compartment: &str) -> Result<Option<Vec<Domain>>> {
        let query = [("compartmentId", compartment), ("lifecycleState", "ACTIVE")];
        match self.list("ListDomains", &["domains"], &query) {
            Ok(domains) => Ok(Some(domains)),
            Err(Error::Api(refusal)) if refusal.status == 404 => Ok(None),
            Err(other) => Err(other),
        }
    }

    fn get_json<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &[&str],
        query: &[(&str, &str)],
    ) -> Result<T> {
        let reply = self.get(operation, self.url(path, query))?;
        reply.decode(operation)
    }

    /// Every page of a list operation, following `opc-next-page`.
    fn list<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &[&str],
        query: &[(&str, &str)],
    ) -> Result<Vec<T>> {
        let mut items = Vec::new();
        let mut page: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut paged = query.to_vec();
            paged.push(("limit", PAGE_LIMIT));
            if let Some(token) = &page {
                paged.push(("page", token));
            }
            let reply = self.get(operation, self.url(path, &paged))?;
            let batch: Vec<T> = reply.decode(operation)?;
            items.extend(batch);
            match reply.next_page {
                None => return Ok(items),
                Some(next) if page.as_ref() == Some(&next) => {
                    return Err(Error::Response {
                        operation,
                        detail: "the next-page token repeats the current one".into(),
                        request_id: reply.request_id,
                    });
                }
                Some(next) => page = Some(next),
            }
        }
        Err(Error::Response { operation, detail: format!("more than {MAX_PAGES} pages"), request_id: None })
    }

    /// Sends one signed GET of `url`, retrying as the SDKs do. The only request path of the client.
    pub(super) fn get(&self, operation: &'static str, url: Url) -> Result<Reply> {
        let request_id = new_request_id();
        let started = Instant::now();
        let mut attempt = 1;
        loop {
            let began = Instant::now();
            let outcome = self.attempt(&url, &request_id, attempt > 1);
            let elapsed_ms = began.elapsed().as_millis();
            let failure = match outcome {
                Ok(reply) => {
                    self.log(format_args!("GET {url} -> 200 ({elapsed_ms} ms){}", request_id_note(&reply.request_id)));
                    return Ok(reply);
                }
                Err(failure) => failure,
            };
            let delay = self.retry.delay(attempt);
            let retry = failure.retryable() && self.retry.allows_retry(attempt, started, delay, &self.retries_left);
            self.log(format_args!(
                "GET {url} -> {failure} ({elapsed_ms} ms){}{}",
                request_id_note(failure.request_id()),
                if retry { format!("; retry {attempt} in {:.1} s", delay.as_secs_f64()) } else { String::new() }
            ));
            if !retry {
                return Err(failure.into_error(operation, attempt));
            }
            std::thread::sleep(delay);
            attempt += 1;
        }
    }

    fn attempt(&self, url: &Url, request_id: &str, retried: bool) -> std::result::Result<Reply, Failure> {
        let date = jiff::fmt::rfc2822::DateTimePrinter::new().timestamp_to_rfc9110_string(&jiff::Timestamp::now());
        let date = date.map_err(|e| Failure::Transport(format!("cannot format the Date header: {e}")))?;
        let mut request =
            self.http.get(url.clone()).header("accept", "application/json").header("opc-request-id", request_id);
        if retried {
            request = request.header("opc-client-retries", "true");
        }
        for (name, value) in self.signer.sign(&Method::GET, url, None, &date) {
            request = request.header(name, value);
        }
        let response = request.send().map_err(|e| Failure::Transport(transport_detail(&e)))?;
        let status = response.status();
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let (request_id, next_page) = (header("opc-request-id"), header("opc-next-page"));
        let body = response.bytes().map_err(|e| Failure::Transport(transport_detail(&e)))?;
        if status.is_success() {
            return Ok(Reply { body: body.to_vec(), next_page, request_id });
        }
        // The Identity API's `{code, message}`, or a SCIM error's `detail` (RFC 7644 §3.12).
        #[derive(Deserialize)]
        struct ErrorBody {
            code: Option<String>,
            message: Option<String>,
            detail: Option<String>,
        }
        let parsed: Option<ErrorBody> = serde_json::from_slice(&body).ok();
        let (code, message) = parsed.map(|b| (b.code, b.message.or(b.detail))).unwrap_or_default();
        Err(Failure::Status {
            status: status.as_u16(),
            code: code.unwrap_or_else(|| status.canonical_reason().unwrap_or("error").replace(' ', "")),
            message: message.unwrap_or_else(|| String::from_utf8_lossy(&body).chars().take(200).collect()),
            request_id,
        })
    }

    fn url(&self, path: &[&str], query: &[(&str, &str)]) -> Url {
        join(&self.base, path, query)
    }

    fn log(&self, line: fmt::Arguments) {
        if self.verbose {
            eprintln!("grantlint: {line}");
        }
    }
}

pub(super) struct Reply {
    body: Vec<u8>,
    next_page: Option<String>,
    pub(super) request_id: Option<String>,
}

impl Reply {
    pub(super) fn decode<T: DeserializeOwned>(&self, operation: &'static str) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| Error::Response {
            operation,
            detail: format!("the body is not the JSON the API documents ({e})"),
            request_id: self.request_id.clone(),
        })
    }
}

/// One attempt's failure, before deciding whether to retry.
enum Failure {
    Status { status: u16, code: String, message: String, request_id: Option<String> },
    Transport(String),
}

impl Failure {
    fn retryable(&self) -> bool {
        match self {
            Failure::Transport(_) => true,
            Failure::Status { status, code, .. } => match status {
                409 => code == "IncorrectState" || code == "LockConflict",
                status => transient_status(*status),
            },
        }
    }

    fn request_id(&self) -> &Option<String> {
        match self {
            Failure::Status { request_id, .. } => request_id,
            Failure::Transport(_) => &None,
        }
    }

    fn into_error(self, operation: &'static str, attempts: u32) -> Error {
        match self {
            Failure::Status { status, code, message, request_id } => {
                Error::Api(Refusal { operation, status, code, message, request_id, attempts })
            }
            Failure::Transport(detail) => Error::Network { operation, detail, attempts },
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Status { status, code, .. } => write!(f, "{status} {code}"),
            Failure::Transport(detail) => f.write_str(detail),
        }
    }
}

fn request_id_note(id: &Option<String>) -> String {
    id.as_ref().map(|id| format!(" [opc-request-id: {id}]")).unwrap_or_default()
}

/// The error and its causes in one line (reqwest's own message is only the outermost layer).
fn transport_detail(error: &reqwest::Error) -> String {
    let mut detail = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        detail.push_str(": ");
        detail.push_str(&cause.to_string());
        source = cause.source();
    }
    detail
}

/// `endpoint` as a base URL signed requests may go to: https, or http to a loopback address;
/// without query, fragment or final `/`.
pub(super) fn signed_base(endpoint: &str) -> std::result::Result<Url, String> {
    let mut url = Url::parse(endpoint.trim()).map_err(|e| format!("endpoint `{endpoint}` is not a URL: {e}"))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(format!(
                "endpoint `{endpoint}`: refusing to send signed requests over plain HTTP to a non-loopback host; use https"
            ));
        }
        other => return Err(format!("endpoint `{endpoint}`: unsupported scheme `{other}`")),
    }
    url.set_query(None);
    url.set_fragment(None);
    url.path_segments_mut().map_err(|_| format!("endpoint `{endpoint}` cannot have a path"))?.pop_if_empty();
    Ok(url)
}

fn api_root(endpoint: &str) -> std::result::Result<Url, String> {
    let mut url = signed_base(endpoint)?;
    // Accept the endpoint with or without the API version, as the OCI CLI's --endpoint does.
    let ends_with_version = url.path_segments().and_then(|mut s| s.next_back()) == Some(API_VERSION);
    let mut segments = url.path_segments_mut().map_err(|_| format!("endpoint `{endpoint}` cannot have a path"))?;
    if !ends_with_version {
        segments.push(API_VERSION);
    }
    segments.push("");
    drop(segments);
    Ok(url)
}

/// `base` (checked by [`signed_base`]) with `path` appended and `query` percent-encoded.
pub(super) fn join(base: &Url, path: &[&str], query: &[(&str, &str)]) -> Url {
    let mut url = base.clone();
    #[allow(clippy::expect_used, reason = "`signed_base` accepted `base` only as an http(s) URL, which has a path")]
    url.path_segments_mut().expect("an http(s) URL has a path").pop_if_empty().extend(path);
    if !query.is_empty() {
        let encoded: Vec<String> =
            query.iter().map(|(name, value)| format!("{name}={}", utf8_percent_encode(value, QUERY_VALUE))).collect();
        url.set_query(Some(&encoded.join("&")));
    }
    url
}

/// A request id as the Python SDK makes them: 32 uppercase hex digits.
fn new_request_id() -> String {
    format!("{:016X}{:016X}", random_u64(), random_u64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_gain_the_api_version_once() {
        assert_eq!(
            api_root("https://identity.us-ashburn-1.oci.oraclecloud.com").unwrap().as_str(),
            "https://identity.us-ashburn-1.oci.oraclecloud.com/20160918/"
        );
        assert_eq!(api_root("http://127.0.0.1:8080/20160918/").unwrap().as_str(), "http://127.0.0.1:8080/20160918/");
        assert_eq!(api_root("http://localhost:1/x").unwrap().as_str(), "http://localhost:1/x/20160918/");
        assert!(api_root("http://identity.example.com").unwrap_err().contains("plain HTTP"));
        assert!(api_root("ftp://x").unwrap_err().contains("scheme"));
    }

    #[test]
    fn page_tokens_and_spaces_are_percent_encoded() {
        let encoded = utf8_percent_encode("AAAA+b/= x~._-", QUERY_VALUE).to_string();
        assert_eq!(encoded, "AAAA%2Bb%2F%3D%20x~._-");
    }

    #[test]
    fn retry_rules_follow_the_sdk() {
        let status = |status: u16, code: &str| Failure::Status {
            status,
            code: code.into(),
            message: String::new(),
            request_id: None,
        };
        assert!(status(429, "TooManyRequests").retryable());
        assert!(status(500, "InternalServerError").retryable());
        assert!(status(503, "ServiceUnavailable").retryable());
        assert!(status(409, "IncorrectState").retryable());
        assert!(!status(409, "Conflict").retryable());
        assert!(!status(501, "NotImplemented").retryable());
        for code in [400, 401, 403, 404] {
            assert!(!status(code, "x").retryable(), "{code}");
        }
        assert!(Failure::Transport("connection refused".into()).retryable());
    }

    #[test]
    fn request_ids_look_like_the_sdks() {
        let id = new_request_id();
        assert_eq!(id.len(), 32);
        assert!(id.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()));
    }
}
