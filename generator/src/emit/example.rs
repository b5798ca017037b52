//! The usage example of a client crate, in its README and as a doctest of its docs: a client for the API's server,
//! with the credentials the operation needs, calling one of the API's own operations.

use heck::ToShoutySnakeCase;

use super::minimal::minimal;
use crate::ir::{Api, Multipart, Operation, RequestBody, RequestBodyKind, SchemeKind, TypeRef};
use crate::naming::bare;

/// The example's lines (Rust): create the client, set credentials, make a body, call an
/// operation. The credentials are read from environment variables named after the crate (`SUPERMETAL_TOKEN` for
/// `supermetal_client`).
pub fn client_example(api: &Api, client_lib: &str) -> String {
    let (imports, body) = example_parts(api, client_lib);
    format!("{imports}\n\n{}", body.join("\n"))
}

/// [`client_example`] as a rustdoc section whose example compiles (as a doctest that is not run).
pub fn client_example_doc(api: &Api, client_lib: &str) -> String {
    let (imports, body) = example_parts(api, client_lib);
    format!(
        "# Example\n\n```no_run\n{imports}\n\n# async fn example() -> Result<(), Box<dyn std::error::Error>> {{\n{}\n# Ok(())\n# }}\n```",
        body.join("\n")
    )
}

/// The example's `use` line, and the lines of its body.
fn example_parts(api: &Api, client_lib: &str) -> (String, Vec<String>) {
    let name = client_lib.strip_suffix("_client").unwrap_or(client_lib);
    let operation = example_operation(api);
    let params = operation.filter(|op| op.params.iter().any(|p| !p.required)).map(|op| &op.type_names.params);
    let imports = match params {
        Some(params) => format!("{{Client, {params}}}"),
        None => "Client".to_string(),
    };
    let imports = format!("use {client_lib}::{imports};");
    let mut lines = Vec::new();
    let base_url = match api.servers.first() {
        // A variable without a default leaves `DEFAULT_BASE_URL` incomplete: fill it in.
        Some(server) if server.variables.iter().any(|v| v.default.is_empty()) => {
            let values = server.variables.iter().map(|v| match v.default.as_str() {
                "" => format!("{:?}", format!("my-{}", bare(&v.rust_name).replace('_', "-"))),
                default => format!("{default:?}"),
            });
            format!("&{client_lib}::server_url({})", values.collect::<Vec<_>>().join(", "))
        }
        Some(_) => format!("{client_lib}::DEFAULT_BASE_URL"),
        None => "\"https://api.example.com\"".to_string(),
    };
    let credentials = operation.map(|op| credentials(api, op, name)).unwrap_or_default();
    match credentials.split_last() {
        None => lines.push(format!("let client = Client::new({base_url})?;")),
        Some((last, others)) => {
            lines.push(format!("let client = Client::new({base_url})?"));
            lines.extend(others.iter().map(|setter| format!("    {setter}")));
            lines.push(format!("    {last};"));
        }
    }
    if let Some(op) = operation {
        if let Some(body) = &op.body {
            lines.push(body_line(api, body, client_lib));
        }
        lines.push(format!("let reply = client.{}({}).await?;", op.method_name, arguments(op).join(", ")));
        lines.push("println!(\"{reply:?}\");".to_string());
    }
    (imports, lines)
}

/// The operation to show, among those whose arguments the example can write (required parameters with literals,
/// a body it can build) and that are not deprecated: the fewest arguments, a `GET` first, then document order.
fn example_operation(api: &Api) -> Option<&Operation> {
    let writable = |op: &&Operation| {
        !op.deprecated
            && op.params.iter().filter(|p| p.required).all(|p| literal(&p.ty, &p.name).is_some())
            && !op
                .body
                .as_ref()
                .is_some_and(|body| matches!(body.kind, RequestBodyKind::Multipart(Multipart::Parts(_))))
    };
    let cost = |op: &&Operation| {
        let required = op.params.iter().filter(|p| p.required).count();
        (required + usize::from(op.body.is_some()), op.method.as_str() != "GET")
    };
    api.operations.iter().filter(writable).min_by_key(cost)
}

/// The setter calls of the operation's first requirement that needs credentials, reading them from environment
/// variables named after the crate (and the scheme, when the requirement has more than one).
fn credentials(api: &Api, op: &Operation, name: &str) -> Vec<String> {
    let Some(requirement) = op.security.iter().find(|schemes| !schemes.is_empty()) else {
        return Vec::new();
    };
    requirement
        .iter()
        .map(|&id| api.scheme(id))
        .map(|scheme| {
            let variable = |what: &str| {
                let stem = if requirement.len() > 1 { format!("{name}_{}", scheme.spec_name) } else { name.into() };
                format!("std::env::var(\"{}\")?", format!("{stem}_{what}").to_shouty_snake_case())
            };
            let setter = &scheme.setters.given;
            match scheme.kind {
                SchemeKind::Basic => format!(".{setter}({}, {})", variable("username"), variable("password")),
                SchemeKind::Bearer | SchemeKind::OAuth2(_) => format!(".{setter}({})", variable("token")),
                _ => format!(".{setter}({})", variable("api_key")),
            }
        })
        .collect()
}

