//! Checks of the CloudFormation template: cfn-lint for what CloudFormation would refuse, and
//! checkov for insecure settings. A checkov finding the template accepts is skipped in its
//! resource's `Metadata` with the reason; any other finding, or a skip without a reason, fails.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::{exec, step, target_dir, tools};

const TEMPLATE: &str = "deploy/community-hub.yaml";
/// Pinned: each checkov release brings new checks, which should arrive by a change here, with the
/// template's answers to them, rather than fail an unrelated change.
const CHECKOV: &str = "checkov==3.3.30";

/// Runs cfn-lint and checkov on the template, installing them on first use.
pub fn check(root: &Path) -> Result<()> {
    let template = root.join(TEMPLATE);
    let target = target_dir()?;
    let cfn_lint =
        tools::ensure_pypi_tool(&target, "cfn-lint", "cfn-lint", "the CloudFormation linter")?;
    // Its own virtualenv: checkov pins older boto3, networkx and packaging than the other Python
    // tools use, and installing it beside them would downgrade theirs.
    let checkov = tools::ensure_pypi_tool(
        &target.join("checkov"),
        CHECKOV,
        "checkov",
        "the infrastructure-as-code scanner",
    )?;

    step("Validating the CloudFormation template");
    exec(Command::new(cfn_lint).arg(&template))?;

    step("Scanning the CloudFormation template (checkov)");
    // --skip-download: no call to the vendor's platform; the checks ship with the package.
    let output = Command::new(&checkov)
        .args([
            "--framework",
            "cloudformation",
            "--skip-download",
            "--output",
            "json",
            "--file",
        ])
        .arg(&template)
        .output()
        .with_context(|| format!("starting {}", checkov.display()))?;
    let report: Value = serde_json::from_slice(&output.stdout).with_context(|| {
        format!(
            "reading checkov's report ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
    })?;
    let findings = findings(&report)?;
    if !findings.is_empty() {
        bail!(
            "checkov: {} finding(s) in {TEMPLATE}; fix each, or skip it in the resource's \
             Metadata (checkov: skip: - id, comment) saying why:\n{}",
            findings.len(),
            findings.join("\n")
        );
    }
    println!("checkov: {}", summary(&report));
    Ok(())
}

/// The failed checks, the parsing errors and the skips that give no reason, one line each.
fn findings(report: &Value) -> Result<Vec<String>> {
    let results = report
        .get("results")
        .context("checkov's report has no results (did it find the template's resources?)")?;
    let list = |key: &str| {
        results
            .get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let mut findings = Vec::new();
    for check in list("failed_checks") {
        findings.push(format!(
            "  {} {}: {}",
            check["check_id"].as_str().unwrap_or("?"),
            check["resource"].as_str().unwrap_or("?"),
            check["check_name"].as_str().unwrap_or("?"),
        ));
    }
    for error in list("parsing_errors") {
        findings.push(format!("  cannot parse {error}"));
    }
    for check in list("skipped_checks") {
        let reason = check["check_result"]["suppress_comment"]
            .as_str()
            .unwrap_or_default()
            .trim();
        if reason.is_empty() || reason == "No comment provided" {
            findings.push(format!(
                "  {} {}: skipped without a reason",
                check["check_id"].as_str().unwrap_or("?"),
                check["resource"].as_str().unwrap_or("?"),
            ));
        }
    }
    Ok(findings)
}

fn summary(report: &Value) -> String {
    let count = |key: &str| report["summary"][key].as_u64().unwrap_or_default();
    format!(
        "{} passed, {} skipped with a reason, 0 failed",
        count("passed"),
        count("skipped")
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::findings;

    #[test]
    fn a_clean_report_has_no_findings() {
        let report = json!({"results": {
            "passed_checks": [{"check_id": "CKV_AWS_1"}],
            "failed_checks": [],
            "skipped_checks": [{"check_id": "CKV_AWS_2", "resource": "AWS::S3::Bucket.B",
                "check_result": {"result": "SKIPPED", "suppress_comment": "it is the log bucket"}}],
            "parsing_errors": []}});
        assert!(findings(&report).unwrap().is_empty());
    }

    #[test]
    fn failed_checks_and_skips_without_a_reason_are_findings() {
        let report = json!({"results": {
            "failed_checks": [{"check_id": "CKV_AWS_18", "resource": "AWS::S3::Bucket.B",
                "check_name": "Ensure the S3 bucket has access logging enabled"}],
            "skipped_checks": [{"check_id": "CKV_AWS_21", "resource": "AWS::S3::Bucket.B",
                "check_result": {"result": "SKIPPED", "suppress_comment": "No comment provided"}}]}});
        let found = findings(&report).unwrap();
        assert_eq!(found.len(), 2);
        assert!(found[0].contains("CKV_AWS_18"));
        assert!(found[1].contains("skipped without a reason"));
    }

    #[test]
    fn a_report_without_results_is_an_error() {
        assert!(findings(&json!({"passed": 0})).is_err());
    }
}
