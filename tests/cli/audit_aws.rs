//! `grantlint audit aws` against a real IAM implementation: moto's server (`moto_server` from the
//! test virtualenv, beside `GRANTLINT_PYTHON`), seeded through the IAM API with boto3
//! (`tests/aws_server/seed.py`: DigiUsher's role from `fixtures/digiusher/digiusher-iac/`, broken
//! variants of it, the legacy onboarding's IAM user), behind a proxy that records every request
//! and injects faults (`tests/aws_server/proxy.py`). `scripts/test.sh` installs both.

use crate::servers::{TestServer, codes, output_of, python};
use crate::support::{Run, SHARED, grantlint, repo_root};
use grantlint::audit::aws::client::{Iam, Settings};
use grantlint::audit::progress::Progress;
use grantlint::audit::retry::RetryPolicy;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The auditing identity's credentials; moto accepts any. Distinctive, so a leak is found.
const ACCESS_KEY: &str = "AKIAGRANTLINTAUDITOR";
const SECRET_KEY: &str = "grantlint/Test+Secret/Key0000000000000000";
const SESSION_TOKEN: &str = "grantlint-test-session-token-FwoGZXIvYXdzEJr";
/// The ExternalId of DigiUsher's example trust policy, and another customer's.
const EXTERNAL_ID: &str = "11111111-2222-4333-8444-555555555555";
const OTHER_EXTERNAL_ID: &str = "99999999-8888-4777-8666-555555555555";

/// `moto_server` beside the tests' Python (the virtualenv's `bin/`), else on PATH.
fn moto_server() -> PathBuf {
    match std::env::var("GRANTLINT_PYTHON") {
        Ok(python) => Path::new(&python).with_file_name("moto_server"),
        Err(_) => PathBuf::from("moto_server"),
    }
}

/// moto's IAM, seeded with the test account; killed when dropped.
struct Moto {
    child: Child,
    url: String,
}

impl Moto {
    fn start() -> Moto {
        let moto = Moto::spawn(true);
        moto.seed("seed.py", &[]);
        moto
    }

    /// moto with an organisation (`tests/aws_server/seed_org.py`): the management account and
    /// `members` member accounts with DigiUsher's role, the second member's edited by hand, and a
    /// closed account. Without AWS's managed policies, which moto would load into every account.
    fn organization(members: usize) -> (Moto, Organization) {
        let moto = Moto::spawn(false);
        let seeded = moto.seed("seed_org.py", &[&members.to_string()]);
        let org: Value = serde_json::from_str(seeded.trim()).unwrap();
        let ids = |key: &str| org[key].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()).collect();
        let organization = Organization {
            members: ids("accounts"),
            edited: org["edited"].as_str().unwrap().to_string(),
            closed: org["closed"].as_str().unwrap().to_string(),
        };
        (moto, organization)
    }

    fn spawn(managed_policies: bool) -> Moto {
        // A port that was free a moment ago; moto_server takes no port 0.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(moto_server())
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", managed_policies.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run {} (`pip install 'moto[server]'`; see scripts/test.sh): {e}",
                    moto_server().display()
                )
            });
        Moto { child, url: format!("http://127.0.0.1:{port}") }
    }

    /// Runs `tests/aws_server/SCRIPT URL SHARED ARGS…`; its standard output.
    fn seed(&self, script: &str, args: &[&str]) -> String {
        let seed = Command::new(python())
            .arg(repo_root().join("tests/aws_server").join(script))
            .arg(&self.url)
            .arg(repo_root().join(SHARED))
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", python()));
        let stderr = String::from_utf8_lossy(&seed.stderr);
        assert!(seed.status.success(), "seeding moto failed (needs boto3):\n{stderr}");
        String::from_utf8_lossy(&seed.stdout).into_owned()
    }
}

/// The organisation `seed_org.py` made.
struct Organization {
    /// The member accounts, in the order they were created.
    members: Vec<String>,
    /// The member whose vendor role has a write action added.
    edited: String,
    /// A closed (SUSPENDED) account, which ListAccounts still lists.
    closed: String,
}

/// The management account, moto's default.
const MANAGEMENT: &str = "123456789012";

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The recording, fault-injecting proxy in front of moto.
type Proxy = TestServer;

fn start_proxy(moto: &Moto, faults: Value) -> Proxy {
    TestServer::start(
        "tests/aws_server/proxy.py",
        "faults.json",
        &faults.to_string(),
        "see GRANTLINT_PYTHON",
        |faults, log| vec![moto.url.clone().into(), log.into(), faults.into()],
    )
}

