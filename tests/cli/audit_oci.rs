//! `grantlint audit oci` against a stand-in Identity API (`tests/oci_server/server.py`) that
//! verifies every request's signature with the registered public key, paginates two items a page
//! with `+ / =` page tokens, injects 429/500 faults and logs every request.
//!
//! The tenancy is DigiUsher's onboarding (the policies of `fixtures/digiusher/digiusher-iac/`), then
//! broken variants of it. The server needs Python with `cryptography` (`GRANTLINT_PYTHON`, else
//! `python3`; `scripts/test.sh` sets one up).

use crate::servers::{TestServer, codes, output_of, python};
use crate::support::{Run, SHARED, grantlint, repo_root};
use grantlint::audit::Secret;
use grantlint::audit::oci::client::{Client, RetryPolicy};
use grantlint::audit::oci::{keys, signer::Signer};
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const TENANCY: &str = "ocid1.tenancy.oc1..aaaaaaaaacmetenancy";
const AUDITOR: &str = "ocid1.user.oc1..aaaaaaaaauditor";
const VENDOR_USER: &str = "ocid1.user.oc1..aaaaaaaadigiusherapi";
const ALICE: &str = "ocid1.user.oc1..aaaaaaaaalice";
const VENDOR_GROUP: &str = "ocid1.group.oc1..aaaaaaaadigiusherfinops";
const ADMINS: &str = "ocid1.group.oc1..aaaaaaaaadministrators";
const FINANCE: &str = "ocid1.compartment.oc1..aaaaaaaafinance";
const PROD: &str = "ocid1.compartment.oc1..aaaaaaaaprod";
/// 2026-06-01T00:00:00Z, the audit's clock (`SOURCE_DATE_EPOCH`), so key ages are stable.
const NOW: &str = "1780272000";
const PASSPHRASE: &str = "grantlint-test-passphrase";
const GROUP: &str = "digiusher-finops-group";

/// The stand-in Identity API, serving `scenario`.
type Server = TestServer;

fn start_server(scenario: &Value) -> Server {
    let scenario = serde_json::to_string_pretty(scenario).unwrap();
    TestServer::start(
        "tests/oci_server/server.py",
        "scenario.json",
        &scenario,
        "a Python with `cryptography`; see GRANTLINT_PYTHON",
        |scenario, log| vec![scenario.into(), log.into()],
    )
}

impl TestServer {
    /// The audit's requests were all GETs whose signatures verified: read-only, and signed right.
    fn assert_signed_gets(&self) -> Vec<Value> {
        let requests = self.requests();
        assert!(!requests.is_empty(), "the server saw no request");
        for request in &requests {
            assert_eq!(request["method"], "GET", "a request that is not a read: {request}");
            assert_eq!(request["signature"], "verified", "a request whose signature did not verify: {request}");
        }
        requests
    }
}

/// The auditing user's credentials: a key file (mode 600) and an OCI config file naming it.
struct Credentials {
    dir: tempfile::TempDir,
    config: PathBuf,
    key_file: PathBuf,
    /// The key's public half and fingerprint, as OCI would have them registered.
    public_pem: String,
    fingerprint: String,
}

fn credentials(key: &str, config_extra: &str) -> Credentials {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo_root().join("fixtures/oci-signing/keys").join(key)).unwrap();
    let private = keys::parse(&text, Some(&Secret::new(PASSPHRASE.into()))).unwrap();
    let public_pem = private.to_public_key().to_public_key_pem(LineEnding::LF).unwrap();
    let fingerprint = keys::fingerprint(&private);
    let key_file = dir.path().join("oci_api_key.pem");
    std::fs::write(&key_file, &text).unwrap();
    set_mode(&key_file, 0o600);
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        format!(
            "[DEFAULT]\nuser={AUDITOR}\nfingerprint={fingerprint}\nkey_file={}\ntenancy={TENANCY}\nregion=us-ashburn-1\n{config_extra}",
            key_file.display()
        ),
    )
    .unwrap();
    Credentials { dir, config, key_file, public_pem, fingerprint }
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) {}

fn statements(file: &str) -> Vec<String> {
    let path = repo_root().join(SHARED).join("digiusher-iac").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect()
}

fn policy(name: &str, compartment: &str, statements: &[String]) -> Value {
    json!({
        "id": format!("ocid1.policy.oc1..aaaaaaaa{}", name.replace('-', "")),
        "compartmentId": compartment,
        "name": name,
        "description": format!("{name} (test)"),
        "statements": statements,
        "lifecycleState": "ACTIVE",
        "timeCreated": "2026-01-10T09:00:00.000Z",
    })
}

fn user(id: &str, name: &str, console: bool) -> Value {
    json!({
        "id": id, "compartmentId": TENANCY, "name": name, "description": name, "lifecycleState": "ACTIVE",
        "isMfaActivated": false, "lastSuccessfulLoginTime": null,
        "capabilities": {
            "canUseConsolePassword": console, "canUseApiKeys": true, "canUseAuthTokens": false,
            "canUseSmtpCredentials": false, "canUseCustomerSecretKeys": false,
            "canUseOAuth2ClientCredentials": false, "canUseDbCredentials": false
        }
    })
}

fn api_key(user: &str, fingerprint: &str, created: &str, public_pem: &str) -> Value {
    json!({
        "keyId": format!("{TENANCY}/{user}/{fingerprint}"), "fingerprint": fingerprint, "keyValue": public_pem,
        "userId": user, "timeCreated": created, "lifecycleState": "ACTIVE"
    })
}

fn membership(user: &str, group: &str) -> Value {
    json!({
        "id": format!("ocid1.groupmembership.oc1..aaaaaaaa{}{}", &user[24..], &group[25..]),
        "compartmentId": TENANCY, "userId": user, "groupId": group, "lifecycleState": "ACTIVE"
    })
}

fn group(id: &str, name: &str) -> Value {
    json!({"id": id, "compartmentId": TENANCY, "name": name, "description": name, "lifecycleState": "ACTIVE"})
}

