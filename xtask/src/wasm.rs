//! The browser app's wasm, into `dist/`: cargo builds it, `wasm-split` cuts out the parts not
//! every visit needs (`frontend/src/parts.rs`), wasm-bindgen writes the JavaScript that loads it,
//! wasm-opt makes each wasm small and esbuild each script, and every file is named with the
//! build's content hash. Trunk builds the rest of `dist/` (the page, the style sheet, the icons):
//! it cannot split a wasm. esbuild minifies Trunk's style sheet too.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{app_target_dir, cargo, tools};

/// The loader `wasm-split` writes, which fetches a part and its shared code when it is first
/// needed.
const LOADER: &str = "__wasm_split.js";

/// The compiler's settings for the app's wasm, with the standard library built again to match:
/// a panic stops the app where it happens instead of formatting a message no visitor reads, and
/// no source locations or `Debug` text are kept. The app's first wasm is 19 KB (brotli) smaller.
/// They are unstable settings of the pinned stable compiler, hence `RUSTC_BOOTSTRAP` for this
/// one build; the workspace's own settings (`.cargo/config.toml`) come with them.
const SMALL_WASM_FLAGS: &str = "target.wasm32-unknown-unknown.rustflags = \
    [\"-Zunstable-options\", \"-Cpanic=immediate-abort\", \"-Zlocation-detail=none\", \"-Zfmt-debug=none\"]";

/// Builds the app's wasm, with `prepare` applied to the cargo command (to lint while building),
/// and `run` to every command; writes its files and start-up script into `dist` and names them
/// in `dist/index.html`.
pub fn build(
    root: &Path,
    prepare: impl FnOnce(&mut Command) -> &mut Command,
    mut run: impl FnMut(&mut Command) -> Result<()>,
) -> Result<()> {
    let target = app_target_dir()?;
    run(prepare(
        cargo()
            .args(["build", "--profile", "wasm-release"])
            .args(["--target", "wasm32-unknown-unknown", "-p", "frontend"])
            .args(["-Zbuild-std=std,panic_abort", "--config", SMALL_WASM_FLAGS])
            .env("RUSTC_BOOTSTRAP", "1")
            .env("CARGO_TARGET_DIR", &target),
    ))?;
    let work = target.join("dist-work");
    if work.exists() {
        std::fs::remove_dir_all(&work)?;
    }
    let (split, bound) = (work.join("split"), work.join("bound"));
    run(Command::new("wasm-split-cli")
        .args(["--out-name", "frontend"])
        .arg(target.join("wasm32-unknown-unknown/wasm-release/frontend.wasm"))
        .arg(&split))?;
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--keep-lld-exports", "--no-typescript"])
        .arg("--out-dir")
        .arg(&bound)
        .arg(split.join("frontend.wasm")))?;

    // Every wasm file, optimised, by the name the loader and the glue know it by.
    let mut files = BTreeMap::new();
    let mut wasm_files = vec![(
        bound.join("frontend_bg.wasm"),
        "frontend_bg.wasm".to_owned(),
    )];
    for entry in std::fs::read_dir(&split)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".wasm") && name != "frontend.wasm" {
            wasm_files.push((split.join(&name), name));
        }
    }
    for (path, name) in wasm_files {
        let optimised = work.join(&name);
        // Repeating the passes until the file stops shrinking takes 6 s more and 0.5 KB off.
        run(tools::with_node_tools(root, &mut Command::new("wasm-opt"))
            .args(["-Oz", "--converge"])
            .arg(&path)
            .arg("-o")
            .arg(&optimised))?;
        files.insert(name, std::fs::read(&optimised)?);
    }
    for (folder, name) in [(&bound, "frontend.js"), (&split, LOADER)] {
        files.insert(name.to_owned(), std::fs::read(folder.join(name))?);
    }
    let dist = root.join("dist");
    let mut readable = write_named(&dist, files)?;
    readable.extend(style_sheets(&dist)?);
    for file in readable {
        // wasm-bindgen and wasm-split write their JavaScript to be read, and Trunk copies the
        // style sheet as written: minified, the glue is half its size and 2 KB less brotli, the
        // style sheet 1.2 KB less.
        run(tools::with_node_tools(root, &mut Command::new("esbuild"))
            .arg(&file)
            .args(["--minify", "--allow-overwrite", "--log-level=error"])
            .arg(format!("--outfile={}", file.display())))?;
    }
    Ok(())
}