impl TestServer {
    /// Every request was a read the audit is documented to make, and the set of them.
    fn assert_reads_only(&self) -> BTreeSet<String> {
        let requests = self.requests();
        assert!(!requests.is_empty(), "the proxy saw no request");
        let mut seen = BTreeSet::new();
        for request in &requests {
            let action = request["action"].as_str().unwrap_or_default();
            assert_eq!(request["method"], "POST", "{request}");
            assert!(READS.contains(&action), "a request that is not one of the audit's reads: {request}");
            seen.insert(action.to_string());
        }
        seen
    }
}

/// The operations the issue allows the audit: IAM's Get/List calls, STS's GetCallerIdentity, and
/// for an organisation Organizations' ListAccounts, STS's AssumeRole (of the member role, which
/// hands out credentials and changes nothing) and GetSessionToken (with MFA).
const READS: &[&str] = &[
    "ListAccounts",
    "AssumeRole",
    "GetSessionToken",
    "GetCallerIdentity",
    "GetAccountSummary",
    "ListAccountAliases",
    "GetRole",
    "ListRolePolicies",
    "GetRolePolicy",
    "ListAttachedRolePolicies",
    "GetPolicy",
    "GetPolicyVersion",
    "GetAccountAuthorizationDetails",
    "GetUser",
    "ListUserPolicies",
    "GetUserPolicy",
    "ListAttachedUserPolicies",
    "ListAccessKeys",
    "GetAccessKeyLastUsed",
    "GetLoginProfile",
];

/// The environment of a user with credentials in the environment and nothing else configured.
fn aws_env(command: &mut Command, home: &Path) {
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("AWS_")) {
        command.env_remove(name);
    }
    command
        .env("HOME", home)
        .env("AWS_CONFIG_FILE", home.join("no-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
        .env("AWS_REGION", "us-east-1");
}

/// Runs `grantlint audit aws --endpoint <proxy> ARGS` in the repository root.
fn audit(proxy: &Proxy, args: &[&str]) -> Run {
    let home = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_grantlint"));
    command.args(["audit", "aws", "--endpoint", &proxy.url]).args(args).current_dir(repo_root()).stdin(Stdio::null());
    aws_env(&mut command, home.path());
    command.env("NO_COLOR", "1");
    output_of(command)
}

fn check(args: &[&str]) -> Run {
    grantlint(&[&["check"], args].concat())
}

/// What `grantlint check --profile digiusher` finds in the published documents a live role is
/// built from: the audit must find the same in them, plus what the scenario changed.
fn published(files: &[&str]) -> Vec<String> {
    let paths: Vec<String> = files.iter().map(|f| format!("{SHARED}/{f}")).collect();
    let args: Vec<&str> =
        ["--profile", "digiusher", "--format", "concise"].into_iter().chain(paths.iter().map(String::as_str)).collect();
    codes(&check(&args))
}

const DIGIUSHER: &[&str] = &[
    "digiusher-iac/aws-trust-policy.json",
    "digiusher-iac/aws-core-permissions.json",
    "digiusher-iac/aws-s3-cur-access.json",
];
const LEGACY: &[&str] = &[
    "onboarding-guides/aws-legacy-root-user-read-policy.json",
    "onboarding-guides/aws-legacy-root-user-discover-policy.json",
];

fn snapshot_filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"AKIA[A-Z0-9]{16}", "[ACCESS-KEY-ID]"),
        (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "[TIME]"),
        (r"http://127\.0\.0\.1:\d+", "[PROXY]"),
        (r"\[request id: [^\]]+\]", "[request id: ID]"),
        (r"\(\d+ ms\)", "(N ms)"),
        (r"retry (\d+) in \d+\.\d s", "retry $1 in N s"),
    ]
}

/// Each scenario: the role or user audited and the arguments, what the documents it is built
/// from give `check`, and exactly what the audit adds (codes of concise output).
struct Scenario {
    name: &'static str,
    args: &'static [&'static str],
    published: &'static [&'static str],
    added: &'static [&'static str],
    exit: i32,
}

