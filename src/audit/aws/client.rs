//! A read-only client for AWS IAM (with STS's GetCallerIdentity, AssumeRole and GetSessionToken,
//! and Organizations' ListAccounts for an organisation's audit), over the AWS SDK.
//!
//! Read-only by construction: the SDK clients are private fields, the Get/List operations below
//! are the whole public surface, and every one of them goes through one private [`Iam::call`] —
//! so no caller can make this client send anything else. [`OPERATIONS`] lists them, as the IAM
//! actions an auditing identity needs.
//!
//! The SDK's own retries are off: [`Iam::call`] retries by the [`RetryPolicy`] the OCI audit uses
//! (throttling, 5xx, network errors and timeouts, within an audit-wide budget), logs each attempt
//! with `--verbose`, and turns a refusal into an error that names the IAM action the auditing
//! identity lacks. Every attempt has the policy's connect and per-attempt timeouts.

use crate::audit::progress::Progress;
use crate::audit::retry::{Budget, Refusal, RetryPolicy, gave_up, transient_status};
use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_iam::config::http::HttpResponse;
use aws_sdk_iam::config::{Credentials, SharedCredentialsProvider};
use aws_sdk_iam::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_iam::operation::RequestId;
use aws_sdk_iam::types::{
    AccessKeyLastUsed, AccessKeyMetadata, AttachedPolicy, EntityType, LoginProfile, ManagedPolicyDetail, Role,
    RoleDetail, User,
};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

/// The actions the audit calls, hence the permissions an auditing identity needs: the IAM ones are
/// all in AWS's `SecurityAudit` managed policy; `organizations:ListAccounts` (management or
/// delegated-admin account) and `sts:AssumeRole` (into the member role) only for an organisation's
/// audit. `sts:GetCallerIdentity` needs no permission, nor `sts:GetSessionToken` (MFA only).
pub const OPERATIONS: &[&str] = &[
    "organizations:ListAccounts",
    "sts:AssumeRole",
    "iam:GetAccountSummary",
    "iam:ListAccountAliases",
    "iam:GetRole",
    "iam:ListRolePolicies",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:GetAccountAuthorizationDetails",
    "iam:GetUser",
    "iam:ListUserPolicies",
    "iam:GetUserPolicy",
    "iam:ListAttachedUserPolicies",
    "iam:ListAccessKeys",
    "iam:GetAccessKeyLastUsed",
    "iam:GetLoginProfile",
];

/// More pages than any account has; a server that never stops paginating is an error, not a hang.
const MAX_PAGES: usize = 10_000;

/// IAM's error codes for "slow down" (it answers throttling with 400, not 429).
const THROTTLING: &[&str] =
    &["Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException", "RequestThrottled"];

/// Where the credentials and the endpoint come from, as the AWS CLI reads them.
#[derive(Debug, Default)]
pub struct Settings {
    /// A profile of `~/.aws/config` (`--aws-profile`), else `AWS_PROFILE`, else `default`.
    pub profile: Option<String>,
    /// The endpoint (`--endpoint`), else `AWS_ENDPOINT_URL[_IAM]`, else IAM's.
    pub endpoint: Option<String>,
}