/// The style sheets Trunk wrote into `dist`. The page names them without an integrity hash, so
/// minifying them afterwards breaks no reference.
fn style_sheets(dist: &Path) -> Result<Vec<PathBuf>> {
    let mut sheets = Vec::new();
    for entry in std::fs::read_dir(dist)? {
        let path = entry?.path();
        if path.extension().is_some_and(|extension| extension == "css") {
            sheets.push(path);
        }
    }
    Ok(sheets)
}

/// Writes `files` into `dist` under names carrying one hash of them all, so a browser may keep
/// each for good, and rewrites the references between them. The glue and the loader import each
/// other, so no file's hash can include another's name; one hash for the set has no cycle.
/// Returns the scripts among them.
fn write_named(dist: &Path, mut files: BTreeMap<String, Vec<u8>>) -> Result<Vec<PathBuf>> {
    let mut hasher = DefaultHasher::new();
    files.hash(&mut hasher);
    let hash = format!("{:016x}", hasher.finish());
    let named = |name: &str| match name {
        LOADER => format!("split-{hash}.js"),
        "frontend_bg.wasm" => format!("frontend-{hash}_bg.wasm"),
        _ => {
            let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
            format!("{stem}-{hash}.{extension}")
        }
    };
    let names: Vec<String> = files.keys().cloned().collect();

    let glue = text_of(&mut files, "frontend.js")?;
    let glue = replaced(
        &glue,
        &format!("from \"./{LOADER}\""),
        &format!("from \"./{}\"", named(LOADER)),
    )?;
    files.insert("frontend.js".to_owned(), glue.into_bytes());

    let mut loader = text_of(&mut files, LOADER)?;
    for name in names.iter().filter(|name| name.ends_with(".wasm")) {
        if name != "frontend_bg.wasm" {
            loader = replaced(
                &loader,
                &format!("\"./{name}\""),
                &format!("\"./{}\"", named(name)),
            )?;
        }
    }
    let loader = replaced(
        &loader,
        "\"./frontend.js\"",
        &format!("\"./{}\"", named("frontend.js")),
    )?;
    files.insert(LOADER.to_owned(), loader.into_bytes());

    let mut scripts = Vec::new();
    for (name, content) in &files {
        let path = dist.join(named(name));
        std::fs::write(&path, content)
            .with_context(|| format!("writing {} into dist/", named(name)))?;
        if name.ends_with(".js") {
            scripts.push(path);
        }
    }
    let boot = format!(
        "import init from '/{}';\nawait init({{ module_or_path: '/{}' }});\n",
        named("frontend.js"),
        named("frontend_bg.wasm")
    );
    let boot_name = format!("boot-{hash}.js");
    std::fs::write(dist.join(&boot_name), boot)?;
    start_in_page(&dist.join("index.html"), &named("frontend.js"), &boot_name)?;
    Ok(scripts)
}

fn text_of(files: &mut BTreeMap<String, Vec<u8>>, name: &str) -> Result<String> {
    let bytes = files
        .remove(name)
        .with_context(|| format!("the build wrote no {name}"))?;
    String::from_utf8(bytes).with_context(|| format!("{name} is not UTF-8"))
}

/// `text` with every `from` replaced by `to`; a `from` that is missing means the tools changed
/// what they write, and the build stops rather than ship files that do not find each other.
fn replaced(text: &str, from: &str, to: &str) -> Result<String> {
    if !text.contains(from) {
        bail!("expected {from} in the build's JavaScript");
    }
    Ok(text.replace(from, to))
}