// The published DigiUsher grant exits 1: its `cloudwatch:Get*` includes GetSpaceCredentials, which
// returns AWS credentials (AWS006 error).
const SCENARIOS: &[Scenario] = &[
    // As DigiUsher's template creates it: only the published documents' own warnings.
    Scenario { name: "clean", args: &["--role", "DigiUsher-ReadAccess"], published: DIGIUSHER, added: &[], exit: 1 },
    Scenario {
        name: "wrong-account",
        args: &["--role", "arn:aws:iam::123456789012:role/DigiUsher-WrongAccount"],
        published: DIGIUSHER,
        added: &["AWS007"],
        exit: 1,
    },
    Scenario {
        name: "no-external-id",
        args: &["--role", "DigiUsher-NoExternalId"],
        published: DIGIUSHER,
        added: &["AWS008"],
        exit: 1,
    },
    Scenario {
        name: "extra-write",
        args: &["--role", "DigiUsher-ExtraWrite"],
        published: DIGIUSHER,
        added: &["AWS002"],
        exit: 1,
    },
    Scenario {
        name: "read-only-access",
        args: &["--role", "DigiUsher-ReadOnlyAccess"],
        published: DIGIUSHER,
        added: &["LIVE011"],
        exit: 1,
    },
    Scenario {
        name: "external-id-mismatch",
        args: &["--role", "DigiUsher-ReadAccess", "--external-id", OTHER_EXTERNAL_ID],
        published: DIGIUSHER,
        added: &["LIVE010"],
        exit: 1,
    },
    // The issued ExternalId matches: nothing added.
    Scenario {
        name: "external-id-match",
        args: &["--role", "DigiUsher-ReadAccess", "--external-id", EXTERNAL_ID],
        published: DIGIUSHER,
        added: &[],
        exit: 1,
    },
    // An action removed and a statement added by hand, the CUR policy gone: the added statement
    // reads every bucket's objects (AWS006), and three drifts from the expected files.
    Scenario {
        name: "drift",
        args: &["--role", "DigiUsher-Drifted", "--expect", "fixtures/aws-audit/expect"],
        published: DIGIUSHER,
        added: &["AWS006", "LIVE012", "LIVE012", "LIVE012"],
        exit: 1,
    },
    Scenario {
        name: "near-quota",
        args: &["--role", "DigiUsher-NearQuota"],
        published: DIGIUSHER,
        added: &["LIVE013"],
        exit: 1,
    },
    // The legacy onboarding: a user with an access key, and a console password.
    Scenario {
        name: "legacy-user",
        args: &["--user", "digiusher"],
        published: LEGACY,
        added: &["LIVE014", "LIVE015"],
        exit: 1,
    },
];

#[test]
fn audit_scenarios() {
    let moto = Moto::start();
    for scenario in SCENARIOS {
        let proxy = start_proxy(&moto, json!([]));
        let mut args = vec!["--profile", "digiusher", "--format", "concise"];
        args.extend(scenario.args);
        let run = audit(&proxy, &args);
        let mut expected = published(scenario.published);
        expected.extend(scenario.added.iter().map(|c| c.to_string()));
        expected.sort();
        assert_eq!(run.code, scenario.exit, "{}:\n{run}", scenario.name);
        assert_eq!(codes(&run), expected, "{}:\n{run}", scenario.name);
        proxy.assert_reads_only();
        insta::with_settings!({filters => snapshot_filters()}, {
            insta::assert_snapshot!(format!("audit-aws-{}", scenario.name), run.to_string());
        });
    }
}