/// A tenancy onboarded exactly as DigiUsher's IaC does it, plus the customer's own unrelated
/// policies, groups and users; the auditor's key is `auditor`'s public half.
fn digiusher_tenancy(auditor: &Credentials) -> Value {
    let vendor_key_pem =
        "-----BEGIN PUBLIC KEY-----\n(the vendor's public key; never read)\n-----END PUBLIC KEY-----\n";
    json!({
        "tenancy": {"id": TENANCY, "name": "acme", "description": "test tenancy", "homeRegionKey": "IAD"},
        "regionSubscriptions": [
            {"regionKey": "FRA", "regionName": "eu-frankfurt-1", "status": "READY", "isHomeRegion": false},
            {"regionKey": "IAD", "regionName": "us-ashburn-1", "status": "READY", "isHomeRegion": true}
        ],
        "compartments": [
            {"id": FINANCE, "compartmentId": TENANCY, "name": "finance", "lifecycleState": "ACTIVE"},
            {"id": PROD, "compartmentId": FINANCE, "name": "prod", "lifecycleState": "ACTIVE"},
            {"id": "ocid1.compartment.oc1..aaaaaaaaold", "compartmentId": TENANCY, "name": "old", "lifecycleState": "DELETED"}
        ],
        "policies": [
            policy("digiusher-cost-report-endorse", TENANCY, &statements("oci-policy-digiusher-cost-report-endorse.txt")),
            policy("digiusher-cost-report-access", TENANCY, &statements("oci-policy-digiusher-cost-report-access.txt")),
            policy("digiusher-resource-discovery", TENANCY, &statements("oci-policy-digiusher-resource-discovery.txt")),
            policy("digiusher-metrics-access", TENANCY, &statements("oci-policy-digiusher-metrics-access.txt")),
            policy("network-admins", TENANCY, &["Allow group NetworkAdmins to manage virtual-network-family in tenancy".to_string()]),
            policy("prod-operators", PROD, &["Allow group Operators to use instance-family in compartment prod".to_string()])
        ],
        "users": [
            user(AUDITOR, "grantlint-auditor", false),
            user(VENDOR_USER, "digiusher-api", false),
            user(ALICE, "alice@example.com", true)
        ],
        "groups": [
            group(ADMINS, "Administrators"),
            group(VENDOR_GROUP, GROUP),
            group("ocid1.group.oc1..aaaaaaaanetworkadmins", "NetworkAdmins"),
            group("ocid1.group.oc1..aaaaaaaaoperators", "Operators"),
            group("ocid1.group.oc1..aaaaaaaaauditors", "Auditors")
        ],
        "memberships": [
            membership(VENDOR_USER, VENDOR_GROUP),
            membership(ALICE, ADMINS),
            membership(AUDITOR, "ocid1.group.oc1..aaaaaaaaauditors")
        ],
        "apiKeys": {
            AUDITOR: [api_key(AUDITOR, &auditor.fingerprint, "2026-05-20T08:00:00.000Z", &auditor.public_pem)],
            VENDOR_USER: [api_key(VENDOR_USER, "5e:0b:1c:2d:3e:4f:50:61:72:83:94:a5:b6:c7:d8:e9", "2026-05-01T10:00:00.000Z", vendor_key_pem)]
        },
        "pageSize": 2
    })
}

fn policies(tenancy: &mut Value) -> &mut Vec<Value> {
    tenancy["policies"].as_array_mut().unwrap()
}

fn remove_policy(tenancy: &mut Value, name: &str) {
    policies(tenancy).retain(|p| p["name"] != name);
}

/// Runs `grantlint audit oci --config … --endpoint <server> ARGS` in the repository root, with
/// no OCI_* variables of the caller's and a home directory of its own.
fn audit(server: &Server, creds: &Credentials, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_grantlint"));
    command
        .args(["audit", "oci", "--config"])
        .arg(&creds.config)
        .args(["--endpoint", &server.url])
        .args(args)
        .current_dir(repo_root())
        .env("HOME", creds.dir.path())
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", NOW)
        .stdin(Stdio::null());
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("OCI_")) {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    output_of(command)
}

fn check(args: &[&str]) -> Run {
    grantlint(&[&["check"], args].concat())
}

/// Snapshots `run`, with the run's temporary directories and the server's port made stable.
fn assert_run_snapshot(name: &str, run: &Run, creds: &Credentials, server: &Server) {
    let (tmp, url) = (regex_escape(&creds.dir.path().to_string_lossy()), regex_escape(&server.url));
    insta::with_settings!({filters => vec![
        (tmp.as_str(), "[TMP]"),
        (url.as_str(), "[SERVER]"),
        (r"[0-9A-F]{32}/[0-9A-F]{8}", "[REQUEST-ID]"),
    ]}, {
        insta::assert_snapshot!(name, run.to_string());
    });
}

fn regex_escape(text: &str) -> String {
    text.chars().fold(String::new(), |mut out, c| {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
        out
    })
}

/// Each scenario: how the tenancy differs from DigiUsher's onboarding, the extra arguments, and
/// exactly the findings the audit must report (codes of concise output, sorted).
struct Scenario {
    name: &'static str,
    change: fn(&mut Value),
    args: &'static [&'static str],
    expected: &'static [&'static str],
    exit: i32,
}

