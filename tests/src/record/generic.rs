//! Generic steps, from the API model, for what the scripted tour does not know.

use std::path::Path;

use super::recorder::Recorder;
use super::Created;

/// After the scripted tour: every operation it did not record, found in the API model.
/// A resource the spec's conventions describe goes through create → get → head → list →
/// update → delete → get (404) with bodies from its examples; any other operation is
/// sent its example request. So an operation or resource the spec gains is recorded with
/// no change to the tour.
pub(crate) async fn untoured(
    r: &mut Recorder<'_>,
    api_key: &str,
    created: &mut Created,
) -> Result<(), String> {
    let spec_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/ngrok-ai.yaml");
    let spec = ngrok_ai_codegen::load::load_spec(&spec_path).map_err(|e| e.to_string())?;
    let api = ngrok_ai_codegen::model::Api::build(&spec).map_err(|e| e.to_string())?;
    let http = reqwest::Client::new();
    let mut ids: std::collections::BTreeMap<String, String> = Default::default();
    for resource in &api.resources {
        let missing = resource
            .operations()
            .iter()
            .flatten()
            .any(|op| !r.recorded.contains(*op));
        let (true, Some(create)) = (missing, resource.create) else {
            continue;
        };
        let Some(body) = api.example_create_body(resource, |schema| ids.get(schema).cloned())
        else {
            continue;
        };
        let body = serde_json::Value::Object(body);
        let (status, item) = r
            .raw(
                &http,
                api_key,
                ("post", resource.collection_path),
                Some(&body),
                (
                    create,
                    "",
                    "Create from the create schema's example (generic step).",
                ),
            )
            .await?;
        let Some(id) = item
            .get("id")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
        else {
            return Err(format!("{create} answered {status} without an id: {item}"));
        };
        let item_path = format!("{}/{id}", resource.collection_path);
        created.others.push(item_path.clone());
        ids.insert(resource.schema.to_owned(), id.clone());
        let steps = [
            (
                resource.get,
                "get",
                item_path.as_str(),
                "Get of the item created above (generic step).",
            ),
            (
                resource.head,
                "head",
                item_path.as_str(),
                "HEAD of the item created above (generic step).",
            ),
            (
                resource.list,
                "get",
                resource.collection_path,
                "List including the item created above (generic step).",
            ),
            (
                resource.head_list,
                "head",
                resource.collection_path,
                "HEAD of the list (generic step).",
            ),
        ];
        for (op, method, path, description) in steps {
            if let Some(op) = op {
                r.raw(&http, api_key, (method, path), None, (op, "", description))
                    .await?;
            }
        }
        if let Some(update) = resource.update {
            let example = resource
                .update_body
                .and_then(|name| api.schema(name))
                .and_then(|schema| schema.get("example"))
                .and_then(serde_json::Value::as_object)
                .map(|example| {
                    example
                        .iter()
                        .filter(|(name, _)| {
                            resource
                                .fields
                                .iter()
                                .all(|f| f.name != *name || f.references.is_none())
                        })
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect::<serde_json::Map<_, _>>()
                })
                .unwrap_or_default();
            r.raw(
                &http,
                api_key,
                ("patch", &item_path),
                Some(&serde_json::Value::Object(example)),
                (
                    update,
                    "",
                    "Update with the update schema's example (generic step).",
                ),
            )
            .await?;
        }
        if let Some(delete) = resource.delete {
            r.raw(
                &http,
                api_key,
                ("delete", &item_path),
                None,
                (delete, "", "Delete (generic step)."),
            )
            .await?;
            created.others.retain(|p| p != &item_path);
            if let Some(get) = resource.get {
                r.raw(
                    &http,
                    api_key,
                    ("get", &item_path),
                    None,
                    (
                        get,
                        "not-found",
                        "Get of the item deleted above: 404 (generic step).",
                    ),
                )
                .await?;
            }
        }
    }
    for op in &api.operations {
        if r.recorded.contains(op.id) {
            continue;
        }
        let body = op.body.as_ref().and_then(|b| b.example);
        let (status, _) = r
            .raw(
                &http,
                api_key,
                (op.method, &op.example_path_and_query()),
                body,
                (
                    op.id,
                    "example",
                    "The operation's example request (generic step).",
                ),
            )
            .await?;
        if status != op.status {
            r.report.warnings.push(format!(
                "{} (example): answered {status}, the spec's success is {}",
                op.id, op.status
            ));
        }
    }
    Ok(())
}