/// `--all-roles-trusting` reads the account in one GetAccountAuthorizationDetails pass, finds
/// exactly the roles that trust the vendor, and judges them as one `--role` audit each would.
#[test]
fn all_roles_trusting_the_vendor_in_one_pass() {
    let moto = Moto::start();
    let proxy = start_proxy(&moto, json!([]));
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("all.json");
    let args =
        ["--all-roles-trusting", "--profile", "digiusher", "--format", "concise", "--save", saved.to_str().unwrap()];
    let all = audit(&proxy, &args);
    let operations = proxy.assert_reads_only();
    assert!(operations.contains("GetAccountAuthorizationDetails"), "{operations:?}");
    assert!(!operations.contains("GetRole") && !operations.contains("GetRolePolicy"), "{operations:?}");
    let snapshot: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    let names: Vec<&str> = snapshot["roles"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    let vendor_roles = [
        "DigiUsher-Drifted",
        "DigiUsher-ExtraWrite",
        "DigiUsher-NearQuota",
        "DigiUsher-NoExternalId",
        "DigiUsher-ReadAccess",
        "DigiUsher-ReadOnlyAccess",
    ];
    assert_eq!(names, vendor_roles, "the roles trusting 058264546051, and no other");
    let mut one_by_one = Vec::new();
    for role in vendor_roles {
        let proxy = start_proxy(&moto, json!([]));
        one_by_one.extend(codes(&audit(&proxy, &["--role", role, "--profile", "digiusher", "--format", "concise"])));
    }
    one_by_one.sort();
    assert_eq!(codes(&all), one_by_one, "{all}");
    assert_eq!(all.code, 1);
}

/// Every request an audit sends is one of the documented reads — role, user, whole-account and
/// organisation (with MFA) audits together use every one of them.
#[test]
fn every_request_is_a_documented_read() {
    let moto = Moto::start();
    let proxy = start_proxy(&moto, json!([]));
    for args in [
        &["--role", "DigiUsher-ReadOnlyAccess", "--user", "digiusher", "--format", "json"][..],
        &["--all-roles-trusting", "058264546051", "--format", "json"],
    ] {
        let run = audit(&proxy, args);
        assert_ne!(run.code, 2, "{run}");
    }
    let mut seen = proxy.assert_reads_only();
    let (org_moto, _) = Moto::organization(2);
    let org_proxy = start_proxy(&org_moto, json!([]));
    let mfa = ["--mfa-serial", "arn:aws:iam::123456789012:mfa/auditor", "--mfa-code", "123456"];
    let run = audit(&org_proxy, &[MEMBER_AUDIT, &mfa, &["--format", "json"]].concat());
    assert_ne!(run.code, 2, "{run}");
    seen.extend(org_proxy.assert_reads_only());
    assert_eq!(seen, READS.iter().map(|r| r.to_string()).collect(), "an operation the tests never exercised");
    // The client's own list of the actions it needs is the same, less the two needing none.
    let needed: BTreeSet<String> =
        grantlint::audit::aws::client::OPERATIONS.iter().map(|o| o.split_once(':').unwrap().1.to_string()).collect();
    let free = ["GetCallerIdentity", "GetSessionToken"];
    assert_eq!(needed, seen.iter().filter(|o| !free.contains(&o.as_str())).cloned().collect());
}

/// A saved snapshot, checked offline, gives the very output the audit gave.
#[test]
fn saved_snapshot_checks_the_same() {
    let moto = Moto::start();
    let proxy = start_proxy(&moto, json!([]));
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("acme.snapshot.json");
    let saved_arg = saved.to_string_lossy().into_owned();
    let args = [
        "--role",
        "DigiUsher-Drifted",
        "--role",
        "DigiUsher-ReadOnlyAccess",
        "--user",
        "digiusher",
        "--external-id",
        OTHER_EXTERNAL_ID,
        "--expect",
        "fixtures/aws-audit/expect",
        "--profile",
        "digiusher",
    ];
    for format in ["json", "concise", "human", "sarif"] {
        let live = audit(&proxy, &[&args[..], &["--format", format, "--save", &saved_arg]].concat());
        let offline = check(&["--profile", "digiusher", "--format", format, &saved_arg]);
        assert_eq!(live.code, 1, "{live}");
        assert_eq!(live.stdout, offline.stdout, "{format}");
        assert_eq!(live.code, offline.code);
        for code in ["AWS006", "LIVE010", "LIVE011", "LIVE012", "LIVE014", "LIVE015"] {
            assert!(live.stdout.contains(code), "{format}: no {code}:\n{live}");
        }
    }
    // The clean role's snapshot, field by field.
    let run = audit(
        &proxy,
        &[
            "--role",
            "DigiUsher-ReadAccess",
            "--external-id",
            EXTERNAL_ID,
            "--profile",
            "digiusher",
            "--save",
            &saved_arg,
        ],
    );
    // DigiUsher's `cloudwatch:Get*` includes GetSpaceCredentials (AWS credentials): AWS006 errors.
    assert_eq!(run.code, 1, "{run}");
    let snapshot = std::fs::read_to_string(&saved).unwrap();
    insta::with_settings!({filters => snapshot_filters()}, {
        insta::assert_snapshot!("audit-aws-saved-snapshot", snapshot);
    });
}

/// Throttling (IAM's 400 `Throttling` and a 429) and server errors are retried with backoff; the
/// verdict is the clean one, and `--verbose` shows each retry.
#[test]
fn retries_throttling_and_server_errors() {
    let moto = Moto::start();
    let faults = json!([
        {"action": "GetRole", "status": 429, "count": 1},
        {"action": "ListAttachedRolePolicies", "status": 400, "code": "Throttling", "message": "Rate exceeded", "count": 1},
        {"action": "GetRolePolicy", "status": 500, "count": 1},
        {"action": "GetAccountSummary", "status": 503, "count": 1}
    ]);
    let proxy = start_proxy(&moto, faults);
    let run = audit(
        &proxy,
        &["--role", "DigiUsher-ReadAccess", "--profile", "digiusher", "--format", "concise", "--verbose"],
    );
    // DigiUsher's `cloudwatch:Get*` includes GetSpaceCredentials (AWS credentials): AWS006 errors.
    assert_eq!(run.code, 1, "{run}");
    assert_eq!(codes(&run), published(DIGIUSHER));
    proxy.assert_reads_only();
    let faulted = proxy.requests().into_iter().filter(|r| r["fault"].is_string()).count();
    assert_eq!(faulted, 4);
    for line in [
        "GetRole DigiUsher-ReadAccess -> 429 Throttling",
        "ListAttachedRolePolicies DigiUsher-ReadAccess -> 400 Throttling",
        "-> 500 ServiceFailure",
        "GetAccountSummary -> 503 ServiceUnavailable",
        "; retry 1 in",
    ] {
        assert!(run.stderr.contains(line), "{line}:\n{}", run.stderr);
    }
}

/// A refusal ends the audit with exit 2, AWS's message, and the IAM action the auditing identity
/// lacks; it is not retried.
#[test]
fn a_missing_permission_names_the_action() {
    let moto = Moto::start();
    let message = "User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: iam:GetLoginProfile on resource: user digiusher";
    let proxy = start_proxy(
        &moto,
        json!([{"action": "GetLoginProfile", "status": 403, "code": "AccessDenied", "message": message}]),
    );
    let run = audit(&proxy, &["--user", "digiusher", "--format", "concise"]);
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.stderr.contains(&format!("GetLoginProfile failed: AWS answered 403 AccessDenied: {message}")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("help: the auditing identity lacks `iam:GetLoginProfile`"), "{}", run.stderr);
    let refused = proxy.requests().into_iter().filter(|r| r["action"] == "GetLoginProfile").count();
    assert_eq!(refused, 1, "a refusal is not retried");
    // A role that does not exist is IAM's NoSuchEntity, said plainly.
    let proxy = start_proxy(&moto, json!([]));
    let run = audit(&proxy, &["--role", "DigiUsher-NeverCreated"]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("GetRole failed: AWS answered 404 NoSuchEntity"), "{}", run.stderr);
}

/// A slow answer times out and is retried; the retries of one client are capped in total.
#[test]
fn timeouts_and_the_retry_budget() {
    let moto = Moto::start();
    let proxy = start_proxy(
        &moto,
        json!([
            {"action": "GetRole", "delay": 2.0, "count": 1},
            {"action": "GetUser", "status": 500, "count": 100}
        ]),
    );
    let policy = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(5),
        max_total_retries: 3,
        timeout: Duration::from_millis(500),
        ..RetryPolicy::default()
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let settings = Settings { endpoint: Some(proxy.url.clone()), ..Settings::default() };
        let credentials = aws_credential_types::Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "test");
        let config = grantlint::audit::aws::client::loader(&settings, &policy)
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(StaticCredentials(credentials))
            .load()
            .await;
        let iam = Iam::new(&config, policy.clone(), false, Progress::new(false));
        // The first GetRole is answered after 2 s: the attempt times out at 0.5 s, the retry works.
        let role = iam.get_role("DigiUsher-ReadAccess").await.unwrap();
        assert_eq!(role.role_name(), "DigiUsher-ReadAccess");
        let first = iam.get_user("digiusher").await.unwrap_err().to_string();
        assert!(first.starts_with("GetUser failed: AWS answered 500 ServiceFailure"), "{first}");
        assert!(first.ends_with("(gave up after 3 attempts)"), "one retry spent on the timeout, two here: {first}");
        let second = iam.get_user("digiusher").await.unwrap_err().to_string();
        assert!(!second.contains("gave up"), "the budget is spent: {second}");
    });
    // The proxy logs the slow request once its pause is over.
    let mut requests = proxy.requests();
    for _ in 0..50 {
        if requests.iter().filter(|r| r["action"] == "GetRole").count() == 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        requests = proxy.requests();
    }
    let roles: Vec<&Value> = requests.iter().filter(|r| r["action"] == "GetRole").collect();
    assert_eq!(roles.len(), 2, "{roles:#?}");
    assert_eq!(requests.iter().filter(|r| r["fault"] == "delay 2.0").count(), 1, "{requests:#?}");
    assert_eq!(requests.iter().filter(|r| r["action"] == "GetUser").count(), 3 + 1);
}