const SCENARIOS: &[Scenario] = &[
    // The onboarding as published: only the data-read warning on `read all-resources`, which the
    // profile leaves for the customer to decide.
    Scenario { name: "clean", change: |_| {}, args: &[], expected: &["OCI008"], exit: 0 },
    // Someone later granted the vendor `manage` in a child compartment.
    Scenario {
        name: "manage-grant",
        change: |t| {
            let grant = "Allow group digiusher-finops-group to manage all-resources in compartment prod".to_string();
            policies(t).push(policy("digiusher-debugging", FINANCE, &[grant]));
        },
        args: &[],
        expected: &["LIVE006", "OCI002", "OCI008"],
        exit: 1,
    },
    // The grouping DigiUsher's docs show: define/endorse mixed into the Allow policy.
    Scenario {
        name: "mixed-cross-tenancy",
        change: |t| {
            remove_policy(t, "digiusher-cost-report-endorse");
            remove_policy(t, "digiusher-cost-report-access");
            let combined = statements("oci-docs-variant-digiusher-cost-report-access-combined.txt");
            policies(t).insert(0, policy("digiusher-cost-report-access", TENANCY, &combined));
        },
        args: &[],
        expected: &["OCI003", "OCI008"],
        exit: 1,
    },
    // The usage-report alias points at some other tenancy: the cost reports cannot be read, and
    // the expected Define is missing.
    Scenario {
        name: "wrong-usage-report-ocid",
        change: |t| {
            let endorse = &mut policies(t)[0]["statements"][0];
            let wrong = endorse.as_str().unwrap().replace(
                "aaaaaaaaned4fkpkisbwjlr56u7cj63lf3wffbilvqknstgtvzub7vhqkggq",
                "aaaaaaaa7vuqj2cfvqq2cyuvmb6lamnrhncrflh7kksa2lfikwmdcnoxmqia",
            );
            *endorse = Value::String(wrong);
        },
        args: &[],
        expected: &["OCI005", "OCI008", "OCI009"],
        exit: 1,
    },
    // The vendor's user can sign in to the console.
    Scenario {
        name: "console-user",
        change: |t| t["users"][1]["capabilities"]["canUseConsolePassword"] = Value::Bool(true),
        args: &[],
        expected: &["LIVE001", "OCI008"],
        exit: 1,
    },
    // Two keys, one of them seven months old; alice in the vendor group; the vendor user in
    // Administrators. The vendor's user is named, so alice is told apart.
    Scenario {
        name: "keys-and-members",
        change: |t| {
            let old = api_key(
                VENDOR_USER,
                "0a:1b:2c:3d:4e:5f:60:71:82:93:a4:b5:c6:d7:e8:f9",
                "2025-11-01T10:00:00.000Z",
                "-",
            );
            t["apiKeys"][VENDOR_USER].as_array_mut().unwrap().push(old);
            t["memberships"].as_array_mut().unwrap().push(membership(ALICE, VENDOR_GROUP));
            t["memberships"].as_array_mut().unwrap().push(membership(VENDOR_USER, ADMINS));
        },
        args: &["--user", VENDOR_USER],
        expected: &["LIVE002", "LIVE003", "LIVE004", "LIVE005", "OCI008"],
        exit: 1,
    },
    // The same tenancy without --user: every member is audited as the vendor's, and the group
    // having two members is the finding.
    Scenario {
        name: "members-without-user",
        change: |t| t["memberships"].as_array_mut().unwrap().push(membership(ALICE, VENDOR_GROUP)),
        args: &[],
        expected: &["LIVE001", "LIVE004", "LIVE005", "OCI008"],
        exit: 1,
    },
    // The cross-tenancy policy attached to a child compartment instead of the root.
    Scenario {
        name: "cross-tenancy-in-child",
        change: |t| policies(t)[0]["compartmentId"] = Value::String(FINANCE.into()),
        args: &[],
        expected: &["LIVE006", "LIVE007", "OCI008"],
        exit: 1,
    },
    // The onboarding policies were never applied (or the audit names the wrong group): nothing to
    // judge, which is a finding rather than a silent pass.
    Scenario {
        name: "no-grants",
        change: |t| policies(t).retain(|p| !p["name"].as_str().unwrap().starts_with("digiusher-")),
        args: &[],
        expected: &["LIVE009"],
        exit: 1,
    },
    // Against the reviewed files: a statement added live, a policy deleted live.
    Scenario {
        name: "drift",
        change: |t| {
            remove_policy(t, "digiusher-metrics-access");
            let discovery = policies(t).iter_mut().find(|p| p["name"] == "digiusher-resource-discovery").unwrap();
            discovery["statements"]
                .as_array_mut()
                .unwrap()
                .push(json!("Allow group digiusher-finops-group to read secret-bundles in tenancy"));
        },
        args: &["--expect", "fixtures/oci-audit/expect"],
        expected: &["LIVE008", "LIVE008", "OCI008", "OCI008"],
        exit: 1,
    },
];

#[test]
fn audit_scenarios() {
    run_scenarios(SCENARIOS, digiusher_tenancy);
}

/// Audits each scenario's change of the `base` tenancy and compares the findings.
fn run_scenarios(scenarios: &[Scenario], base: fn(&Credentials) -> Value) {
    let creds = credentials("pkcs8.pem", "");
    for scenario in scenarios {
        let mut tenancy = base(&creds);
        (scenario.change)(&mut tenancy);
        let server = start_server(&tenancy);
        let mut args = vec!["--profile", "digiusher", "--format", "concise"];
        args.extend(scenario.args);
        let run = audit(&server, &creds, &args, &[]);
        assert_eq!(run.code, scenario.exit, "{}:\n{run}", scenario.name);
        assert_eq!(codes(&run), scenario.expected, "{}:\n{run}", scenario.name);
        server.assert_signed_gets();
        assert_run_snapshot(&format!("audit-oci-{}", scenario.name), &run, &creds, &server);
    }
}

/// The requests' paths, without their queries, are exactly `expected`.
fn assert_operations<const N: usize>(paths: &[&str], expected: [String; N]) {
    let operations: BTreeSet<&str> = paths.iter().map(|p| p.split('?').next().unwrap()).collect();
    assert_eq!(operations, expected.iter().map(String::as_str).collect());
}

