//! Per-tag Cargo features: which feature compiles which type and operation, when they are emitted, and that a
//! user who turns on one tag gets exactly that tag's operations (`tests/fixtures/tagged.yaml`).

use std::path::{Path, PathBuf};
use std::process::Command;

use specforge::internals::{FeaturePlan, ModelsSplit, TypeGraph, operation_crates, split_cost};
use specforge::{SplitModels, TagFeatures};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn lowered(spec: &Path) -> specforge::internals::Api {
    let loaded = specforge::internals::load(spec, &[], &[]).unwrap_or_else(|d| panic!("{}: {d:?}", spec.display()));
    let config = specforge::Config::default();
    let settings = specforge::internals::Settings { keep_unknown_fields: false, config: &config, server: false };
    specforge::internals::lower(loaded, settings).0.expect("lowers")
}

fn type_index(api: &specforge::internals::Api, name: &str) -> usize {
    api.types.iter().position(|t| t.name == name).unwrap_or_else(|| panic!("no type {name}"))
}

#[test]
fn types_compile_under_every_feature_that_reaches_them() {
    let api = lowered(&fixture("tagged.yaml"));
    let plan = FeaturePlan::new(&api, &TypeGraph::new(&api.types), TagFeatures::Always).expect("a plan");
    let names: Vec<&str> = plan.features.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["tag-pets", "tag-pet-admin", "tag-stores", "untagged", "unreferenced-schemas", "any-tag"]);

    let features_of = |name: &str| plan.type_features(type_index(&api, name));
    assert_eq!(features_of("Pet"), ["tag-pets", "tag-pet-admin"]);
    assert_eq!(features_of("PetReport"), ["tag-pets", "tag-pet-admin"]);
    assert_eq!(features_of("Address"), ["any-tag"], "every tag reaches it, through Pet and Store");
    assert_eq!(features_of("Store"), ["tag-stores"]);
    assert_eq!(features_of("Pong"), ["untagged", "unreferenced-schemas"]);
    assert_eq!(features_of("LegacyEnvelope"), ["unreferenced-schemas"]);
    assert!(features_of("Error").is_empty(), "every feature reaches Error, so it is never gated");

    let operation = |id: &str| api.operations.iter().position(|op| op.operation_id == id).expect("operation");
    assert_eq!(plan.operation_features(operation("petReport")), ["tag-pets", "tag-pet-admin"]);
    assert_eq!(plan.operation_features(operation("ping")), ["untagged"]);
}

#[test]
fn auto_gates_only_large_apis_and_never_gates_nothing() {
    let small = lowered(&fixture("tagged.yaml"));
    assert!(
        FeaturePlan::new(&small, &TypeGraph::new(&small.types), TagFeatures::Auto).is_none(),
        "4 operations are not a large API"
    );
    assert!(FeaturePlan::new(&small, &TypeGraph::new(&small.types), TagFeatures::Never).is_none());
    let corpus = lowered(&fixture("corpus/petstore-expanded.json"));
    assert!(corpus.operations.len() < specforge::internals::AUTO_MIN_OPERATIONS);
    assert!(FeaturePlan::new(&corpus, &TypeGraph::new(&corpus.types), TagFeatures::Auto).is_none());
}

#[test]
fn manifests_declare_the_features_on_by_default_and_the_client_forwards_them() {
    let options = specforge::Options {
        name: Some("tagged".into()),
        tag_features: TagFeatures::Always,
        ..specforge::Options::new(fixture("tagged.yaml"))
    };
    let generated = specforge::generate(&options).expect("generates");
    let models = &generated.models.files[Path::new("Cargo.toml")];
    let client = &generated.client.files[Path::new("Cargo.toml")];
    let tags = "\"tag-pets\", \"tag-pet-admin\", \"tag-stores\", \"untagged\", \"unreferenced-schemas\"]";
    assert!(models.contains(&format!("default = [{tags}")), "{models}");
    assert!(client.contains(&format!("default = [\"rustls\", {tags}")), "the client's TLS too: {client}");
    assert!(models.contains("\ntag-stores = [\"any-tag\"]\n") && models.contains("\nuntagged = []\n"), "{models}");
    assert!(models.contains("\nany-tag = []\n"), "{models}");
    assert!(
        client.contains("\ntag-stores = [\"tagged-models/tag-stores\"]\n") && !client.contains("any-tag"),
        "{client}"
    );
    assert!(
        client
            .contains("tagged-models = { version = \"0.1.0\", path = \"../tagged-models\", default-features = false }"),
        "{client}"
    );
    let lib = &generated.models.files[Path::new("src/lib.rs")];
    let gate_of = |item: &str| {
        let at = lib.find(item).unwrap_or_else(|| panic!("no {item} in\n{lib}"));
        lib[..at]
            .lines()
            .rev()
            .take_while(|line| line.starts_with("#["))
            .find(|line| line.starts_with("#[cfg("))
            .map(str::to_string)
    };
    assert_eq!(gate_of("pub struct Store {").as_deref(), Some("#[cfg(feature = \"tag-stores\")]"));
    assert_eq!(
        gate_of("pub struct PetReport {").as_deref(),
        Some("#[cfg(any(feature = \"tag-pets\", feature = \"tag-pet-admin\"))]")
    );
    assert_eq!(gate_of("pub struct Address {").as_deref(), Some("#[cfg(feature = \"any-tag\")]"));
    assert_eq!(gate_of("pub struct Error {"), None);
    assert!(lib.contains("# Cargo features"), "the crate docs list the features");
}