/// Static credentials for the in-process client.
#[derive(Debug)]
struct StaticCredentials(aws_credential_types::Credentials);

impl aws_credential_types::provider::ProvideCredentials for StaticCredentials {
    fn provide_credentials<'a>(&'a self) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        aws_credential_types::provider::future::ProvideCredentials::ready(Ok(self.0.clone()))
    }
}

/// Neither the auditing identity's secret key and session token nor the role's ExternalId
/// appears in anything a verbose audit prints, in any format; the snapshot holds no credential.
#[test]
fn verbose_audit_reveals_no_secret() {
    let moto = Moto::start();
    let proxy = start_proxy(&moto, json!([]));
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("saved.json");
    let mut printed = String::new();
    // LIVE010 and AWS007/AWS008 point into trust policies, so excerpts show the ExternalId's line.
    for role in ["DigiUsher-ReadAccess", "DigiUsher-WrongAccount"] {
        for format in ["human", "concise", "json", "sarif", "github"] {
            let args = [
                "--role",
                role,
                "--external-id",
                OTHER_EXTERNAL_ID,
                "--profile",
                "digiusher",
                "--verbose",
                "--format",
                format,
                "--save",
                saved.to_str().unwrap(),
            ];
            let run = audit(&proxy, &args);
            assert_eq!(run.code, 1, "{run}");
            assert!(run.stderr.contains("GetRole DigiUsher-"), "verbose logs requests:\n{}", run.stderr);
            printed.push_str(&run.stdout);
            printed.push_str(&run.stderr);
        }
        let offline = check(&["--profile", "digiusher", "--format", "human", saved.to_str().unwrap()]);
        printed.push_str(&offline.stdout);
        let snapshot = std::fs::read_to_string(&saved).unwrap();
        for secret in [SECRET_KEY, SESSION_TOKEN, OTHER_EXTERNAL_ID] {
            assert!(!snapshot.contains(secret), "the snapshot holds a secret");
        }
    }
    assert!(printed.contains("1111…` (36 characters)") && printed.contains("9999…` (36 characters)"), "{printed}");
    assert!(printed.contains("\"sts:ExternalId\": \"1111****"), "excerpts mask the ExternalId:\n{printed}");
    for secret in [SECRET_KEY, SESSION_TOKEN, EXTERNAL_ID, OTHER_EXTERNAL_ID] {
        assert!(!printed.contains(secret), "leaked: {secret}");
    }
    // Nor a part of them long enough to matter.
    for secret in [SECRET_KEY, SESSION_TOKEN, EXTERNAL_ID, OTHER_EXTERNAL_ID] {
        assert!(!printed.contains(&secret[..12]), "leaked a part of: {secret}");
    }
}

