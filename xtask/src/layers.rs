//! The server's layering rule as a check: no module of the `server` crate imports a module of a
//! higher layer. Every `crate::<module>` path in a `use` or in code counts; `super::` paths stay
//! inside one module and so never cross a layer.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use syn::visit::{self, Visit};

/// The server's top-level modules by layer, lowest first. A module may import its own layer and
/// the ones below, never one above: `routes -> services -> entities`, `jobs -> services`.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "foundation",
        &[
            "config",
            "database",
            "clock",
            "random",
            "entities",
            "migration",
            "storage",
            "logging",
            "error_tracking",
            "metrics",
            "lease",
            "redact",
            "html",
            "tls",
        ],
    ),
    ("services", &["services"]),
    ("jobs", &["jobs", "backup", "demo"]),
    (
        "http",
        &[
            "state",
            "csv_export",
            "error",
            "extract",
            "security",
            "openapi",
            "routes",
            "web",
        ],
    ),
    ("top", &["startup", "commands", "serve"]),
];

/// Fails, naming each file and line, when a file under `server_src` imports a higher layer.
pub fn check(server_src: &Path) -> Result<()> {
    let mut files = Vec::new();
    rust_files(server_src, &mut files)?;
    files.sort();
    let mut upward = 0;
    for file in files {
        let relative = file.strip_prefix(server_src)?;
        let Some(module) = owning_module(relative) else {
            continue;
        };
        let source = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        let imports =
            upward_imports(&module, &source).with_context(|| format!("in {}", file.display()))?;
        for import in imports {
            eprintln!(
                "{}:{}: module `{module}` (layer {}) imports `crate::{}` (layer {})",
                file.display(),
                import.line,
                layer(&module)?.1,
                import.module,
                layer(&import.module)?.1,
            );
            upward += 1;
        }
    }
    if upward > 0 {
        bail!(
            "{upward} import(s) above the importing module's layer; move the shared code down a \
             layer or the caller up (the layers are in xtask/src/layers.rs)"
        );
    }
    Ok(())
}

/// Collects every `.rs` file under `dir`.
fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            rust_files(&path, files)?;
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files.push(path);
        }
    }
    Ok(())
}

/// The top-level module a file belongs to, from its path under `server/src/`: `jobs.rs` and
/// `jobs/covid/transform.rs` both belong to `jobs`. `lib.rs` and `main.rs` wire every module
/// together, so they belong to none and are not checked.
fn owning_module(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    if matches!(first, "lib.rs" | "main.rs") {
        return None;
    }
    Some(first.strip_suffix(".rs").unwrap_or(first).to_owned())
}

/// A module's layer, as its position in [`LAYERS`] and its name.
fn layer(module: &str) -> Result<(usize, &'static str)> {
    LAYERS
        .iter()
        .enumerate()
        .find(|(_, (_, modules))| modules.contains(&module))
        .map(|(rank, (name, _))| (rank, *name))
        .with_context(|| {
            format!("module `{module}` is in no layer: add it to the table in xtask/src/layers.rs")
        })
}

/// The imports in `source`, a file of `module`, that reach a layer above the module's own.
fn upward_imports(module: &str, source: &str) -> Result<Vec<Import>> {
    let (own, _) = layer(module)?;
    let mut upward = Vec::new();
    for import in imports(source)? {
        if layer(&import.module)?.0 > own {
            upward.push(import);
        }
    }
    Ok(upward)
}

/// One `crate::<module>` path: the top-level module it names, and the line it is on.
#[derive(Debug, PartialEq, Eq)]
struct Import {
    module: String,
    line: usize,
}

/// Every `crate::<module>` path in `source`, in `use` items and in code alike.
fn imports(source: &str) -> Result<Vec<Import>> {
    let file = syn::parse_file(source)?;
    let mut finder = ImportFinder::default();
    finder.visit_file(&file);
    Ok(finder.imports)
}

#[derive(Default)]
struct ImportFinder {
    imports: Vec<Import>,
}