/// One audit reads the tenancy with exactly these operations, every one a signed GET, the
/// list calls page by page.
#[test]
fn every_request_is_a_signed_get() {
    let creds = credentials("pkcs8.pem", "");
    let server = start_server(&digiusher_tenancy(&creds));
    let run = audit(&server, &creds, &["--profile", "digiusher", "--format", "json"], &[]);
    assert_eq!(run.code, 0, "{run}");
    let requests = server.assert_signed_gets();
    let paths: Vec<&str> = requests.iter().map(|r| r["path"].as_str().unwrap()).collect();
    assert_operations(
        &paths,
        [
            format!("/20160918/tenancies/{TENANCY}"),
            format!("/20160918/tenancies/{TENANCY}/regionSubscriptions"),
            "/20160918/groups".into(),
            "/20160918/compartments".into(),
            "/20160918/policies".into(),
            "/20160918/userGroupMemberships".into(),
            format!("/20160918/users/{VENDOR_USER}"),
            format!("/20160918/users/{VENDOR_USER}/apiKeys"),
        ],
    );
    // The root and both active compartments, the root's six policies on three pages.
    let policy_pages: Vec<&&str> = paths.iter().filter(|p| p.starts_with("/20160918/policies?")).collect();
    assert_eq!(policy_pages.len(), 3 + 1 + 1, "{policy_pages:#?}");
    assert!(
        paths.contains(
            &format!(
                "/20160918/policies?compartmentId={TENANCY}&lifecycleState=ACTIVE&limit=1000&page=Pg%2B2%2Fx%3D%3D"
            )
            .as_str()
        )
    );
    assert_eq!(paths.iter().filter(|p| p.starts_with("/20160918/groups?")).count(), 3);
}

/// A saved snapshot, checked offline, gives the very output the audit gave.
#[test]
fn saved_snapshot_checks_the_same() {
    let creds = credentials("pkcs8.pem", "");
    let mut tenancy = digiusher_tenancy(&creds);
    for scenario in SCENARIOS.iter().filter(|s| ["manage-grant", "keys-and-members", "drift"].contains(&s.name)) {
        (scenario.change)(&mut tenancy);
    }
    let server = start_server(&tenancy);
    let args = ["--profile", "digiusher", "--user", VENDOR_USER, "--expect", "fixtures/oci-audit/expect"];
    let codes = ["LIVE002", "LIVE003", "LIVE004", "LIVE005", "LIVE006", "LIVE008", "OCI002"];
    let snapshot = audit_and_check_saved(&server, &creds, &args, &codes).1;
    insta::assert_snapshot!("audit-oci-saved-snapshot", snapshot);
}

/// Audits with `args` in each output format, saving the snapshot, and checks that `grantlint
/// check` of the saved snapshot prints what the audit printed; every audit must exit 1 reporting
/// `codes`. Returns the human-format audit and the saved snapshot.
fn audit_and_check_saved(server: &Server, creds: &Credentials, args: &[&str], codes: &[&str]) -> (Run, String) {
    let saved = creds.dir.path().join("saved.snapshot.json");
    let saved_arg = saved.to_string_lossy().into_owned();
    let mut last = None;
    for format in ["json", "concise", "human"] {
        let live = audit(server, creds, &[args, &["--format", format, "--save", &saved_arg]].concat(), &[]);
        let offline = check(&["--profile", "digiusher", "--format", format, &saved_arg]);
        assert_eq!(live.code, 1, "{live}");
        assert_eq!(live.stdout, offline.stdout, "{format}");
        assert_eq!(live.code, offline.code);
        for code in codes {
            assert!(live.stdout.contains(code), "{format}: no {code}:\n{live}");
        }
        last = Some(live);
    }
    (last.unwrap(), std::fs::read_to_string(&saved).unwrap())
}

/// A 429 and a 500 are retried with backoff; the audit's verdict is the clean one.
#[test]
fn retries_throttling_and_server_errors() {
    let creds = credentials("pkcs8.pem", "");
    let mut tenancy = digiusher_tenancy(&creds);
    tenancy["faults"] = json!([
        {"path": "/20160918/policies", "status": 429, "count": 1},
        {"path": "/20160918/groups", "status": 500, "count": 1}
    ]);
    let server = start_server(&tenancy);
    let run = audit(&server, &creds, &["--profile", "digiusher", "--format", "concise", "--verbose"], &[]);
    assert_eq!(run.code, 0, "{run}");
    assert_eq!(codes(&run), ["OCI008"]);
    let requests = server.assert_signed_gets();
    let faulted: Vec<&Value> = requests.iter().filter(|r| r["status"] != 200).collect();
    assert_eq!(faulted.len(), 2, "{faulted:#?}");
    assert_eq!(requests.iter().filter(|r| r["retry"] == true).count(), 2, "retries carry opc-client-retries");
    assert!(run.stderr.contains("429 TooManyRequests") && run.stderr.contains("; retry 1 in"), "{}", run.stderr);
    assert!(run.stderr.contains("500 InternalServerError"), "{}", run.stderr);
}

/// A request OCI rejects ends the audit with exit 2 and OCI's code, message and request id.
#[test]
fn rejected_credentials_show_oci_error() {
    let creds = credentials("pkcs8.pem", "");
    let other = credentials("pkcs1.pem", "");
    // The server knows the auditor by `other`'s key; the config signs with its own.
    let server = start_server(&digiusher_tenancy(&other));
    let run = audit(&server, &creds, &["--profile", "digiusher"], &[]);
    assert_eq!(run.code, 2, "{run}");
    assert_eq!(server.requests().len(), 1, "a 401 is not retried");
    assert_eq!(server.requests()[0]["signature"], "rejected");
    assert_run_snapshot("audit-oci-rejected", &run, &creds, &server);
}

#[test]
fn local_key_problems_are_warned() {
    let creds = credentials("pkcs8.pem", "");
    let server = start_server(&digiusher_tenancy(&creds));
    set_mode(&creds.key_file, 0o644);
    let run = audit(&server, &creds, &["--profile", "digiusher", "--format", "concise"], &[]);
    assert_eq!(run.code, 0, "{run}");
    if cfg!(unix) {
        assert!(run.stderr.contains("is accessible to other users (mode 644); run `chmod 600"), "{}", run.stderr);
    }
    set_mode(&creds.key_file, 0o600);
    let other = credentials("pkcs1.pem", "");
    let run =
        audit(&server, &creds, &["--profile", "digiusher"], &[("OCI_CLI_FINGERPRINT", other.fingerprint.as_str())]);
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.stderr.contains(&format!(
            "the configured fingerprint {} is not the key's ({})",
            other.fingerprint, creds.fingerprint
        )),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("401 NotAuthenticated"), "{}", run.stderr);
}