/// Why an operation failed. Displayed with AWS's code, message and request id.
#[derive(Debug)]
pub enum Error {
    /// AWS answered with an error.
    Api(Refusal),
    /// No answer: connection refused, timeout, TLS failure.
    Network { operation: &'static str, detail: String, attempts: u32 },
    /// The request could not be made (no credentials, no region) or the answer is not what the
    /// API documents.
    Other { operation: &'static str, detail: String },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(refusal) => {
                refusal.write(f, "AWS", "request id")?;
                let Refusal { operation, code, .. } = refusal;
                match code.as_str() {
                    "AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation" => write!(
                        f,
                        "\nhelp: the auditing identity lacks `{}`; an audit needs {} (the IAM ones all in AWS's SecurityAudit policy)",
                        action(operation),
                        OPERATIONS.join(", ")
                    ),
                    "InvalidClientTokenId" | "SignatureDoesNotMatch" | "ExpiredToken" | "UnrecognizedClientException" => {
                        f.write_str("\nhelp: AWS does not accept the credentials: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or --aws-profile (`aws sso login` when the profile uses SSO)")
                    }
                    _ => Ok(()),
                }
            }
            Error::Network { operation, detail, attempts } => {
                write!(f, "{operation} failed: no answer from AWS: {detail}{}", gave_up(*attempts))
            }
            Error::Other { operation, detail } => {
                write!(f, "{operation} failed: {detail}")?;
                if detail.contains("credentials") {
                    f.write_str("\nhelp: give credentials the way the AWS CLI reads them: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE or --aws-profile, or an SSO profile after `aws sso login`")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// IAM's "no such role/user/policy".
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::Api(refusal) if refusal.code == "NoSuchEntity")
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// The action an operation needs: `iam:GetRole`, `sts:AssumeRole`.
fn action(operation: &str) -> String {
    let known = OPERATIONS.iter().find(|a| a.split_once(':').is_some_and(|(_, name)| name == operation));
    known.map_or_else(|| format!("sts:{operation}"), |a| a.to_string())
}

/// A role or a user, whose policies are listed and read alike.
#[derive(Clone, Copy, Debug)]
pub enum Principal<'a> {
    Role(&'a str),
    User(&'a str),
}

/// Who the credentials belong to.
#[derive(Debug)]
pub struct Caller {
    pub account: String,
    pub arn: String,
}

/// The whole account's roles and customer-managed policies, from GetAccountAuthorizationDetails.
#[derive(Debug, Default)]
pub struct AccountDetails {
    pub roles: Vec<RoleDetail>,
    pub policies: Vec<ManagedPolicyDetail>,
}

/// An account of an organisation, from ListAccounts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgAccount {
    pub id: String,
    pub name: Option<String>,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`.
    pub status: String,
}

/// The clients of one identity; [`Iam::with_credentials`] makes another identity's (an assumed
/// member role's) sharing the retry budget and the progress line.
pub struct Iam {
    config: aws_config::SdkConfig,
    iam: aws_sdk_iam::Client,
    sts: aws_sdk_sts::Client,
    organizations: aws_sdk_organizations::Client,
    retry: RetryPolicy,
    budget: Arc<Budget>,
    verbose: bool,
    progress: Arc<Progress>,
}

impl fmt::Debug for Iam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iam").field("retry", &self.retry).finish_non_exhaustive()
    }
}

impl Iam {
    /// Loads the SDK's configuration (credentials, region, endpoint) the way the AWS CLI does,
    /// and makes the clients.
    pub async fn connect(settings: &Settings, retry: RetryPolicy, verbose: bool, progress: Progress) -> Self {
        let mut config = loader(settings, &retry).load().await;
        // IAM is global, but requests are signed for a region: the configured one (AWS_REGION, the
        // profile's), else us-east-1, IAM's own.
        if config.region().is_none() {
            config = config.into_builder().region(aws_config::Region::new("us-east-1")).build();
        }
        Self::new(&config, retry, verbose, progress)
    }

    /// The clients of a loaded configuration (see [`loader`]).
    pub fn new(config: &aws_config::SdkConfig, retry: RetryPolicy, verbose: bool, progress: Progress) -> Self {
        let budget = Arc::new(Budget::new(&retry));
        Self::with(config.clone(), retry, budget, verbose, Arc::new(progress))
    }

    fn with(
        config: aws_config::SdkConfig,
        retry: RetryPolicy,
        budget: Arc<Budget>,
        verbose: bool,
        progress: Arc<Progress>,
    ) -> Self {
        Self {
            iam: aws_sdk_iam::Client::new(&config),
            sts: aws_sdk_sts::Client::new(&config),
            organizations: aws_sdk_organizations::Client::new(&config),
            config,
            retry,
            budget,
            verbose,
            progress,
        }
    }

    /// The clients of another identity (temporary credentials from [`Self::assume_role`] or
    /// [`Self::get_session_token`]), same endpoint and region, sharing this client's retry budget
    /// and progress line.
    pub fn with_credentials(&self, credentials: Credentials) -> Self {
        let config = self.config.to_builder().credentials_provider(SharedCredentialsProvider::new(credentials)).build();
        Self::with(config, self.retry.clone(), self.budget.clone(), self.verbose, self.progress.clone())
    }

    /// The progress line this client counts its requests on.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Ends the progress line, if one is shown.
    pub fn finish(&self) {
        self.progress.finish();
    }

    /// The organisation's accounts, every page (organizations:ListAccounts).
    pub async fn list_accounts(&self) -> Result<Vec<OrgAccount>> {
        self.pages("ListAccounts", "", |token| async move {
            let out = self
                .call("ListAccounts", "", || self.organizations.list_accounts().set_next_token(token.clone()).send())
                .await?;
            let accounts = out.accounts().iter().map(|a| OrgAccount {
                id: a.id().unwrap_or_default().to_string(),
                name: a.name().map(str::to_string),
                status: a.status().map_or_else(String::new, |s| s.as_str().to_string()),
            });
            let more = out.next_token().filter(|t| !t.is_empty()).map(str::to_string);
            Ok((accounts.collect(), more))
        })
        .await
    }

    /// Temporary credentials of `role_arn` (sts:AssumeRole), the session named `session`.
    pub async fn assume_role(&self, role_arn: &str, session: &str, external_id: Option<&str>) -> Result<Credentials> {
        let out = self
            .call("AssumeRole", role_arn, || {
                self.sts
                    .assume_role()
                    .role_arn(role_arn)
                    .role_session_name(session)
                    .set_external_id(external_id.map(str::to_string))
                    .send()
            })
            .await?;
        credentials("AssumeRole", out.credentials)
    }

    /// Temporary credentials of the caller with MFA present (sts:GetSessionToken), so that many
    /// AssumeRole calls share one MFA code.
    pub async fn get_session_token(&self, serial: &str, code: &str) -> Result<Credentials> {
        let out = self
            .call("GetSessionToken", serial, || {
                self.sts.get_session_token().serial_number(serial).token_code(code).send()
            })
            .await?;
        credentials("GetSessionToken", out.credentials)
    }

    pub async fn get_caller_identity(&self) -> Result<Caller> {
        let out = self.call("GetCallerIdentity", "", || self.sts.get_caller_identity().send()).await?;
        let missing = || other("GetCallerIdentity", "the answer names no account");
        Ok(Caller {
            account: out.account().ok_or_else(missing)?.to_string(),
            arn: out.arn().unwrap_or_default().to_string(),
        })
    }

    /// The account's IAM quotas and usage, by GetAccountSummary's names.
    pub async fn get_account_summary(&self) -> Result<HashMap<String, i64>> {
        let out = self.call("GetAccountSummary", "", || self.iam.get_account_summary().send()).await?;
        let summary = out.summary_map().into_iter().flatten();
        Ok(summary.map(|(key, value)| (key.as_str().to_string(), i64::from(*value))).collect())
    }

    pub async fn list_account_aliases(&self) -> Result<Vec<String>> {
        self.pages("ListAccountAliases", "", |marker| async move {
            let out = self
                .call("ListAccountAliases", "", || self.iam.list_account_aliases().set_marker(marker.clone()).send())
                .await?;
            Ok((out.account_aliases().to_vec(), next(out.is_truncated(), out.marker())))
        })
        .await
    }

    pub async fn get_role(&self, name: &str) -> Result<Role> {
        let out = self.call("GetRole", name, || self.iam.get_role().role_name(name).send()).await?;
        out.role.ok_or_else(|| other("GetRole", "the answer holds no role"))
    }

    pub async fn get_user(&self, name: &str) -> Result<User> {
        let out = self.call("GetUser", name, || self.iam.get_user().user_name(name).send()).await?;
        out.user.ok_or_else(|| other("GetUser", "the answer holds no user"))
    }

    /// The names of a role's or user's inline policies.
    pub async fn list_inline_policies(&self, who: Principal<'_>) -> Result<Vec<String>> {
        match who {
            Principal::Role(role) => {
                self.pages("ListRolePolicies", role, |marker| async move {
                    let out = self
                        .call("ListRolePolicies", role, || {
                            self.iam.list_role_policies().role_name(role).set_marker(marker.clone()).send()
                        })
                        .await?;
                    Ok((out.policy_names().to_vec(), next(out.is_truncated(), out.marker())))
                })
                .await
            }
            Principal::User(user) => {
                self.pages("ListUserPolicies", user, |marker| async move {
                    let out = self
                        .call("ListUserPolicies", user, || {
                            self.iam.list_user_policies().user_name(user).set_marker(marker.clone()).send()
                        })
                        .await?;
                    Ok((out.policy_names().to_vec(), next(out.is_truncated(), out.marker())))
                })
                .await
            }
        }
    }

    /// One inline policy's document, as IAM returns it (percent-encoded).
    pub async fn get_inline_policy(&self, who: Principal<'_>, policy: &str) -> Result<String> {
        match who {
            Principal::Role(role) => {
                let out = self
                    .call("GetRolePolicy", policy, || {
                        self.iam.get_role_policy().role_name(role).policy_name(policy).send()
                    })
                    .await?;
                Ok(out.policy_document)
            }
            Principal::User(user) => {
                let out = self
                    .call("GetUserPolicy", policy, || {
                        self.iam.get_user_policy().user_name(user).policy_name(policy).send()
                    })
                    .await?;
                Ok(out.policy_document)
            }
        }
    }

    /// The managed policies attached to a role or user.
    pub async fn list_attached_policies(&self, who: Principal<'_>) -> Result<Vec<AttachedPolicy>> {
        match who {
            Principal::Role(role) => {
                self.pages("ListAttachedRolePolicies", role, |marker| async move {
                    let out = self
                        .call("ListAttachedRolePolicies", role, || {
                            self.iam.list_attached_role_policies().role_name(role).set_marker(marker.clone()).send()
                        })
                        .await?;
                    Ok((out.attached_policies().to_vec(), next(out.is_truncated(), out.marker())))
                })
                .await
            }
            Principal::User(user) => {
                self.pages("ListAttachedUserPolicies", user, |marker| async move {
                    let out = self
                        .call("ListAttachedUserPolicies", user, || {
                            self.iam.list_attached_user_policies().user_name(user).set_marker(marker.clone()).send()
                        })
                        .await?;
                    Ok((out.attached_policies().to_vec(), next(out.is_truncated(), out.marker())))
                })
                .await
            }
        }
    }

    /// A managed policy's default version id.
    pub async fn get_policy_default_version(&self, arn: &str) -> Result<String> {
        let out = self.call("GetPolicy", arn, || self.iam.get_policy().policy_arn(arn).send()).await?;
        let version = out.policy().and_then(|p| p.default_version_id());
        version.map(str::to_string).ok_or_else(|| other("GetPolicy", "the answer names no default version"))
    }

    /// One version's document, as IAM returns it (percent-encoded).
    pub async fn get_policy_version(&self, arn: &str, version: &str) -> Result<String> {
        let out = self
            .call("GetPolicyVersion", arn, || self.iam.get_policy_version().policy_arn(arn).version_id(version).send())
            .await?;
        let document = out.policy_version().and_then(|v| v.document());
        document.map(str::to_string).ok_or_else(|| other("GetPolicyVersion", "the answer holds no document"))
    }

    pub async fn list_access_keys(&self, user: &str) -> Result<Vec<AccessKeyMetadata>> {
        self.pages("ListAccessKeys", user, |marker| async move {
            let out = self
                .call("ListAccessKeys", user, || {
                    self.iam.list_access_keys().user_name(user).set_marker(marker.clone()).send()
                })
                .await?;
            Ok((out.access_key_metadata().to_vec(), next(out.is_truncated(), out.marker())))
        })
        .await
    }

    pub async fn get_access_key_last_used(&self, key_id: &str) -> Result<Option<AccessKeyLastUsed>> {
        // The log leaves the key id out: not a secret, but nothing needs it there.
        let out = self
            .call("GetAccessKeyLastUsed", "", || self.iam.get_access_key_last_used().access_key_id(key_id).send())
            .await?;
        Ok(out.access_key_last_used)
    }

    /// The user's console password, if it has one.
    pub async fn get_login_profile(&self, user: &str) -> Result<Option<LoginProfile>> {
        match self.call("GetLoginProfile", user, || self.iam.get_login_profile().user_name(user).send()).await {
            Ok(out) => Ok(out.login_profile),
            // IAM's answer for a user without a password.
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every role of the account with its trust policy, inline policies and attachments, and
    /// every customer-managed policy with its versions, page by page.
    pub async fn get_account_authorization_details(&self) -> Result<AccountDetails> {
        let pages = self
            .pages("GetAccountAuthorizationDetails", "", |marker| async move {
                let out = self
                    .call("GetAccountAuthorizationDetails", "", || {
                        self.iam
                            .get_account_authorization_details()
                            .filter(EntityType::Role)
                            .filter(EntityType::LocalManagedPolicy)
                            .set_marker(marker.clone())
                            .send()
                    })
                    .await?;
                let more = next(out.is_truncated(), out.marker());
                Ok((vec![(out.role_detail_list.unwrap_or_default(), out.policies.unwrap_or_default())], more))
            })
            .await?;
        let mut details = AccountDetails::default();
        for (roles, policies) in pages {
            details.roles.extend(roles);
            details.policies.extend(policies);
        }
        Ok(details)
    }

    /// Every page of a list operation: `page` gets the marker (none for the first page) and
    /// returns the page's items and the next marker.
    async fn pages<T, F, Fut>(&self, operation: &'static str, subject: &str, mut page: F) -> Result<Vec<T>>
    where
        F: FnMut(Option<String>) -> Fut,
        Fut: Future<Output = Result<(Vec<T>, Option<String>)>>,
    {
        let mut items = Vec::new();
        let mut marker: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let (batch, more) = page(marker.clone()).await?;
            items.extend(batch);
            match more {
                None => return Ok(items),
                Some(more) if marker.as_ref() == Some(&more) => {
                    return Err(other(operation, &format!("{subject}: the next-page marker repeats the current one")));
                }
                Some(more) => marker = Some(more),
            }
        }
        Err(other(operation, &format!("{subject}: more than {MAX_PAGES} pages")))
    }

    /// Sends one operation, retrying by the policy. The only request path of the client.
    async fn call<T, E, F, Fut>(&self, operation: &'static str, subject: &str, send: F) -> Result<T>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = std::result::Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        T: RequestId,
    {
        let subject = if subject.is_empty() { String::new() } else { format!(" {subject}") };
        let started = Instant::now();
        let mut attempt = 1;
        loop {
            let began = Instant::now();
            let outcome = send().await;
            let elapsed_ms = began.elapsed().as_millis();
            let failure = match outcome {
                Ok(output) => {
                    self.log(format_args!(
                        "{operation}{subject} -> 200 ({elapsed_ms} ms){}",
                        request_id_note(output.request_id())
                    ));
                    self.progress.request_done(operation);
                    return Ok(output);
                }
                Err(error) => Failure::from(error),
            };
            let delay = self.retry.delay(attempt);
            let retry = failure.retryable() && self.retry.allows_retry(attempt, started, delay, &self.budget);
            self.log(format_args!(
                "{operation}{subject} -> {failure} ({elapsed_ms} ms){}{}",
                request_id_note(failure.request_id()),
                if retry { format!("; retry {attempt} in {:.1} s", delay.as_secs_f64()) } else { String::new() }
            ));
            if !retry {
                self.progress.request_done(operation);
                return Err(failure.into_error(operation, attempt));
            }
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    fn log(&self, line: fmt::Arguments) {
        if self.verbose {
            eprintln!("grantlint: {line}");
        }
    }
}

/// The SDK's configuration loader as the audit uses it: the default credential and region chains,
/// the HTTPS client on rustls with ring (like the OCI audit's), the policy's connect and
/// per-attempt timeouts, and no SDK retries ([`Iam::call`] retries).
pub fn loader(settings: &Settings, retry: &RetryPolicy) -> aws_config::ConfigLoader {
    let http =
        aws_smithy_http_client::Builder::new().tls_provider(tls::Provider::Rustls(CryptoMode::Ring)).build_https();
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(retry.connect_timeout)
        .read_timeout(retry.timeout)
        .operation_attempt_timeout(retry.timeout)
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .retry_config(RetryConfig::disabled())
        .timeout_config(timeouts);
    if let Some(profile) = &settings.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(endpoint) = &settings.endpoint {
        loader = loader.endpoint_url(endpoint);
    }
    loader
}

fn credentials(operation: &'static str, given: Option<aws_sdk_sts::types::Credentials>) -> Result<Credentials> {
    let given = given.ok_or_else(|| other(operation, "the answer holds no credentials"))?;
    let expiry = std::time::SystemTime::try_from(given.expiration).ok();
    Ok(Credentials::new(
        given.access_key_id,
        given.secret_access_key,
        Some(given.session_token),
        expiry,
        "grantlint-assumed-role",
    ))
}

/// The marker of the next page, when the answer says there is one.
fn next(truncated: bool, marker: Option<&str>) -> Option<String> {
    if truncated { marker.map(str::to_string) } else { None }
}

fn other(operation: &'static str, detail: &str) -> Error {
    Error::Other { operation, detail: detail.to_string() }
}

fn request_id_note(id: Option<&str>) -> String {
    id.map(|id| format!(" [request id: {id}]")).unwrap_or_default()
}

/// One attempt's failure, before deciding whether to retry.
enum Failure {
    Status {
        status: u16,
        code: String,
        message: String,
        request_id: Option<String>,
    },
    /// No answer, or an answer cut short: worth another attempt.
    Transport(String),
    /// The request could not be made: no attempt will do better.
    Fatal(String),
}

impl<E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static> From<SdkError<E, HttpResponse>> for Failure {
    fn from(error: SdkError<E, HttpResponse>) -> Self {
        let detail = DisplayErrorContext(&error).to_string();
        match error {
            SdkError::ServiceError(context) => {
                let raw = context.raw();
                let status = raw.status().as_u16();
                let request_id = raw.headers().get("x-amzn-requestid").map(str::to_string);
                let err = context.err();
                Failure::Status {
                    status,
                    code: err.code().unwrap_or("UnknownError").to_string(),
                    message: err.message().unwrap_or_default().to_string(),
                    request_id,
                }
            }
            SdkError::TimeoutError(_) => Failure::Transport("timed out".into()),
            SdkError::DispatchFailure(failure) if failure.is_io() || failure.is_timeout() => Failure::Transport(detail),
            SdkError::ResponseError(_) => Failure::Transport(detail),
            _ => Failure::Fatal(detail),
        }
    }
}

impl Failure {
    fn retryable(&self) -> bool {
        match self {
            Failure::Status { status, code, .. } => transient_status(*status) || THROTTLING.contains(&code.as_str()),
            Failure::Transport(_) => true,
            Failure::Fatal(_) => false,
        }
    }

    fn request_id(&self) -> Option<&str> {
        match self {
            Failure::Status { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    fn into_error(self, operation: &'static str, attempts: u32) -> Error {
        match self {
            Failure::Status { status, code, message, request_id } => {
                Error::Api(Refusal { operation, status, code, message, request_id, attempts })
            }
            Failure::Transport(detail) => Error::Network { operation, detail, attempts },
            Failure::Fatal(detail) => Error::Other { operation, detail },
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Status { status, code, .. } => write!(f, "{status} {code}"),
            Failure::Transport(detail) | Failure::Fatal(detail) => f.write_str(detail),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_is_retried_whatever_its_status() {
        let status = |status: u16, code: &str| Failure::Status {
            status,
            code: code.into(),
            message: String::new(),
            request_id: None,
        };
        assert!(status(400, "Throttling").retryable());
        assert!(status(429, "TooManyRequests").retryable());
        assert!(status(500, "ServiceFailure").retryable());
        assert!(!status(403, "AccessDenied").retryable());
        assert!(!status(404, "NoSuchEntity").retryable());
        assert!(Failure::Transport("connection refused".into()).retryable());
        assert!(!Failure::Fatal("no credentials".into()).retryable());
    }

    #[test]
    fn refusals_name_the_missing_action() {
        let error = Error::Api(Refusal {
            operation: "GetLoginProfile",
            status: 403,
            code: "AccessDenied".into(),
            message: "not authorized".into(),
            request_id: Some("r-1".into()),
            attempts: 1,
        });
        let text = error.to_string();
        assert!(
            text.starts_with("GetLoginProfile failed: AWS answered 403 AccessDenied: not authorized [request id: r-1]")
        );
        assert!(text.contains("the auditing identity lacks `iam:GetLoginProfile`"), "{text}");
        assert_eq!(action("GetCallerIdentity"), "sts:GetCallerIdentity");
        assert_eq!(action("ListAccounts"), "organizations:ListAccounts");
        assert_eq!(action("GetRole"), "iam:GetRole");
    }

    #[test]
    fn every_operation_is_a_read() {
        for operation in OPERATIONS {
            let (service, name) = operation.split_once(':').unwrap();
            let read = name.starts_with("Get") || name.starts_with("List");
            // AssumeRole changes nothing: it hands out the member role's temporary credentials.
            assert!(read || (service, name) == ("sts", "AssumeRole"), "{operation}");
        }
    }
}
