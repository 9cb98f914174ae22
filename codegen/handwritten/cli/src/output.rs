//! Writing results: JSON (pretty on a terminal, compact otherwise), JSON lines, or a table.

use std::io::{IsTerminal, Write};

use serde_json::Value;

use crate::failure::Failure;

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON document; pretty when stdout is a terminal.
    Json,
    /// One compact JSON value per line; a list's items one per line.
    Jsonl,
    /// A plain-text table of a list's items (or of one object's fields).
    Table,
}

impl Format {
    /// The names `--output` accepts.
    pub const NAMES: [&'static str; 3] = ["json", "jsonl", "table"];

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "json" => Some(Self::Json),
            "jsonl" => Some(Self::Jsonl),
            "table" => Some(Self::Table),
            _ => None,
        }
    }
}

fn write_failed(e: std::io::Error) -> Failure {
    Failure::local(format!("cannot write the output: {e}"))
}

/// The array of a response that holds its items: the list's `items` property when the
/// command is a paginated list, else the only array-of-objects property, if any.
fn items_of<'v>(value: &'v Value, items: Option<&str>) -> Option<&'v Vec<Value>> {
    let object = value.as_object()?;
    if let Some(key) = items {
        return object.get(key).and_then(Value::as_array);
    }
    let mut arrays = object
        .values()
        .filter_map(Value::as_array)
        .filter(|a| a.iter().all(Value::is_object));
    let first = arrays.next()?;
    arrays.next().is_none().then_some(first)
}

/// Renders `value` in `format`. `pretty`: JSON is indented (stdout is a terminal).
pub fn render(value: &Value, format: Format, items: Option<&str>, pretty: bool) -> String {
    match format {
        Format::Json if pretty => serde_json::to_string_pretty(value).unwrap_or_default() + "\n",
        Format::Json => value.to_string() + "\n",
        Format::Jsonl => match items_of(value, items) {
            Some(list) => list.iter().map(|v| v.to_string() + "\n").collect(),
            None => value.to_string() + "\n",
        },
        Format::Table => match items_of(value, items) {
            Some(list) => table(list),
            None => fields_table(value),
        },
    }
}

/// Writes `value` to stdout.
pub fn print(value: &Value, format: Format, items: Option<&str>) -> Result<(), Failure> {
    let pretty = std::io::stdout().is_terminal();
    let text = render(value, format, items, pretty);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).map_err(write_failed)?;
    out.flush().map_err(write_failed)
}

/// Writes one item of a `--all` listing as a JSON line, as it arrives.
pub fn print_line(value: &Value) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{value}").map_err(write_failed)?;
    out.flush().map_err(write_failed)
}

/// A cell's text: strings as they are, null empty, anything nested as compact JSON cut
/// to 40 characters.
fn cell(value: Option<&Value>) -> String {
    let text = match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    let text = text.replace(['\n', '\t'], " ");
    if text.chars().count() > 40 {
        text.chars().take(39).collect::<String>() + "…"
    } else {
        text
    }
}

fn layout(rows: &[Vec<String>]) -> String {
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(text, width)| format!("{text:<width$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// A table of objects: one column per key (in the order first seen), one row per item.
pub fn table(items: &[Value]) -> String {
    let mut columns: Vec<&str> = Vec::new();
    for item in items {
        for key in item.as_object().into_iter().flat_map(|o| o.keys()) {
            if !columns.contains(&key.as_str()) {
                columns.push(key);
            }
        }
    }
    if columns.is_empty() {
        return "(no items)\n".into();
    }
    let mut rows = vec![columns.iter().map(|c| c.to_string()).collect::<Vec<_>>()];
    for item in items {
        rows.push(columns.iter().map(|c| cell(item.get(*c))).collect());
    }
    layout(&rows)
}

/// A two-column table of one object's fields.
fn fields_table(value: &Value) -> String {
    match value.as_object() {
        Some(object) => {
            let rows: Vec<Vec<String>> = object
                .iter()
                .map(|(k, v)| vec![k.clone(), cell(Some(v))])
                .collect();
            layout(&rows)
        }
        None => cell(Some(value)) + "\n",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formats() {
        let page = json!({"items": [{"id": "a", "n": 1}, {"id": "bb", "x": null}], "uri": "u"});
        assert_eq!(
            render(&page, Format::Json, None, false),
            page.to_string() + "\n"
        );
        assert_eq!(
            render(&page, Format::Jsonl, Some("items"), false),
            "{\"id\":\"a\",\"n\":1}\n{\"id\":\"bb\",\"x\":null}\n"
        );
        assert_eq!(
            render(&page, Format::Table, None, false),
            "id  n  x\na   1\nbb\n"
        );
        let one = json!({"id": "a", "nested": {"k": [1, 2]}});
        assert_eq!(
            render(&one, Format::Table, None, false),
            "id      a\nnested  {\"k\":[1,2]}\n"
        );
        assert!(render(&one, Format::Json, None, true).contains("\n  \"id\""));
        assert_eq!(table(&[]), "(no items)\n");
        assert_eq!(cell(Some(&json!("x".repeat(50)))).chars().count(), 40);
    }
}