#[test]
fn usage_errors() {
    let moto = Moto::start();
    let proxy = start_proxy(&moto, json!([]));
    let run = audit(&proxy, &[]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("--role"), "{}", run.stderr);
    let run = audit(&proxy, &["--all-roles-trusting"]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("name the vendor's account"), "{}", run.stderr);
    let run = audit(&proxy, &["--role", "arn:aws:iam::999988887777:role/DigiUsher-ReadAccess"]);
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.stderr.contains("is in account 999988887777, but the credentials are for account 123456789012"),
        "{}",
        run.stderr
    );
    let mut command = Command::new(env!("CARGO_BIN_EXE_grantlint"));
    command.args(["audit", "aws", "--role", "x", "--endpoint", "http://iam.example.com"]);
    let run = output_of(command);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("use https"), "{}", run.stderr);
    assert!(proxy.requests().iter().all(|r| r["action"] == "GetCallerIdentity"), "nothing else was sent");
}

/// Every list call follows IAM's `Marker` to the last page: behind a proxy that pages each list
/// answer one item at a time (moto answers them whole), an audit prints exactly what it prints
/// unpaged.
#[test]
fn paging_follows_every_marker() {
    let moto = Moto::start();
    let audits: [&[&str]; 2] = [
        &["--role", "paging-role", "--role", "DigiUsher-ReadAccess", "--user", "paging-user", "--format", "json"],
        &["--all-roles-trusting", "058264546051", "--format", "json"],
    ];
    let mut followed = BTreeSet::new();
    for args in audits {
        let whole = audit(&start_proxy(&moto, json!([])), args);
        let proxy = start_proxy(&moto, json!([{"page_size": 1}]));
        let paged = audit(&proxy, args);
        assert_ne!(paged.code, 2, "{paged}");
        assert_eq!((paged.code, &paged.stdout), (whole.code, &whole.stdout), "{args:?}");
        proxy.assert_reads_only();
        let pages: Vec<(String, u64, u64)> = proxy
            .requests()
            .iter()
            .filter_map(|r| {
                let page = r["page"].as_array()?;
                Some((r["action"].as_str()?.to_string(), page[0].as_u64()?, page[1].as_u64()?))
            })
            .collect();
        // Every call that started reached its last page.
        let started = pages.iter().filter(|(_, first, _)| *first == 0).count();
        let finished = pages.iter().filter(|(_, first, all)| first + 1 >= *all).count();
        assert_eq!(started, finished, "{pages:#?}");
        followed.extend(pages.iter().filter(|(_, first, _)| *first > 0).map(|(action, ..)| action.clone()));
    }
    let listed = [
        "GetAccountAuthorizationDetails",
        "ListAccessKeys",
        "ListAttachedRolePolicies",
        "ListAttachedUserPolicies",
        "ListRolePolicies",
        "ListUserPolicies",
    ];
    assert_eq!(followed, listed.iter().map(|a| a.to_string()).collect(), "calls paged past their first page");
}

