//! Checks of the CloudFormation template: cfn-lint for what CloudFormation would refuse, and
//! checkov for insecure settings. A checkov finding the template accepts is skipped in its
//! resource's `Metadata` with the reason; any other finding, or a skip without a reason, fails.
//! Last, the CDN's two functions run under Node.js on the app's pages and on other paths, and must
//! answer each as the server does.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::{exec, step, target_dir, tools};

const TEMPLATE: &str = "deploy/community-hub.yaml";
/// Pinned: each checkov release brings new checks, which should arrive by a change here, with the
/// template's answers to them, rather than fail an unrelated change.
const CHECKOV: &str = "checkov==3.3.30";

/// Installs cfn-lint and checkov (once) and returns their paths.
pub fn ensure_tools(target: &Path) -> Result<(PathBuf, PathBuf)> {
    let cfn_lint =
        tools::ensure_pypi_tool(target, "cfn-lint", "cfn-lint", "the CloudFormation linter")?;
    // Its own virtualenv: checkov pins older boto3, networkx and packaging than the other Python
    // tools use, and installing it beside them would downgrade theirs.
    let checkov = tools::ensure_pypi_tool(
        &target.join("checkov"),
        CHECKOV,
        "checkov",
        "the infrastructure-as-code scanner",
    )?;
    Ok((cfn_lint, checkov))
}

/// Runs cfn-lint and checkov on the template, installing them on first use.
pub fn check(root: &Path) -> Result<()> {
    let template = root.join(TEMPLATE);
    let (cfn_lint, checkov) = ensure_tools(&target_dir()?)?;

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
    check_cdn_paths(&std::fs::read_to_string(&template)?)
}

/// Runs the functions of the template's default behaviour on every page of the app's route table
/// (with and without a trailing `/`), on paths that are none, and on files: a page and an unknown
/// path must both be rewritten to the app, and answered 200 and 404 as the server answers them; a
/// file must pass untouched. The response function's page list must be the route table's.
fn check_cdn_paths(template: &str) -> Result<()> {
    step("Running the CDN's functions on the app's pages and on other paths (Node.js)");
    let pages: Vec<String> = app::routes::PAGES
        .iter()
        .map(|page| {
            page.path
                .split('/')
                .map(|segment| {
                    if segment.starts_with('{') {
                        "42"
                    } else {
                        segment
                    }
                })
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    let mut paths = pages.clone();
    paths.extend(
        pages
            .iter()
            .filter(|path| *path != "/")
            .map(|path| format!("{path}/")),
    );
    paths.extend(
        [
            "/nothing-here",
            "/shop/42/more",
            "/donations/import/extra",
            "/shop//",
            "/main-0123456789abcdef.css",
            "/favicon.ico",
            "/config.json",
        ]
        .map(str::to_owned),
    );
    let output = Command::new("node")
        .args(["--input-type=module", "--eval", HARNESS])
        .arg(function_code(template, "SpaRouterFunction")?)
        .arg(function_code(template, "SpaStatusFunction")?)
        .arg(serde_json::to_string(&paths)?)
        .output()
        .context("starting node (install Node.js 20 or newer)")?;
    if !output.status.success() {
        bail!(
            "the CDN's functions failed under node: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let answers: Value = serde_json::from_slice(&output.stdout).context("reading node's answer")?;
    let mut listed: Vec<&str> = answers["pages"]
        .as_array()
        .context("the status function has no PAGES list")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let mut table: Vec<&str> = app::routes::PAGES.iter().map(|page| page.path).collect();
    listed.sort_unstable();
    table.sort_unstable();
    if listed != table {
        bail!(
            "the PAGES list of SpaStatusFunction in {TEMPLATE} differs from app/src/routes.rs:\n  \
             template: {listed:?}\n  app:      {table:?}"
        );
    }
    let answered = answers["answers"].as_array().cloned().unwrap_or_default();
    if answered.len() != paths.len() {
        bail!(
            "node answered for {} of {} paths: {answers}",
            answered.len(),
            paths.len()
        );
    }
    let mut wrong = Vec::new();
    for (path, answer) in paths.iter().zip(&answered) {
        let is_file = path
            .rsplit('/')
            .next()
            .is_some_and(|name| name.contains('.'));
        let (uri, status) = match (is_file, app::routes::page(path)) {
            (true, _) => (path.as_str(), 200),
            (false, Some(_)) => ("/index.html", 200),
            (false, None) => ("/index.html", 404),
        };
        if answer["uri"] != uri || answer["status"] != status {
            wrong.push(format!(
                "  {path}: {answer}, where the server's rule gives {uri} and {status}"
            ));
        }
    }
    if !wrong.is_empty() {
        bail!(
            "the CDN's functions answer paths unlike the server:\n{}",
            wrong.join("\n")
        );
    }
    println!("{} paths answered as the server answers them", paths.len());
    Ok(())
}

/// Runs the viewer-request function (argument 1) and the viewer-response function (argument 2) on
/// each path of the JSON list in argument 3, as CloudFront would for a 200 from the bucket, and
/// prints the rewritten path and the final status of each, with the second function's PAGES.
const HARNESS: &str = r#"
const load = (code) =>
  new Function(`${code}\nreturn { handler, pages: typeof PAGES === 'undefined' ? null : PAGES };`)();
const [request, response] = process.argv.slice(1, 3).map(load);
const paths = JSON.parse(process.argv[3]);
const answers = paths.map((uri) => ({
  uri: request.handler({ request: { uri } }).uri,
  status: response.handler({ request: { uri }, response: { statusCode: 200, statusDescription: 'OK' } })
    .statusCode,
}));
console.log(JSON.stringify({ pages: response.pages, answers }));
"#;

/// The JavaScript of the `FunctionCode: |` block of the resource `name` in `template`.
fn function_code(template: &str, name: &str) -> Result<String> {
    let resource = format!("\n  {name}:\n");
    let start = template
        .find(&resource)
        .with_context(|| format!("{TEMPLATE} has no resource {name}"))?;
    let mut lines = template[start + resource.len()..]
        .lines()
        .skip_while(|line| line.trim() != "FunctionCode: |");
    let header = lines
        .next()
        .with_context(|| format!("{name} in {TEMPLATE} has no FunctionCode block"))?;
    let outer = header.len() - header.trim_start().len();
    let body: Vec<&str> = lines
        .take_while(|line| line.trim().is_empty() || line.len() - line.trim_start().len() > outer)
        .collect();
    let indent = body
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or_default();
    Ok(body
        .iter()
        .map(|line| line.get(indent..).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n"))
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

    use super::{findings, function_code};

    #[test]
    fn a_functions_code_is_its_block_unindented() {
        let template = "Resources:\n  Other:\n    Properties:\n      FunctionCode: |\n        wrong\n  \
            Wanted:\n    Properties:\n      FunctionCode: |\n        function handler(event) {\n\n          \
            return event;\n        }\n      Name: after\n";
        assert_eq!(
            function_code(template, "Wanted").unwrap(),
            "function handler(event) {\n\n  return event;\n}"
        );
        assert!(function_code(template, "Missing").is_err());
    }

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
