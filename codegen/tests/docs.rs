//! The Markdown reference under `generated/docs/`:
//!
//! 1. it is what the generator produces from the spec now (stale docs fail), and the
//!    generator is deterministic;
//! 2. every relative link, and every `#anchor` in it, resolves (anchors computed the way
//!    GitHub computes them, independently of the generator);
//! 3. every operation of the spec is documented with a Rust example that calls its client
//!    method and a curl command for its method and path, and the example is a function of
//!    the snippets crate (which `cargo build --workspace` compiles).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use heck::ToSnakeCase;
use ngrok_ai_codegen::normalise::rust_operation_id;
use ngrok_ai_codegen::{docs, load, validate, write, Output};
use serde_json::Value;

const DOCS: &str = "generated/docs";
const SNIPPETS_LIB: &str = "generated/docs/snippets/src/lib.rs";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn spec() -> load::Spec {
    let spec = load::load_spec(&root().join(ngrok_ai_codegen::SPEC_PATH))
        .unwrap_or_else(|e| panic!("{e}"));
    validate::validate(&spec).unwrap_or_else(|e| panic!("{e}"));
    spec
}

fn generate() -> Output {
    docs::generate(&spec()).unwrap_or_else(|e| panic!("{e}"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The Markdown files of the docs directory, by file name.
fn pages() -> BTreeMap<String, String> {
    let dir = root().join(DOCS);
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("directory entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.insert(name, read(&path));
        }
    }
    out
}

#[test]
fn docs_on_disk_match_the_generator_which_is_deterministic() {
    let first = generate();
    let second = generate();
    assert_eq!(first, second, "two runs of the docs generator differ");
    assert!(
        first.files.keys().any(|p| p.ends_with("README.md"))
            && first.files.keys().any(|p| p.ends_with("types.md"))
            && first.files.keys().any(|p| p.ends_with(SNIPPETS_LIB)),
        "the docs lack README.md, types.md or the snippets crate: {:?}",
        first.files.keys().collect::<Vec<_>>()
    );
    for (path, text) in &first.files {
        if path.extension().is_some_and(|e| e == "md") {
            assert!(
                text.starts_with(docs::HEADER),
                "{} does not start with the generated-file comment",
                path.display()
            );
        }
    }
    // The snippets crate only proves something if the workspace builds it.
    let manifest = read(&root().join("Cargo.toml"));
    assert!(
        manifest.contains("\"generated/docs/snippets\""),
        "generated/docs/snippets is not a workspace member of Cargo.toml"
    );
    let stale = write::differences(&root(), &first).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<String> = stale.iter().map(|d| d.path.display().to_string()).collect();
    assert!(
        stale.is_empty(),
        "generated/docs is stale in {names:?}; run `cargo xtask regen`"
    );
}

// ---------------------------------------------------------------------------------------
// Links and anchors, the GitHub way.

/// Lines outside fenced code blocks.
fn prose_lines(text: &str) -> Vec<&str> {
    let mut fenced = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            out.push(line);
        }
    }
    out
}

/// `line` without inline code spans (a run of n backticks up to the next run of n).
fn without_code_spans(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '`' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|c| **c == '`').count();
        let mut j = i + run;
        let mut closed = None;
        while j < chars.len() {
            if chars[j] == '`' {
                let r = chars[j..].iter().take_while(|c| **c == '`').count();
                if r == run {
                    closed = Some(j + r);
                    break;
                }
                j += r;
            } else {
                j += 1;
            }
        }
        match closed {
            Some(end) => {
                // Keep the text of the span (it may be a link's text); drop its backticks.
                out.extend(
                    chars[i + run..end - run]
                        .iter()
                        .filter(|c| **c != '[' && **c != ']'),
                );
                i = end;
            }
            None => {
                out.extend(&chars[i..i + run]);
                i += run;
            }
        }
    }
    out
}

/// Markdown links `[text](target)` of a line (outside code spans): `(text, target)`.
fn links(line: &str) -> Vec<(String, String)> {
    let line = without_code_spans(line);
    let mut out = Vec::new();
    let mut rest = line.as_str();
    while let Some(close) = rest.find("](") {
        let before = &rest[..close];
        let text = before
            .rfind('[')
            .map(|o| &before[o + 1..])
            .unwrap_or(before);
        let after = &rest[close + 2..];
        let Some(end) = after.find(')') else { break };
        out.push((text.to_string(), after[..end].to_string()));
        rest = &after[end + 1..];
    }
    out
}