/// An organisation's audit through the member role moto creates in every account.
const MEMBER_AUDIT: &[&str] =
    &["--organization", "--member-role", "OrganizationAccountAccessRole", "--role", "DigiUsher-ReadAccess"];

/// The files of a JSON report that hold findings, and each one's codes.
fn findings_by_file(run: &Run) -> std::collections::BTreeMap<String, Vec<String>> {
    let report: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}:\n{run}"));
    let mut files = std::collections::BTreeMap::<String, Vec<String>>::new();
    for finding in report["findings"].as_array().unwrap() {
        let path = finding["path"].as_str().unwrap().to_string();
        files.entry(path).or_default().push(finding["code"].as_str().unwrap().to_string());
    }
    files
}

/// `--organization` audits the management account and every ACTIVE member (not the closed one)
/// through the member role, session `grantlint-audit`, in one report whose files name their
/// accounts; the hand-edited account stands out; `--save DIR` writes one snapshot per account,
/// and `grantlint check DIR` prints the same report. ListAccounts is followed page by page.
#[test]
fn organization_audit_reads_every_active_account() {
    let (moto, org) = Moto::organization(3);
    let proxy = start_proxy(&moto, json!([{"page_size": 1}]));
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("org");
    let save_arg = save.to_str().unwrap();
    let args = [MEMBER_AUDIT, &["--profile", "digiusher", "--format", "json", "--jobs", "2", "--save", save_arg]];
    let live = audit(&proxy, &args.concat());
    assert_eq!(live.code, 1, "{live}");
    let mut accounts: Vec<String> = org.members.iter().cloned().chain([MANAGEMENT.to_string()]).collect();
    accounts.sort();
    let saved: Vec<String> = std::fs::read_dir(&save)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().trim_end_matches(".json").to_string())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(saved, accounts, "one snapshot per ACTIVE account, none for {}", org.closed);
    let report: Value = serde_json::from_str(&live.stdout).unwrap();
    assert_eq!(report["summary"]["files"], accounts.len(), "{live}");
    // Each account's findings: the published documents' own, and in the edited one only the
    // added write action (AWS002) and the difference from the other three accounts (LIVE017).
    let files = findings_by_file(&live);
    let published = published(DIGIUSHER);
    for account in &accounts {
        let path = format!("{save_arg}/{account}.json");
        let mut codes = files.get(&path).cloned().unwrap_or_default();
        codes.sort();
        let mut expected = published.clone();
        if *account == org.edited {
            expected.extend(["AWS002".to_string(), "LIVE017".to_string()]);
            expected.sort();
        }
        assert_eq!(codes, expected, "{account}");
    }
    assert!(
        live.stdout
            .contains("role `DigiUsher-ReadAccess` differs from the version 3 of the 4 accounts holding it have"),
        "{live}"
    );
    let offline = check(&["--profile", "digiusher", "--format", "json", save_arg]);
    assert_eq!((offline.code, &offline.stdout), (live.code, &live.stdout));
    // Read-only, every member entered once through its member role as `grantlint-audit`, and
    // ListAccounts read one account a page.
    proxy.assert_reads_only();
    let requests = proxy.requests();
    let mut assumed: Vec<String> = requests
        .iter()
        .filter(|r| r["action"] == "AssumeRole")
        .map(|r| {
            assert_eq!(r["params"]["RoleSessionName"], "grantlint-audit", "{r}");
            r["params"]["RoleArn"].as_str().unwrap().to_string()
        })
        .collect();
    assumed.sort();
    let mut expected: Vec<String> =
        org.members.iter().map(|a| format!("arn:aws:iam::{a}:role/OrganizationAccountAccessRole")).collect();
    expected.sort();
    assert_eq!(assumed, expected);
    let pages = requests.iter().filter(|r| r["action"] == "ListAccounts").count();
    assert_eq!(pages, org.members.len() + 2, "the management account, the members and the closed one");
}