/// Starts the app from `index.html`: the glue fetched beside the start-up script, as a
/// `modulepreload`, and the script as a file of its own, which the Content-Security-Policy
/// allows where it forbids inline script. The wasm is not preloaded: the page's heading and lead
/// are in the document itself, and a preloaded wasm would share the connection with the style
/// sheet first paint waits for.
fn start_in_page(index: &Path, glue: &str, boot: &str) -> Result<()> {
    let html = std::fs::read_to_string(index).context("reading dist/index.html")?;
    let tags = format!(
        "<link rel=\"modulepreload\" href=\"/{glue}\" /><script type=\"module\" src=\"/{boot}\"></script></head>"
    );
    let html = replaced(&html, "</head>", &tags)?;
    std::fs::write(index, html).context("writing dist/index.html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_files_find_each_other_under_their_hashed_names() {
        let dist = std::env::temp_dir().join(format!("xtask-wasm-{}", std::process::id()));
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(dist.join("index.html"), "<head><title>Hub</title></head>").unwrap();
        let files = BTreeMap::from([
            (
                "frontend.js".to_owned(),
                b"import * as import1 from \"./__wasm_split.js\"\nconst imports = { \"./__wasm_split.js\": import1 };".to_vec(),
            ),
            ("frontend_bg.wasm".to_owned(), b"main".to_vec()),
            ("split_staff.wasm".to_owned(), b"staff".to_vec()),
            (
                LOADER.to_owned(),
                b"import { initSync } from \"./frontend.js\";\nfetch(new URL(\"./split_staff.wasm\", import.meta.url));".to_vec(),
            ),
        ]);
        let scripts = write_named(&dist, files).unwrap();

        let mut names: Vec<String> = std::fs::read_dir(&dist)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let hash = names[0]
            .strip_prefix("boot-")
            .unwrap()
            .strip_suffix(".js")
            .unwrap()
            .to_owned();
        assert_eq!(hash.len(), 16);
        assert_eq!(
            names,
            [
                format!("boot-{hash}.js"),
                format!("frontend-{hash}.js"),
                format!("frontend-{hash}_bg.wasm"),
                "index.html".to_owned(),
                format!("split-{hash}.js"),
                format!("split_staff-{hash}.wasm"),
            ]
        );
        assert_eq!(
            scripts,
            [
                dist.join(format!("split-{hash}.js")),
                dist.join(format!("frontend-{hash}.js")),
            ]
        );
        let read = |name: String| std::fs::read_to_string(dist.join(name)).unwrap();
        // The glue imports the loader by its new name; the wasm still names it as it was built.
        assert_eq!(
            read(format!("frontend-{hash}.js")),
            format!(
                "import * as import1 from \"./split-{hash}.js\"\nconst imports = {{ \"./__wasm_split.js\": import1 }};"
            )
        );
        assert_eq!(
            read(format!("split-{hash}.js")),
            format!(
                "import {{ initSync }} from \"./frontend-{hash}.js\";\nfetch(new URL(\"./split_staff-{hash}.wasm\", import.meta.url));"
            )
        );
        assert_eq!(
            read(format!("boot-{hash}.js")),
            format!(
                "import init from '/frontend-{hash}.js';\nawait init({{ module_or_path: '/frontend-{hash}_bg.wasm' }});\n"
            )
        );
        assert_eq!(
            read("index.html".to_owned()),
            format!(
                "<head><title>Hub</title><link rel=\"modulepreload\" href=\"/frontend-{hash}.js\" /><script type=\"module\" src=\"/boot-{hash}.js\"></script></head>"
            )
        );
        std::fs::remove_dir_all(dist).ok();
    }

    #[test]
    fn a_reference_the_tools_no_longer_write_stops_the_build() {
        assert!(replaced("import x from \"./other.js\"", "\"./frontend.js\"", "").is_err());
    }
}