#[test]
fn encrypted_keys_need_their_passphrase() {
    let creds = credentials("pkcs8-aes128.pem", "");
    let server = start_server(&digiusher_tenancy(&creds));
    let run = audit(&server, &creds, &["--profile", "digiusher"], &[]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("the key is encrypted and no passphrase was given"), "{}", run.stderr);
    assert!(server.requests().is_empty(), "nothing is sent without a key");
    let run = audit(&server, &creds, &["--profile", "digiusher"], &[("OCI_CLI_PASSPHRASE", "not it")]);
    assert!(run.stderr.contains("the passphrase does not decrypt the key"), "{}", run.stderr);
    let run = audit(
        &server,
        &creds,
        &["--profile", "digiusher", "--format", "concise"],
        &[("OCI_CLI_PASSPHRASE", PASSPHRASE)],
    );
    assert_eq!((run.code, codes(&run)), (0, vec!["OCI008".to_string()]), "{run}");
    server.assert_signed_gets();
}

/// Neither the passphrase nor any of the key's material appears in anything a verbose audit
/// prints or saves.
#[test]
fn verbose_audit_reveals_no_secret() {
    let creds = credentials("pkcs8-aes256.pem", &format!("pass_phrase={PASSPHRASE}\n"));
    let server = start_server(&digiusher_tenancy(&creds));
    let saved = creds.dir.path().join("saved.json");
    let mut outputs = String::new();
    for format in ["human", "json", "concise"] {
        let args = ["--profile", "digiusher", "--verbose", "--format", format, "--save", saved.to_str().unwrap()];
        let run = audit(&server, &creds, &args, &[("OCI_CLI_PASSPHRASE", PASSPHRASE)]);
        assert_eq!(run.code, 0, "{run}");
        assert!(run.stderr.contains("GET "), "verbose logs requests:\n{}", run.stderr);
        outputs.push_str(&run.stdout);
        outputs.push_str(&run.stderr);
        outputs.push_str(&std::fs::read_to_string(&saved).unwrap());
    }
    let encrypted = std::fs::read_to_string(&creds.key_file).unwrap();
    let private = keys::parse(&encrypted, Some(&Secret::new(PASSPHRASE.into()))).unwrap();
    let decrypted = rsa::pkcs8::EncodePrivateKey::to_pkcs8_pem(&private, LineEnding::LF).unwrap();
    assert!(!outputs.contains(PASSPHRASE), "the passphrase leaked");
    assert!(!outputs.contains("PRIVATE KEY"));
    for line in encrypted.lines().chain(decrypted.lines()).filter(|l| !l.starts_with("-----")) {
        assert!(!outputs.contains(line), "key material leaked: {line}");
    }
}

/// The client's retry budget: a persistent 500 is retried `max_attempts` times, and once the
/// audit-wide budget is spent nothing is retried any more.
#[test]
fn retries_are_bounded() {
    let creds = credentials("pkcs8.pem", "");
    let mut tenancy = digiusher_tenancy(&creds);
    tenancy["faults"] = json!([{"path": format!("/20160918/tenancies/{TENANCY}"), "status": 500, "count": 100}]);
    let server = start_server(&tenancy);
    let key = keys::parse(&std::fs::read_to_string(&creds.key_file).unwrap(), None).unwrap();
    let signer = Signer::new(TENANCY, AUDITOR, &creds.fingerprint, key);
    let policy = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(5),
        max_total_retries: 3,
        ..RetryPolicy::default()
    };
    let client = Client::new(&server.url, signer, policy, false).unwrap();
    let first = client.get_tenancy(TENANCY).unwrap_err().to_string();
    assert!(
        first.starts_with("GetTenancy failed: OCI answered 500 InternalServerError: Internal error. [opc-request-id: "),
        "{first}"
    );
    assert!(first.ends_with("(gave up after 3 attempts)"), "{first}");
    let second = client.get_tenancy(TENANCY).unwrap_err().to_string();
    assert!(second.ends_with("(gave up after 2 attempts)"), "one retry was left: {second}");
    let third = client.get_tenancy(TENANCY).unwrap_err().to_string();
    assert!(!third.contains("gave up"), "the budget is spent: {third}");
    assert_eq!(server.assert_signed_gets().len(), 3 + 2 + 1);
    // Unreachable endpoints are network errors, retried within the same budget.
    let key = keys::parse(&std::fs::read_to_string(&creds.key_file).unwrap(), None).unwrap();
    let signer = Signer::new(TENANCY, AUDITOR, &creds.fingerprint, key);
    let quick = RetryPolicy { max_attempts: 2, base_delay: Duration::from_millis(5), ..RetryPolicy::default() };
    let closed = Client::new("http://127.0.0.1:9", signer, quick, false).unwrap();
    let error = closed.get_tenancy(TENANCY).unwrap_err().to_string();
    assert!(
        error.starts_with("GetTenancy failed: no answer from OCI: ") && error.ends_with("(gave up after 2 attempts)"),
        "{error}"
    );
}

/// The committed signing vectors are what the Python SDK installed for the tests signs today
/// (`scripts/oci_signing_vectors.py --check`); the signer's unit test compares against them.
#[test]
fn signing_vectors_match_the_python_sdk() {
    let output = Command::new(python())
        .arg(repo_root().join("scripts/oci_signing_vectors.py"))
        .arg("--check")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python()));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "needs the `oci` package (scripts/requirements-test.txt):\n{stderr}");
    assert!(stderr.contains("vectors match oci"), "{stderr}");
}

#[test]
fn a_missing_vendor_group_is_an_error() {
    let creds = credentials("console.pem", "");
    let server = start_server(&digiusher_tenancy(&creds));
    let run = audit(&server, &creds, &["--group", "vendor-that-never-was"], &[]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("has no group named `vendor-that-never-was`"), "{}", run.stderr);
    server.assert_signed_gets();
    let run = audit(&server, &creds, &[], &[]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("name the vendor's group with --group"), "{}", run.stderr);
}