/// github-slugger: lower case; drop everything but letters, digits, `-`, `_` and spaces;
/// spaces become `-`.
fn github_slug(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The rendered text of a heading: code spans keep their text, links their text.
fn heading_text(raw: &str) -> String {
    let mut text = without_code_spans(raw);
    while let Some(open) = text.find('[') {
        let Some(mid) = text[open..].find("](").map(|m| open + m) else {
            break;
        };
        let Some(end) = text[mid..].find(')').map(|e| mid + e) else {
            break;
        };
        text = format!(
            "{}{}{}",
            &text[..open],
            &text[open + 1..mid],
            &text[end + 1..]
        );
    }
    text.replace(['*', '`'], "").trim().to_string()
}

/// Every anchor GitHub gives a page: headings (repeats get `-1`, `-2`, ...) and explicit
/// `<a id>`/`<a name>`.
fn anchors(text: &str) -> BTreeSet<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = BTreeSet::new();
    for line in prose_lines(text) {
        let hashes = line.chars().take_while(|c| *c == '#').count();
        if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
            let base = github_slug(&heading_text(&line[hashes + 1..]));
            let mut slug = base.clone();
            while seen.contains_key(&slug) {
                let n = seen.entry(base.clone()).or_insert(0);
                *n += 1;
                slug = format!("{base}-{n}");
            }
            seen.insert(slug.clone(), 0);
            out.insert(slug);
        }
        for attr in ["id=\"", "name=\""] {
            let mut rest = line;
            while let Some(at) = rest.find(attr) {
                let value = &rest[at + attr.len()..];
                let end = value.find('"').unwrap_or(value.len());
                out.insert(value[..end].to_string());
                rest = &value[end..];
            }
        }
    }
    out
}

#[test]
fn github_slugs_behave_like_github() {
    assert_eq!(
        github_slug("List AI Gateway access keys"),
        "list-ai-gateway-access-keys"
    );
    assert_eq!(github_slug("AIGatewayAPIKey"), "aigatewayapikey");
    assert_eq!(github_slug("Get `x` (beta): v1.2"), "get-x-beta-v12");
    assert_eq!(heading_text("Use [`Ref`](types.md#ref) now"), "Use Ref now");
    let a = anchors("# A\n\n## Same\n\n```\n# not a heading\n```\n\n## Same\n\n## Same\n");
    let expected: BTreeSet<String> = ["a", "same", "same-1", "same-2"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(a, expected);
    assert_eq!(
        links("see [`x`](types.md#x) and `[no](link)` and [y](a.md)"),
        vec![
            ("x".to_string(), "types.md#x".to_string()),
            ("y".to_string(), "a.md".to_string())
        ]
    );
}

#[test]
fn every_relative_link_and_anchor_resolves() {
    let dir = root().join(DOCS);
    let pages = pages();
    assert!(pages.len() > 2, "no Markdown found in {}", dir.display());
    let anchors_of: BTreeMap<&str, BTreeSet<String>> = pages
        .iter()
        .map(|(n, t)| (n.as_str(), anchors(t)))
        .collect();
    let mut broken = Vec::new();
    let mut checked = 0;
    for (name, text) in &pages {
        for line in prose_lines(text) {
            for (label, target) in links(line) {
                if target.contains("://") || target.starts_with("mailto:") {
                    continue;
                }
                checked += 1;
                let (file, fragment) = match target.split_once('#') {
                    Some((f, a)) => (f, Some(a)),
                    None => (target.as_str(), None),
                };
                let file_name = if file.is_empty() { name.as_str() } else { file };
                let path = dir.join(file_name);
                if !path.exists() {
                    broken.push(format!(
                        "{name}: [{label}]({target}): no file {}",
                        path.display()
                    ));
                    continue;
                }
                if let Some(fragment) = fragment {
                    let known = anchors_of.get(file_name);
                    if !known.is_some_and(|a| a.contains(fragment)) {
                        broken.push(format!(
                            "{name}: [{label}]({target}): no anchor `{fragment}`"
                        ));
                    }
                }
            }
        }
    }
    assert!(checked > 100, "suspiciously few links checked: {checked}");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

// ---------------------------------------------------------------------------------------
// Every operation: a section with a Rust example and a curl command.

struct Operation {
    id: String,
    method: String,
    path: String,
    tag: String,
    has_body: bool,
}

fn operations() -> Vec<Operation> {
    let spec = spec();
    let mut out = Vec::new();
    for (path, item) in spec.raw["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            out.push(Operation {
                id: id.to_string(),
                method: method.clone(),
                path: path.clone(),
                tag: op["tags"][0].as_str().expect("tag").to_string(),
                has_body: op.get("requestBody").is_some(),
            });
        }
    }
    out
}

