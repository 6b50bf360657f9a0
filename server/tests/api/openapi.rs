use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, json_of, spawn_app};

/// Operations that cannot fail, so document no error.
const INFALLIBLE: &[(&str, &str)] = &[
    ("get", "/api/health"),
    ("get", "/api/openapi.json"),
    ("get", "/api/docs"),
    ("get", "/api/docs/init.js"),
];

/// Outside the general rate limit: the probes, the greeting API and the documentation.
const UNLIMITED: &[&str] = &[
    "/api/health",
    "/api/ready",
    "/hello/{username}",
    "/api/openapi.json",
    "/api/docs",
    "/api/docs/init.js",
];

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

async fn description(app: &TestApp) -> Value {
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.headers()["content-type"], "application/json");
    json_of(response, StatusCode::OK).await
}

/// Every operation as (method, path, operation).
fn operations(description: &Value) -> Vec<(&str, &str, &Value)> {
    let paths = description["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            METHODS.into_iter().filter_map(move |method| {
                item.get(method)
                    .map(|operation| (method, path.as_str(), operation))
            })
        })
        .collect()
}

/// The response or schema a `$ref` such as `#/components/schemas/Donation` points at.
fn resolve<'a>(description: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    description.pointer(pointer)
}

fn statuses(operation: &Value) -> Vec<u16> {
    operation["responses"]
        .as_object()
        .expect("responses")
        .keys()
        .map(|status| status.parse().expect("a numeric status"))
        .collect()
}

/// The whole description, reviewed as a snapshot (`cargo insta review`): every change to an
/// operation, a schema or a bound shows in the diff of the change that made it.
#[tokio::test]
async fn the_description_matches_its_snapshot() {
    let app = spawn_app().await;
    let description = description(&app).await;
    assert!(description["openapi"].as_str().unwrap().starts_with("3."));
    insta::assert_json_snapshot!("openapi", description);
}