/// Every list call follows `opc-next-page` to the last page: with one item a page, the audit
/// prints what it prints with every item on one page, and asks for each item's page.
#[test]
fn paging_follows_every_token() {
    let creds = credentials("pkcs8.pem", "");
    let mut tenancy = digiusher_tenancy(&creds);
    let args = ["--profile", "digiusher", "--format", "json"];
    tenancy["pageSize"] = json!(1000);
    let whole = audit(&start_server(&tenancy), &creds, &args, &[]);
    tenancy["pageSize"] = json!(1);
    let server = start_server(&tenancy);
    let paged = audit(&server, &creds, &args, &[]);
    assert_eq!((paged.code, &paged.stdout), (whole.code, &whole.stdout));
    let requests = server.assert_signed_gets();
    let pages = |prefix: &str| requests.iter().filter(|r| r["path"].as_str().unwrap().starts_with(prefix)).count();
    let count = |key: &str, filter: &dyn Fn(&Value) -> bool| {
        tenancy[key].as_array().unwrap().iter().filter(|item| filter(item)).count()
    };
    let root_policies = count("policies", &|p| p["compartmentId"] == TENANCY);
    assert!(root_policies > 1 && count("groups", &|_| true) > 1);
    assert_eq!(pages(&format!("/20160918/policies?compartmentId={TENANCY}&")), root_policies);
    assert_eq!(pages("/20160918/groups?"), count("groups", &|_| true));
    let active = count("compartments", &|c| c["lifecycleState"] == "ACTIVE");
    assert_eq!(pages("/20160918/compartments?"), active.max(1));
}

// Identity domains: DigiUsher's group in the Finance domain, read through its SCIM API.

/// The vendor's user in the Finance identity domain.
const FINANCE_VENDOR: &str = "ocid1.user.oc1..aaaaaaaafinancedigiusher";
const FINANCE_VENDOR_SCIM_ID: &str = "8f3c1a2b4d5e4f60a1b2c3d4e5f60718";
const CAPABILITIES: &str = "urn:ietf:params:scim:schemas:oracle:idcs:extension:capabilities:User";

/// DigiUsher's onboarding with the vendor's group in the Finance identity domain
/// (`fixtures/oci-audit/identity-domains.json`): the policies name `'Finance'/'digiusher-finops-group'`,
/// while the Default domain has a group of the same name — the customer's own FinOps team, alice
/// its member — with a grant of its own that is no business of the vendor's.
fn domain_tenancy(auditor: &Credentials) -> Value {
    let mut tenancy = digiusher_tenancy(auditor);
    for policy in policies(&mut tenancy) {
        for statement in policy["statements"].as_array_mut().unwrap() {
            let text = statement.as_str().unwrap();
            *statement =
                json!(text.replace("group digiusher-finops-group", "group 'Finance'/'digiusher-finops-group'"));
        }
    }
    let team = "Allow group digiusher-finops-group to manage all-resources in compartment finance".to_string();
    policies(&mut tenancy).push(policy("finops-team", TENANCY, &[team]));
    let memberships = tenancy["memberships"].as_array_mut().unwrap();
    memberships.retain(|m| m["userId"] != VENDOR_USER);
    memberships.push(membership(ALICE, VENDOR_GROUP));
    let path = repo_root().join("fixtures/oci-audit/identity-domains.json");
    let domains: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    tenancy["domains"] = domains["domains"].clone();
    tenancy["scim"] = domains["scim"].clone();
    tenancy
}

/// The Finance domain's SCIM resources of one kind (`Users`, `Groups`, `ApiKeys`).
fn finance<'t>(tenancy: &'t mut Value, kind: &str) -> &'t mut Vec<Value> {
    tenancy["scim"]["idcs-finance"][kind].as_array_mut().unwrap()
}

/// The vendor's Finance user as its administrators may leave it: able to sign in to the
/// console, holding a second, older API key, and added to the domain's Finance-Admins group.
fn widen_finance_vendor(t: &mut Value) {
    finance(t, "Users")[0][CAPABILITIES]["canUseConsolePassword"] = json!(true);
    finance(t, "ApiKeys").push(json!({
        "schemas": ["urn:ietf:params:scim:schemas:oracle:idcs:apikey"],
        "id": "4d5e6f708192431a9a0b1c2d3e4f5a6d",
        "fingerprint": "7a:1b:2c:3d:4e:5f:60:71:82:93:a4:b5:c6:d7:e8:03",
        "user": {"value": FINANCE_VENDOR_SCIM_ID, "ocid": FINANCE_VENDOR, "name": "digiusher-api"},
        "meta": {"resourceType": "ApiKey", "created": "2025-10-01T10:00:00.000Z"}
    }));
    let admins = finance(t, "Groups").iter_mut().find(|g| g["displayName"] == "Finance-Admins").unwrap();
    admins["members"].as_array_mut().unwrap().push(json!({
        "value": FINANCE_VENDOR_SCIM_ID, "ocid": FINANCE_VENDOR, "type": "User", "name": "digiusher-api"
    }));
}