/// Whether a user crate that depends on the generated client with only `features` on, and evaluates `call`
/// (an expression using `client`), builds without a warning (the generated crates are workspace members, whose
/// warnings Cargo shows); the compiler's errors or warnings when it does not.
fn user_builds(workspace: &Path, features: &[&str], call: &str) -> Result<(), String> {
    let user = workspace.join("user");
    std::fs::create_dir_all(user.join("src")).expect("user crate");
    let features: Vec<String> = features.iter().map(|f| format!("\"{f}\"")).collect();
    let manifest = format!(
        "[package]\nname = \"user\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[dependencies]\ntagged-client = {{ path = \"../tagged-client\", default-features = false, features = [{}] }}\n",
        features.join(", ")
    );
    std::fs::write(user.join("Cargo.toml"), manifest).expect("user manifest");
    // `client` counts as used even when `call` does not use it.
    let source =
        format!("pub async fn call(client: &tagged_client::Client) {{\n    let _ = client;\n    let _ = {call};\n}}\n");
    std::fs::write(user.join("src/lib.rs"), source).expect("user source");
    let output = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--quiet", "-p", "user"])
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/standalone"))
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .expect("run cargo");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.success() && !stderr.contains("warning") { Ok(()) } else { Err(stderr) }
}

/// `tagged.yaml` generated with tag features (and the models split or not) into a new workspace with a user crate.
fn tagged_workspace(split_models: SplitModels) -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("temporary directory");
    let options = specforge::Options {
        name: Some("tagged".into()),
        tag_features: TagFeatures::Always,
        split_models,
        ..specforge::Options::new(fixture("tagged.yaml"))
    };
    specforge::generate(&options).expect("generates").write_into(out.path()).expect("writes");
    std::fs::write(
        out.path().join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\nmembers = [\"tagged-models\", \"tagged-client\", \"user\"]\n",
    )
    .expect("workspace manifest");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"), out.path().join("Cargo.lock"))
        .expect("Cargo.lock");
    out
}

#[test]
fn one_tag_compiles_that_tags_operations_and_not_the_others() {
    let out = tagged_workspace(SplitModels::Never);
    // The models follow the client's features: only the types of the chosen tags are compiled.
    user_builds(
        out.path(),
        &["tag-pets"],
        "(client.list_pets().await, std::mem::size_of::<tagged_client::models::Pet>())",
    )
    .expect("list_pets and Pet with tag-pets");
    user_builds(out.path(), &["tag-pet-admin", "untagged"], "(client.pet_report().await, client.ping().await)")
        .expect("pet_report with only its second tag, ping with untagged");
    let error = user_builds(
        out.path(),
        &["tag-pets"],
        "(client.get_store(\"s1\").await, std::mem::size_of::<tagged_client::models::Store>())",
    )
    .expect_err("neither get_store nor Store is compiled with only tag-pets");
    assert!(error.contains("get_store"), "the error names the missing method:\n{error}");
    assert!(error.contains("Store"), "the error names the missing type:\n{error}");
    user_builds(out.path(), &[], "client.base_url()").expect("the client itself builds with no feature at all");
    user_builds(out.path(), &["rustls-no-provider", "tag-pets"], "client.list_pets().await")
        .expect("TLS through rustls with a provider of one's own");
}