/// One account that cannot be entered is an error finding (LIVE016) for that account, in the
/// report and in its saved snapshot; the other accounts are audited all the same. `--accounts`
/// needs no Organizations, and `--shard K/N` splits the accounts into N disjoint parts.
#[test]
fn account_lists_failures_and_shards() {
    let (moto, org) = Moto::organization(3);
    let refused = org.members[0].clone();
    let message = format!("not authorized to perform: sts:AssumeRole on {refused}");
    let proxy = start_proxy(
        &moto,
        json!([{"action": "AssumeRole", "match": refused, "status": 403, "code": "AccessDenied", "message": message}]),
    );
    let list = org.members.join(",");
    let base =
        ["--accounts", &list, "--member-role", "OrganizationAccountAccessRole", "--role", "DigiUsher-ReadAccess"];
    let run = audit(&proxy, &[&base[..], &["--profile", "digiusher", "--format", "json"]].concat());
    assert_eq!(run.code, 1, "{run}");
    let files = findings_by_file(&run);
    assert_eq!(files[&format!("live:aws://{refused}")], ["LIVE016"], "{run}");
    assert!(
        run.stdout.contains(&format!(
            "account {refused} could not be audited: AssumeRole failed: AWS answered 403 AccessDenied"
        )),
        "{run}"
    );
    assert!(files[&format!("live:aws://{}", org.edited)].contains(&"AWS002".to_string()), "{run}");
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["summary"]["files"], org.members.len());
    assert!(!run.stdout.contains("LIVE017"), "two accounts audited have no majority:\n{run}");
    let operations = proxy.assert_reads_only();
    assert!(!operations.contains("ListAccounts"), "{operations:?}");

    // Shards: disjoint, and together every account; the same account always in the same shard.
    let mut union = BTreeSet::new();
    for k in 1..=3 {
        let proxy = start_proxy(&moto, json!([]));
        let shard = format!("{k}/3");
        let run = audit(&proxy, &[&base[..], &["--shard", &shard, "--format", "json", "--exit-zero"]].concat());
        assert_eq!(run.code, 0, "{run}");
        let assumed: BTreeSet<String> = proxy
            .requests()
            .iter()
            .filter(|r| r["action"] == "AssumeRole")
            .map(|r| r["params"]["RoleArn"].as_str().unwrap().split(':').nth(4).unwrap().to_string())
            .collect();
        for account in &assumed {
            assert!(union.insert(account.clone()), "{account} in two shards");
            let shard = grantlint::audit::aws::organization::Shard::parse(&format!("{k}/3")).unwrap();
            assert!(shard.contains(account));
        }
    }
    assert_eq!(union, org.members.iter().cloned().collect());

    // Usage errors, before any request.
    let run = audit(&proxy, &["--member-role", "R", "--role", "X"]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("add --organization or --accounts"), "{}", run.stderr);
    let run = audit(&proxy, &["--accounts", "12,13", "--member-role", "R", "--role", "X"]);
    assert!(run.code == 2 && run.stderr.contains("`12` is not a 12-digit AWS account ID"), "{run}");
    let run = audit(&proxy, &["--organization", "--member-role", "R", "--role", "X", "--jobs", "17"]);
    assert_eq!(run.code, 2, "{run}");
    let run = audit(&proxy, &["--organization", "--member-role", "R", "--role", "X", "--shard", "4/3"]);
    assert!(run.code == 2 && run.stderr.contains("K/N"), "{run}");
}