const DOMAIN_SCENARIOS: &[Scenario] = &[
    // The onboarding as published, in the Finance domain, named with --domain and the profile's
    // group: nothing of the Default domain's same-named group or its `manage` grant is reported.
    Scenario { name: "domain-clean", change: |_| {}, args: &["--domain", "Finance"], expected: &["OCI008"], exit: 0 },
    // Console password, an extra (and stale) API key and another group, all read through SCIM.
    Scenario {
        name: "domain-vendor-user-widened",
        change: widen_finance_vendor,
        args: &["--group", "'Finance'/'digiusher-finops-group'"],
        expected: &["LIVE001", "LIVE002", "LIVE003", "LIVE005", "OCI008"],
        exit: 1,
    },
    // The vendor's group created in Finance, its policies written as DigiUsher publishes them,
    // unqualified: they grant to the Default domain's group of that name, nothing to the vendor.
    Scenario {
        name: "domain-unqualified-statements",
        change: |t| {
            for policy in policies(t) {
                for statement in policy["statements"].as_array_mut().unwrap() {
                    *statement = json!(
                        statement
                            .as_str()
                            .unwrap()
                            .replace("'Finance'/'digiusher-finops-group'", "digiusher-finops-group")
                    );
                }
            }
        },
        args: &["--domain", "Finance"],
        expected: &["LIVE009"],
        exit: 1,
    },
    // The same tenancy audited for the Default domain's group (unqualified, as policies mean it):
    // the customer's team (alice, also an administrator) and its `manage` grant; none of the
    // Finance domain's users or policies, so every onboarding grant is missing for this group.
    Scenario {
        name: "domain-default-group",
        change: widen_finance_vendor,
        args: &["--group", "digiusher-finops-group"],
        expected: &[
            "LIVE001", "LIVE005", "LIVE006", "OCI002", "OCI009", "OCI009", "OCI009", "OCI009", "OCI009", "OCI009",
        ],
        exit: 1,
    },
];

#[test]
fn audit_domain_scenarios() {
    run_scenarios(DOMAIN_SCENARIOS, domain_tenancy);
}

/// A domain audit finds the domain with ListDomains and reads the group, its members, the
/// vendor's user and its keys through the domain's SCIM API, never the Identity API's users and
/// groups: every request a signed GET, and the SCIM ones asking for the attributes the API
/// returns only on request.
#[test]
fn domain_requests_are_signed_gets() {
    let creds = credentials("pkcs8.pem", "");
    let server = start_server(&domain_tenancy(&creds));
    let args = ["--profile", "digiusher", "--group", "Finance/digiusher-finops-group", "--format", "json"];
    let run = audit(&server, &creds, &args, &[]);
    assert_eq!(run.code, 0, "{run}");
    let requests = server.assert_signed_gets();
    let paths: Vec<&str> = requests.iter().map(|r| r["path"].as_str().unwrap()).collect();
    assert_operations(
        &paths,
        [
            format!("/20160918/tenancies/{TENANCY}"),
            format!("/20160918/tenancies/{TENANCY}/regionSubscriptions"),
            "/20160918/compartments".into(),
            "/20160918/domains".into(),
            "/20160918/policies".into(),
            "/idcs-finance/admin/v1/Groups".into(),
            "/idcs-finance/admin/v1/Users".into(),
            "/idcs-finance/admin/v1/ApiKeys".into(),
        ],
    );
    assert!(
        paths.contains(&format!("/20160918/domains?compartmentId={TENANCY}&lifecycleState=ACTIVE&limit=1000").as_str())
    );
    let group_search = "/idcs-finance/admin/v1/Groups?filter=displayName%20eq%20%22digiusher-finops-group%22\
                        &attributes=displayName%2Cocid%2Cmembers&startIndex=1&count=1000";
    assert!(paths.contains(&group_search), "{paths:#?}");
    let search = |resource: &str| paths.iter().find(|p| p.starts_with(resource)).unwrap().to_string();
    let users = search("/idcs-finance/admin/v1/Users?");
    assert!(users.contains(&format!("filter=ocid%20eq%20%22{FINANCE_VENDOR}%22")), "{users}");
    assert!(users.contains("attributes=userName%2Cocid%2Cactive%2Cgroups%2C"), "{users}");
    let keys = search("/idcs-finance/admin/v1/ApiKeys?");
    assert!(keys.contains(&format!("filter=user.ocid%20eq%20%22{FINANCE_VENDOR}%22")), "{keys}");
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["summary"]["errors"], 0, "{report:#}");
}

/// SCIM searches follow `startIndex` to `totalResults`, and ListDomains its page tokens: with one
/// item a page the audit prints what it prints with every item on one page.
#[test]
fn domain_paging_follows_every_page() {
    let creds = credentials("pkcs8.pem", "");
    let mut tenancy = domain_tenancy(&creds);
    widen_finance_vendor(&mut tenancy);
    let args = ["--profile", "digiusher", "--domain", "Finance", "--format", "json"];
    tenancy["pageSize"] = json!(1000);
    let whole = audit(&start_server(&tenancy), &creds, &args, &[]);
    tenancy["pageSize"] = json!(1);
    let server = start_server(&tenancy);
    let paged = audit(&server, &creds, &args, &[]);
    assert_eq!((paged.code, &paged.stdout), (whole.code, &whole.stdout));
    assert!(paged.stdout.contains("7a:1b:2c:3d:4e:5f:60:71:82:93:a4:b5:c6:d7:e8:03"), "both keys read");
    let requests = server.assert_signed_gets();
    let pages = |prefix: &str| requests.iter().filter(|r| r["path"].as_str().unwrap().starts_with(prefix)).count();
    // The vendor's two keys on two pages, the second asked for from item 2.
    assert_eq!(pages("/idcs-finance/admin/v1/ApiKeys?"), 2);
    assert!(
        requests.iter().any(|r| r["path"].as_str().unwrap().contains("/ApiKeys?")
            && r["path"].as_str().unwrap().contains("startIndex=2&"))
    );
    // The root's two active domains (Finance is the second) on two pages.
    assert_eq!(pages(&format!("/20160918/domains?compartmentId={TENANCY}&")), 2);
}