/// The line that makes the request body `body`: JSON and forms from the smallest value the schema accepts (read
/// from a file when that is long), bytes from a file, a multipart form built.
fn body_line(api: &Api, body: &RequestBody, client_lib: &str) -> String {
    match &body.kind {
        RequestBodyKind::Json { ty, .. } | RequestBodyKind::Form { ty, .. } => {
            let json = serde_json::to_string(&minimal(api, ty)).unwrap_or_default();
            if json.len() <= MAX_INLINE_JSON {
                format!("let body = serde_json::from_value(serde_json::json!({json}))?;")
            } else {
                "let body = serde_json::from_str(&std::fs::read_to_string(\"body.json\")?)?;".to_string()
            }
        }
        RequestBodyKind::Raw { .. } => "let body = std::fs::read(\"body.bin\")?;".to_string(),
        RequestBodyKind::Multipart(_) => {
            format!("let body = {client_lib}::reqwest::multipart::Form::new().text(\"name\", \"value\");")
        }
    }
}

/// The longest JSON body written into the example; a longer one is read from a file.
const MAX_INLINE_JSON: usize = 100;

/// The call's arguments: each required parameter's literal, the optional ones' `…Params` (at their defaults), the
/// body.
fn arguments(op: &Operation) -> Vec<String> {
    let mut arguments: Vec<String> =
        op.params.iter().filter(|p| p.required).filter_map(|p| literal(&p.ty, &p.name)).collect();
    if op.params.iter().any(|p| !p.required) {
        arguments.push(format!("&{}::default()", op.type_names.params));
    }
    if let Some(body) = &op.body {
        let by_reference = matches!(body.kind, RequestBodyKind::Json { .. } | RequestBodyKind::Form { .. });
        let argument = if by_reference { "&body" } else { "body" };
        arguments.push(if body.required { argument.to_string() } else { format!("Some({argument})") });
    }
    arguments
}

/// A literal argument of this type, if it has one: a string names what it is (`"my-connector-id"`).
fn literal(ty: &TypeRef, name: &str) -> Option<String> {
    match ty {
        TypeRef::String => Some(format!("\"my-{}\"", bare(name).replace('_', "-"))),
        TypeRef::I32 | TypeRef::I64 => Some("1".to_string()),
        TypeRef::F32 | TypeRef::F64 => Some("1.0".to_string()),
        TypeRef::Bool => Some("true".to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::test_support::{HEAD, lower_yaml};

    fn example(paths: &str) -> String {
        let text = format!(
            "{HEAD}servers: [{{url: 'https://{{region}}.example.com', variables: {{region: {{default: eu}}}}}}]\n\
             components:\n  securitySchemes:\n    apiKey: {{type: apiKey, in: header, name: X-Key}}\n\
             paths:\n{paths}"
        );
        client_example(&lower_yaml(&text).0, "shop_client")
    }

    #[test]
    fn the_example_calls_the_simplest_operation_with_its_credentials_from_the_environment() {
        let paths = "  /orders:\n    post:\n      operationId: createOrder\n      security: [{apiKey: []}]\n\
                     \x20     requestBody: {required: true, content: {application/json: {schema: {type: object, required: [sku], properties: {sku: {type: string}}}}}}\n\
                     \x20     responses: {'201': {description: made}}\n\
                     \x20 /orders/{id}:\n    get:\n      operationId: getOrder\n      security: [{}, {apiKey: []}]\n\
                     \x20     parameters: [{name: id, in: path, required: true, schema: {type: integer}}, {name: expand, in: query, schema: {type: boolean}}]\n\
                     \x20     responses: {'200': {description: one}}\n";
        assert_eq!(
            example(paths),
            "use shop_client::{Client, GetOrderParams};\n\n\
             let client = Client::new(shop_client::DEFAULT_BASE_URL)?\n    \
             .with_api_key(std::env::var(\"SHOP_API_KEY\")?);\n\
             let reply = client.get_order(1, &GetOrderParams::default()).await?;\n\
             println!(\"{reply:?}\");"
        );
    }

    #[test]
    fn a_body_is_made_from_the_smallest_value_its_schema_accepts() {
        let paths = "  /orders:\n    post:\n      operationId: createOrder\n\
                     \x20     requestBody: {content: {application/json: {schema: {type: object, required: [sku], properties: {sku: {type: string}}}}}}\n\
                     \x20     responses: {'201': {description: made}}\n";
        let example = example(paths);
        assert!(
            example.contains("let body = serde_json::from_value(serde_json::json!({\"sku\":\"\"}))?;\n"),
            "{example}"
        );
        assert!(example.contains("client.create_order(Some(&body))"), "an optional body is an Option: {example}");
    }

    #[test]
    fn without_an_operation_it_can_write_the_example_only_makes_the_client() {
        let paths = "  /orders/{at}:\n    get:\n      operationId: ordersAt\n\
                     \x20     parameters: [{name: at, in: path, required: true, schema: {type: string, format: date}}]\n\
                     \x20     responses: {'200': {description: one}}\n";
        assert_eq!(
            example(paths),
            "use shop_client::Client;\n\nlet client = Client::new(shop_client::DEFAULT_BASE_URL)?;"
        );
    }
}