#[tokio::test]
async fn every_operation_has_an_id_a_tag_a_success_and_its_errors() {
    let app = spawn_app().await;
    let description = description(&app).await;
    let declared: Vec<&Value> = description["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|tag| &tag["name"])
        .collect();
    let mut operation_ids = HashSet::new();
    for (method, path, operation) in operations(&description) {
        let operation_id = operation["operationId"].as_str().expect("an operation id");
        assert!(
            operation_ids.insert(operation_id),
            "{method} {path}: {operation_id} is taken"
        );
        let tags = operation["tags"].as_array().expect("tags");
        assert!(!tags.is_empty(), "{method} {path} has no tag");
        assert!(
            tags.iter().all(|tag| declared.contains(&tag)),
            "{method} {path}: undeclared tag in {tags:?}"
        );
        let statuses = statuses(operation);
        assert!(
            statuses.iter().any(|status| (200..300).contains(status)),
            "{method} {path} has no success"
        );
        if !INFALLIBLE.contains(&(method, path)) {
            assert!(
                statuses.iter().any(|status| *status >= 400),
                "{method} {path} has no error"
            );
        }
        if path.starts_with("/api/") && !UNLIMITED.contains(&path) {
            assert!(statuses.contains(&429), "{method} {path} lacks 429");
        }
        assert!(statuses.contains(&408), "{method} {path} lacks 408");
        if !INFALLIBLE.contains(&(method, path)) {
            assert!(statuses.contains(&503), "{method} {path} lacks 503");
        }
        if matches!(method, "post" | "put" | "patch" | "delete") {
            assert!(
                statuses.contains(&403),
                "{method} {path} lacks cross-site 403"
            );
        }
    }
}

#[tokio::test]
async fn errors_answer_with_the_error_body() {
    let app = spawn_app().await;
    let description = description(&app).await;
    let error_body = &description["components"]["schemas"]["ErrorBody"];
    assert_eq!(error_body["type"], "object", "{error_body}");
    for (method, path, operation) in operations(&description) {
        for (status, response) in operation["responses"].as_object().unwrap() {
            if !status.starts_with(['4', '5']) {
                continue;
            }
            let reference = response["$ref"].as_str().unwrap_or_default();
            let response = resolve(&description, reference)
                .unwrap_or_else(|| panic!("{method} {path} {status}: {reference:?} is unknown"));
            assert_eq!(
                response["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ErrorBody",
                "{method} {path} {status}"
            );
        }
    }
}

#[tokio::test]
async fn json_bodies_reference_their_schemas_and_document_bad_bodies() {
    let app = spawn_app().await;
    let description = description(&app).await;
    let mut bodies = 0;
    for (method, path, operation) in operations(&description) {
        let Some(content) = operation["requestBody"]["content"].as_object() else {
            continue;
        };
        bodies += 1;
        for (media_type, body) in content {
            // An optional body is `oneOf` null and the schema.
            let schema = &body["schema"];
            let references: Vec<&Value> = std::iter::once(schema)
                .chain(schema["oneOf"].as_array().into_iter().flatten())
                .filter_map(|schema| schema.get("$ref"))
                .collect();
            assert!(
                references.len() == 1
                    && resolve(&description, references[0].as_str().unwrap()).is_some(),
                "{method} {path} {media_type}: {schema} names no schema"
            );
        }
        let statuses = statuses(operation);
        assert!(statuses.contains(&400), "{method} {path} lacks 400");
        // The greeting API reads its body whatever the content type, and answers 400 for all.
        if !path.starts_with("/hello/") {
            for status in [415, 422] {
                assert!(statuses.contains(&status), "{method} {path} lacks {status}");
            }
        }
    }
    assert_eq!(bodies, 16, "operations with a body");
}

#[tokio::test]
async fn every_reference_resolves() {
    let app = spawn_app().await;
    let description = description(&app).await;
    let mut stack = vec![&description];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    assert!(
                        resolve(&description, reference).is_some(),
                        "{reference} is not in the description"
                    );
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
}

#[tokio::test]
async fn guarded_operations_need_the_session_cookie() {
    let app = spawn_app().await;
    let description = description(&app).await;
    let scheme = &description["components"]["securitySchemes"]["session"];
    assert_eq!(scheme["type"], "apiKey");
    assert_eq!(scheme["in"], "cookie");
    assert_eq!(scheme["name"], "hub_session");
    for (method, path, operation) in operations(&description) {
        // An empty requirement beside the cookie's makes the cookie optional.
        let guarded = operation["security"]
            .as_array()
            .is_some_and(|requirements| {
                requirements.iter().any(|r| r.get("session").is_some())
                    && !requirements
                        .iter()
                        .any(|r| r.as_object().is_some_and(|r| r.is_empty()))
            });
        assert_eq!(
            guarded,
            statuses(operation).contains(&401) && path != "/api/auth/login",
            "{method} {path}: security and 401 disagree"
        );
    }
    let role_guarded = [
        ("get", "/api/users"),
        ("get", "/api/donations"),
        ("get", "/api/reports/inventory.csv"),
        ("post", "/api/products"),
        ("get", "/api/jobs"),
        ("post", "/api/jobs/{name}/run"),
        ("get", "/api/settings/organisation"),
        ("put", "/api/settings/organisation"),
        ("get", "/api/reports/donor-receipt"),
    ];
    for (method, path) in role_guarded {
        let operation = &description["paths"][path][method];
        assert!(statuses(operation).contains(&403), "{method} {path}");
        assert!(!operation["security"].is_null(), "{method} {path}");
    }
    let session = &description["paths"]["/api/auth/session"]["get"];
    assert_eq!(
        session["security"],
        serde_json::json!([{}, {"session": []}]),
        "the session is read when there is one"
    );
    assert!(!statuses(session).contains(&401));
    for (method, path) in [("get", "/api/products"), ("get", "/hello/{username}")] {
        assert!(
            description["paths"][path][method]["security"].is_null(),
            "{method} {path} is public"
        );
    }
}

/// Every value a request carries (parameters and the bodies' schemas, followed through `$ref`).
fn request_schemas(description: &Value) -> Vec<(String, &Value)> {
    let mut found = Vec::new();
    for (method, path, operation) in operations(description) {
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            let name = format!("{method} {path} {}", parameter["name"]);
            found.push((name, &parameter["schema"]));
        }
        let bodies = operation["requestBody"]["content"].as_object();
        for (media, content) in bodies.into_iter().flatten() {
            let mut pending = vec![(format!("{method} {path} {media}"), &content["schema"])];
            while let Some((name, schema)) = pending.pop() {
                if let Some(target) = schema["$ref"].as_str() {
                    pending.push((name, resolve(description, target).expect("resolves")));
                    continue;
                }
                for branch in ["oneOf", "anyOf", "allOf"] {
                    for item in schema[branch].as_array().into_iter().flatten() {
                        pending.push((name.clone(), item));
                    }
                }
                for (field, property) in schema["properties"].as_object().into_iter().flatten() {
                    pending.push((format!("{name} {field}"), property));
                }
                found.push((name, schema));
            }
        }
    }
    found
}

#[tokio::test]
async fn every_date_and_page_a_request_carries_has_the_servers_bounds() {
    let app = spawn_app().await;
    let description = description(&app).await;
    let mut pages = 0;
    for (name, schema) in request_schemas(&description) {
        if schema["format"] == "date" {
            assert_eq!(schema["pattern"], app::date::DATE_PATTERN, "{name}");
        }
        if name.ends_with("\"page\"") {
            pages += 1;
            assert_eq!(schema["minimum"], 1, "{name}");
            assert_eq!(schema["maximum"], app::paging::MAX_PAGE, "{name}");
        }
        if name.ends_with("\"per_page\"") {
            assert_eq!(schema["minimum"], 1, "{name}");
            assert_eq!(schema["maximum"], app::paging::MAX_PER_PAGE, "{name}");
        }
    }
    assert!(pages >= 4, "every paged list has a page parameter");
}

#[tokio::test]
async fn the_docs_page_loads_only_same_origin_scripts_and_styles() {
    let app = spawn_app().await;
    let response = app.get("/api/docs").await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let policy = headers["content-security-policy"].to_str().unwrap();
    let directive = |name: &str| {
        policy
            .split(';')
            .map(str::trim)
            .find(|directive| directive.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} in {policy}"))
            .to_owned()
    };
    assert_eq!(directive("script-src"), "script-src 'self'");
    assert!(
        directive("style-src").contains("'unsafe-inline'"),
        "{policy}"
    );
    assert!(directive("img-src").contains("data:"), "{policy}");
    let page = response.text().await.unwrap();
    let assets: Vec<&str> = ["src=\"", "href=\""]
        .iter()
        .flat_map(|attribute| page.split(attribute).skip(1))
        .map(|rest| rest.split('"').next().unwrap())
        .collect();
    assert_eq!(
        assets,
        [
            "/swagger/swagger-ui-bundle.js",
            "/api/docs/init.js",
            "/swagger/swagger-ui.css"
        ]
    );
    assert_eq!(
        page.matches("<script").count(),
        page.matches("<script src=\"/").count(),
        "an inline script: {page}"
    );
    let init = app.get("/api/docs/init.js").await;
    assert_eq!(init.status(), StatusCode::OK);
    assert!(
        init.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let script = init.text().await.unwrap();
    assert!(script.contains("url: \"/api/openapi.json\""), "{script}");
}