impl ImportFinder {
    fn found(&mut self, module: &syn::Ident) {
        self.imports.push(Import {
            module: module.to_string(),
            line: module.span().start().line,
        });
    }

    /// Walks a `use` tree whose segments so far are all `crate`'s (`after_crate`) or none at all.
    /// A group can sit at either point (`use {crate::a, std::b}`, `use crate::{a, b::c}`), so
    /// the walk carries where it is instead of relying on the visitor, which forgets the prefix.
    fn use_tree(&mut self, tree: &syn::UseTree, after_crate: bool) {
        match tree {
            syn::UseTree::Path(path) if after_crate => self.found(&path.ident),
            syn::UseTree::Path(path) if path.ident == "crate" => self.use_tree(&path.tree, true),
            syn::UseTree::Name(name) if after_crate && name.ident != "self" => {
                self.found(&name.ident);
            }
            syn::UseTree::Rename(rename) if after_crate => self.found(&rename.ident),
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    self.use_tree(tree, after_crate);
                }
            }
            _ => {}
        }
    }
}

impl<'ast> Visit<'ast> for ImportFinder {
    // Called for the root of each `use` item; `use_tree` walks the rest, so no default descent.
    fn visit_use_tree(&mut self, tree: &'ast syn::UseTree) {
        self.use_tree(tree, false);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let mut segments = path.segments.iter();
        if let (Some(first), Some(second)) = (segments.next(), segments.next())
            && first.ident == "crate"
        {
            self.found(&second.ident);
        }
        // Generic arguments hold paths of their own: `Vec<crate::entities::user::Model>`.
        visit::visit_path(self, path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modules(source: &str) -> Vec<(String, usize)> {
        imports(source)
            .unwrap()
            .into_iter()
            .map(|import| (import.module, import.line))
            .collect()
    }

    #[test]
    fn nested_use_groups_are_found() {
        let source = "use crate::{entities, services::{shop, stock::Stock}};\n\
                      use {crate::config::Config as C, std::fmt};";
        assert_eq!(
            modules(source),
            [
                ("entities".to_owned(), 1),
                ("services".to_owned(), 1),
                ("config".to_owned(), 2)
            ]
        );
    }

    #[test]
    fn paths_in_code_are_found() {
        let source = "fn f() -> Vec<crate::entities::user::Model> {\n\
                      \x20   crate::services::now();\n\
                      \x20   Vec::new()\n\
                      }";
        assert_eq!(
            modules(source),
            [("entities".to_owned(), 1), ("services".to_owned(), 2)]
        );
    }

    #[test]
    fn an_upward_import_is_reported() {
        let source = "use crate::entities::user;\n\
                      fn f() { crate::routes::router(); }";
        assert_eq!(
            upward_imports("services", source).unwrap(),
            [Import {
                module: "routes".to_owned(),
                line: 2
            }]
        );
    }

    #[test]
    fn downward_own_layer_and_super_imports_are_allowed() {
        let source = "use crate::services::shop;\n\
                      use crate::{clock, entities, jobs::covid};\n\
                      use super::fetch;\n\
                      fn f() { super::super::g(); crate::backup::run(); }";
        assert_eq!(upward_imports("jobs", source).unwrap(), []);
    }

    #[test]
    fn a_module_in_no_layer_is_an_error() {
        let error = upward_imports("gadgets", "").unwrap_err();
        assert!(error.to_string().contains("xtask/src/layers.rs"), "{error}");
        let error = upward_imports("services", "use crate::gadgets::Thing;").unwrap_err();
        assert!(error.to_string().contains("`gadgets`"), "{error}");
    }

    #[test]
    fn the_files_of_a_module_belong_to_it_and_the_crate_root_to_none() {
        assert_eq!(owning_module(Path::new("jobs.rs")).as_deref(), Some("jobs"));
        assert_eq!(
            owning_module(Path::new("jobs/covid/transform.rs")).as_deref(),
            Some("jobs")
        );
        assert_eq!(owning_module(Path::new("lib.rs")), None);
        assert_eq!(owning_module(Path::new("main.rs")), None);
    }
}