/// The `##` section of `page` that names `operation_id`.
fn section<'p>(page: &'p str, operation_id: &str) -> Option<&'p str> {
    let marker = format!("operationId `{operation_id}`");
    let at = page.find(&marker)?;
    let start = page[..at].rfind("\n## ")?;
    let end = page[at..].find("\n## ").map_or(page.len(), |e| at + e);
    Some(&page[start..end])
}

/// The contents of the fenced blocks of `lang` in `text`.
fn fenced<'t>(text: &'t str, lang: &str) -> Vec<&'t str> {
    let open = format!("```{lang}\n");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(&open) {
        let body = &rest[at + open.len()..];
        let end = body.find("\n```").unwrap_or(body.len());
        out.push(&body[..end]);
        rest = &body[end..];
    }
    out
}

#[test]
fn every_operation_has_a_rust_example_and_a_curl_command() {
    let operations = operations();
    // An independent count (openapiv3's walk), so an operation this file's walk missed
    // cannot go unchecked.
    assert_eq!(
        operations.len(),
        spec().openapi.operations().count(),
        "every operation of the spec is checked"
    );
    let pages = pages();
    let snippets = read(&root().join(SNIPPETS_LIB));
    let index = &pages["README.md"];
    let mut problems = Vec::new();
    for op in &operations {
        let page_name = format!(
            "{}.md",
            op.tag
                .trim_start_matches("AI Gateway ")
                .to_lowercase()
                .replace(' ', "-")
        );
        let Some(page) = pages.get(&page_name) else {
            problems.push(format!("{}: no page {page_name}", op.id));
            continue;
        };
        let Some(text) = section(page, &op.id) else {
            problems.push(format!("{}: no section on {page_name}", op.id));
            continue;
        };
        let method = rust_operation_id(&op.id).to_snake_case();
        let call = format!("client.{method}()");
        let rust = fenced(text, "rust");
        // prettyplease breaks long chains after `client`.
        let squeezed = |code: &str| code.split_whitespace().collect::<String>();
        if !rust.iter().any(|code| squeezed(code).contains(&call)) {
            problems.push(format!("{}: no Rust example calling `{call}`", op.id));
        }
        if rust
            .iter()
            .any(|code| code.contains("todo!") || code.contains("unimplemented!"))
        {
            problems.push(format!("{}: the Rust example is a placeholder", op.id));
        }
        if !snippets.contains(&format!("pub async fn {method}(")) {
            problems.push(format!("{}: no `fn {method}` in {SNIPPETS_LIB}", op.id));
        }
        let fixed_path = op.path.split('{').next().unwrap_or_default();
        let start = if op.method == "head" {
            "curl --head 'https://api.ngrok.ai".to_string()
        } else {
            format!("curl -X {} 'https://api.ngrok.ai", op.method.to_uppercase())
        };
        let curl = fenced(text, "sh");
        let good_curl = curl.iter().any(|c| {
            c.starts_with(&format!("{start}{fixed_path}"))
                && c.contains("-H \"Authorization: Bearer $NGROK_AI_API_KEY\"")
                && c.contains('{') == op.has_body
                && (!op.has_body
                    || (c.contains("-H 'Content-Type: application/json'") && c.contains("-d '{")))
        });
        if !good_curl {
            problems.push(format!(
                "{}: no curl command `{start}{fixed_path}…` with auth{}",
                op.id,
                if op.has_body { " and a JSON body" } else { "" }
            ));
        }
        if !text.contains(&format!("`{} {}`", op.method.to_uppercase(), op.path)) {
            problems.push(format!("{}: method and path not shown", op.id));
        }
        if !index.contains(&format!("`{}`", op.id)) {
            problems.push(format!("{}: missing from the README index", op.id));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