/// A domain the tenancy does not have, a group the domain does not have, and a tenancy without
/// identity domains (ListDomains answers 404) end the audit with exit 2 and say why.
#[test]
fn unknown_domains_and_groups_are_errors() {
    let creds = credentials("pkcs8.pem", "");
    let server = start_server(&domain_tenancy(&creds));
    let run = audit(&server, &creds, &["--group", "Payroll/digiusher-finops-group"], &[]);
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.stderr.contains("has no active identity domain named `Payroll`; its domains: Default, Finance, Marketing"),
        "{}",
        run.stderr
    );
    let run = audit(&server, &creds, &["--group", "Finance/vendor-that-never-was"], &[]);
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.stderr.contains("identity domain `Finance` has no group named `vendor-that-never-was`"),
        "{}",
        run.stderr
    );
    let run = audit(&server, &creds, &["--group", "Finance/digiusher-finops-group", "--domain", "Marketing"], &[]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("--group names identity domain `Finance`, --domain `Marketing`"), "{}", run.stderr);
    let run = audit(&server, &creds, &["--group", "'Finance/digiusher-finops-group"], &[]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("a quote is not closed"), "{}", run.stderr);
    server.assert_signed_gets();

    let classic = start_server(&digiusher_tenancy(&creds));
    let run = audit(&classic, &creds, &["--group", "Finance/digiusher-finops-group"], &[]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("has no identity domains (ListDomains answered 404)"), "{}", run.stderr);
    classic.assert_signed_gets();
}

/// In a tenancy without identity domains, `Default/GROUP` is the group an unqualified name is:
/// the audit reads it through the Identity API, without asking for domains.
#[test]
fn the_default_domain_needs_no_domains() {
    let creds = credentials("pkcs8.pem", "");
    let args = ["--profile", "digiusher", "--format", "concise"];
    let plain = audit(&start_server(&digiusher_tenancy(&creds)), &creds, &args, &[]);
    let server = start_server(&digiusher_tenancy(&creds));
    let qualified =
        audit(&server, &creds, &[&args[..], &["--group", "'Default'/'digiusher-finops-group'"]].concat(), &[]);
    assert_eq!((qualified.code, &qualified.stdout), (plain.code, &plain.stdout));
    assert_eq!(codes(&qualified), ["OCI008"]);
    let requests = server.assert_signed_gets();
    assert!(requests.iter().all(|r| !r["path"].as_str().unwrap().starts_with("/20160918/domains")), "{requests:#?}");
}

/// A domain audit's saved snapshot records the domain, and checked offline gives the very output
/// the audit gave.
#[test]
fn saved_domain_snapshot_checks_the_same() {
    let creds = credentials("pkcs8.pem", "");
    let mut tenancy = domain_tenancy(&creds);
    widen_finance_vendor(&mut tenancy);
    let server = start_server(&tenancy);
    // Domain names compare without regard to case; the snapshot records the tenancy's spelling.
    let args = ["--profile", "digiusher", "--domain", "finance"];
    let (human, snapshot) =
        audit_and_check_saved(&server, &creds, &args, &["LIVE001", "LIVE002", "LIVE003", "LIVE005"]);
    // The Identity API's CLI commands reach the Default domain only: the fix names the domain.
    assert!(human.stdout.contains("capability in identity domain `Finance`"), "{human}");
    insta::assert_snapshot!("audit-oci-saved-domain-snapshot", snapshot);
}

/// The domain's SCIM API is retried like the Identity API (a 500 once), and a refusal ends the
/// audit with exit 2 and the SCIM error's `detail`.
#[test]
fn domain_errors_are_retried_or_reported() {
    let creds = credentials("pkcs8.pem", "");
    let mut tenancy = domain_tenancy(&creds);
    tenancy["faults"] = json!([{"path": "/idcs-finance/admin/v1/Users", "status": 500, "count": 1}]);
    let server = start_server(&tenancy);
    let args = ["--profile", "digiusher", "--domain", "Finance", "--format", "concise"];
    let run = audit(&server, &creds, &args, &[]);
    assert_eq!((run.code, codes(&run)), (0, vec!["OCI008".to_string()]), "{run}");
    let requests = server.assert_signed_gets();
    assert_eq!(requests.iter().filter(|r| r["retry"] == true).count(), 1, "{requests:#?}");

    tenancy["faults"] = json!([{"path": "/idcs-finance/admin/v1/ApiKeys", "status": 403, "count": 1}]);
    let server = start_server(&tenancy);
    let run = audit(&server, &creds, &args, &[]);
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.stderr.contains("ListApiKeys (identity domain) failed: OCI answered 403 Forbidden: injected fault"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("help: the identity domain refused the auditing user"), "{}", run.stderr);
}

/// The Finance domain's users, groups and keys as Oracle's Python SDK models write them
/// (`tests/oci_server/sdk_scim.py`): the audit reads the SDK's attribute names — capabilities,
/// MFA status, last login, members, key fingerprints and creation times.
#[test]
fn domain_resources_in_the_python_sdk_s_shape() {
    let output = Command::new(python())
        .arg(repo_root().join("tests/oci_server/sdk_scim.py"))
        .args([FINANCE_VENDOR, "digiusher-finops-group"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python()));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "needs the `oci` package (scripts/requirements-test.txt):\n{stderr}");
    let creds = credentials("pkcs8.pem", "");
    let mut tenancy = domain_tenancy(&creds);
    tenancy["scim"]["idcs-finance"] = serde_json::from_slice(&output.stdout).unwrap();
    let server = start_server(&tenancy);
    let saved = creds.dir.path().join("sdk.snapshot.json");
    let args =
        ["--profile", "digiusher", "--domain", "Finance", "--format", "concise", "--save", saved.to_str().unwrap()];
    let run = audit(&server, &creds, &args, &[]);
    assert_eq!(codes(&run), ["LIVE001", "LIVE002", "LIVE005", "OCI008"], "{run}");
    server.assert_signed_gets();
    let snapshot: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    let user = &snapshot["users"][0];
    assert_eq!(user["id"], FINANCE_VENDOR);
    assert_eq!(user["mfa_activated"], true);
    assert_eq!(user["last_successful_login"], "2026-05-20T07:00:00.000Z");
    assert_eq!(user["capabilities"]["can_use_console_password"], true);
    assert_eq!(user["api_keys"][1]["created"], "2026-05-11T09:00:00.000Z");
    assert_eq!(snapshot["groups"][0]["id"], "ocid1.group.oc1..aaaaaaaasdkvendor");
    assert_eq!(snapshot["groups"][0]["members"][0]["user_name"], "digiusher-api");
}