#[test]
fn split_models_keep_the_paths_and_the_tag_features() {
    let out = tagged_workspace(SplitModels::Always);
    let parts = std::fs::read_dir(out.path().join("tagged-models/parts")).expect("parts").count();
    assert!(parts >= 3, "the models are split into parts (and the support crate): {parts}");
    user_builds(
        out.path(),
        &["tag-pets"],
        "(client.list_pets().await, std::mem::size_of::<tagged_client::models::Pet>())",
    )
    .expect("list_pets and Pet, through the facade, with tag-pets");
    user_builds(out.path(), &["tag-stores", "tag-pets"], "std::mem::size_of::<tagged_client::models::Store>()")
        .expect("Store with tag-stores");

    // The client is split too, behind the same `Client`, methods, types and features.
    let client_parts: Vec<String> = std::fs::read_dir(out.path().join("tagged-client/parts"))
        .expect("client parts")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(client_parts.contains(&"core".to_string()), "{client_parts:?}");
    assert!(client_parts.iter().any(|part| part.starts_with("ops-")), "{client_parts:?}");
    user_builds(
        out.path(),
        &["tag-stores"],
        "client.get_store_with_response(\"s1\").await.map(|reply| reply.status()).map_err(|error: tagged_client::Error<tagged_client::GetStoreError>| error)",
    )
    .expect("a twin and an operation's error type at the client's root");
    let error = user_builds(
        out.path(),
        &["tag-pets"],
        "(client.get_store(\"s1\").await, std::mem::size_of::<tagged_client::models::Store>())",
    )
    .expect_err("neither get_store nor Store is compiled with only tag-pets");
    assert!(error.contains("get_store"), "the error names the missing method:\n{error}");
    assert!(error.contains("Store"), "the error names the missing type:\n{error}");
}

#[test]
fn split_clients_hold_every_operation_once() {
    let api = lowered(&fixture("tagged.yaml"));
    assert!(operation_crates(&api, SplitModels::Never).is_none());
    assert!(operation_crates(&api, SplitModels::Auto).is_none(), "a small client stays one crate");
    let crates = operation_crates(&api, SplitModels::Always).expect("a split client");
    let mut seen = vec![0; api.operations.len()];
    for (_, members) in &crates {
        assert!(!members.is_empty(), "no empty crate");
        assert!(members.windows(2).all(|pair| pair[0] < pair[1]), "operations in order");
        for &member in members {
            seen[member] += 1;
        }
    }
    assert!(seen.iter().all(|&count| count == 1), "every operation in one crate: {seen:?}");
    assert_eq!(operation_crates(&api, SplitModels::Always), Some(crates), "the same crates every time");
}

#[test]
fn split_parts_hold_every_type_once_and_depend_only_on_earlier_parts() {
    let specs = [fixture("tagged.yaml"), Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/supermetal.yaml")];
    for spec in specs {
        let api = lowered(&spec);
        let graph = TypeGraph::new(&api.types);
        let split = ModelsSplit::new(&api.types, &graph, SplitModels::Always).expect("a split");
        assert!(ModelsSplit::new(&api.types, &graph, SplitModels::Never).is_none());
        assert!(ModelsSplit::new(&api.types, &graph, SplitModels::Auto).is_none(), "{} is small", spec.display());
        let mut seen = vec![0; api.types.len()];
        for (index, part) in split.parts.iter().enumerate() {
            for &member in &part.members {
                seen[member] += 1;
                assert_eq!(split.part_of[member], index);
                for &held in &graph.edges[member] {
                    let owner = split.part_of[held];
                    assert!(owner == index || part.dependencies.contains(&owner), "{}: a held type's part", part.label);
                }
            }
            assert!(part.dependencies.iter().all(|&dependency| dependency < index), "{}: acyclic", part.label);
        }
        assert!(seen.iter().all(|&count| count == 1), "{}: every type in one part", spec.display());
        assert!(split.parts.len() >= 2);
    }
}

/// A document of `layers × width` object schemas of `fields` properties each, every one past the first layer holding
/// one schema of the layer below, the one at `below(index)` (so the types span `layers` heights).
fn layered_spec(layers: usize, width: usize, fields: usize, below: impl Fn(usize) -> usize) -> tempfile::TempDir {
    let mut schemas = serde_json::Map::new();
    for layer in 0..layers {
        for index in 0..width {
            let mut properties = serde_json::Map::new();
            for field in 0..fields {
                properties.insert(format!("field{field}"), serde_json::json!({ "type": "string" }));
            }
            if layer > 0 {
                let below = format!("#/components/schemas/L{}N{}", layer - 1, below(index));
                properties.insert("below".into(), serde_json::json!({ "$ref": below }));
            }
            schemas
                .insert(format!("L{layer}N{index}"), serde_json::json!({ "type": "object", "properties": properties }));
        }
    }
    let spec = serde_json::json!({
        "openapi": "3.0.3",
        "info": { "title": "Layered", "version": "1" },
        "paths": {},
        "components": { "schemas": schemas },
    });
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("layered.json"), spec.to_string()).expect("the spec is written");
    dir
}

/// The estimated peak memory of each part of a split, by the cost model that chose it.
fn estimated_parts_kib(api: &specforge::internals::Api, split: &ModelsSplit) -> Vec<usize> {
    let types_kib = |members: &[usize]| members.iter().map(|&m| split_cost::type_kib(&api.types[m].kind)).sum();
    split.parts.iter().map(|part| split_cost::crate_kib(types_kib(&part.members), part.dependencies.len())).collect()
}

#[test]
fn models_split_when_one_crate_would_need_too_much_memory_and_no_part_does() {
    // About 540 MiB by the cost model: one crate.
    let medium = layered_spec(3, 120, 6, |index| (index * 7) % 120);
    let api = lowered(&medium.path().join("layered.json"));
    let all: usize = api.types.iter().map(|t| split_cost::type_kib(&t.kind)).sum();
    assert!(split_cost::crate_kib(all, 0) < split_cost::ONE_CRATE_BUDGET_KIB);
    assert!(
        ModelsSplit::new(&api.types, &TypeGraph::new(&api.types), SplitModels::Auto).is_none(),
        "a medium API stays one crate"
    );

    // About 5 GiB by the cost model: split, and every part (with what it imports) estimated under the budget.
    let large = layered_spec(4, 700, 10, |index| (index * 7) % 700);
    let api = lowered(&large.path().join("layered.json"));
    let split =
        ModelsSplit::new(&api.types, &TypeGraph::new(&api.types), SplitModels::Auto).expect("large models split");
    let parts = estimated_parts_kib(&api, &split);
    assert!(parts.len() >= 8, "{} parts", parts.len());
    let largest = parts.iter().copied().max().unwrap_or_default();
    assert!(largest <= split_cost::ONE_CRATE_BUDGET_KIB, "largest part {} MiB", largest / 1024);
}

#[test]
fn a_type_held_by_one_other_is_split_with_it_so_parts_import_few_parts() {
    // 700 chains of 4 schemas, each held only by the one above it: a chain is one family.
    let chains = layered_spec(4, 700, 10, |index| index);
    let api = lowered(&chains.path().join("layered.json"));
    let split =
        ModelsSplit::new(&api.types, &TypeGraph::new(&api.types), SplitModels::Auto).expect("large models split");
    assert!(split.parts.len() >= 8, "{} parts", split.parts.len());
    let part_of: std::collections::HashMap<&str, usize> =
        api.types.iter().zip(&split.part_of).map(|(def, &part)| (def.spec_name.as_str(), part)).collect();
    let chain_parts: std::collections::BTreeSet<Vec<usize>> =
        (0..700).map(|index| (0..4).map(|layer| part_of[format!("L{layer}N{index}").as_str()]).collect()).collect();
    // Every layer is cut into as many parts, and a chain takes the same stretch of each: one part per layer.
    let imports = split.parts.iter().map(|part| part.dependencies.len()).max().unwrap_or_default();
    assert_eq!(imports, 1, "each part holds types of the one part below it, not of all of them");
    assert_eq!(chain_parts.len(), split.parts.len() / 4, "the chains fall into as many columns as a layer has parts");
}

#[test]
fn a_part_grows_with_the_models_between_its_bounds() {
    let sizes: Vec<usize> =
        [0, 1 << 20, 4 << 20, 16 << 20, 1 << 30].iter().map(|&kib| split_cost::part_kib(kib)).collect();
    assert_eq!(sizes[0], split_cost::PART_MIN_KIB);
    assert!(sizes.windows(2).all(|pair| pair[0] <= pair[1]), "{sizes:?}");
    assert!(sizes[2] > split_cost::PART_MIN_KIB && sizes[2] < split_cost::PART_MAX_KIB, "{sizes:?}");
    assert_eq!(sizes[4], split_cost::PART_MAX_KIB);
}
