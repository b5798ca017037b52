//! Every hand-written file of `templates/` that generated crates carry, embedded: manifests, READMEs, the client
//! and server runtimes, and the models' support code.

use crate::ir::Api;

/// The models crate's manifest.
pub(crate) const MODELS_CARGO: &str = include_str!("../../templates/models/Cargo.toml");
/// The models crate's README.
pub(crate) const MODELS_README: &str = include_str!("../../templates/models/README.md");
/// The client crate's manifest.
pub(crate) const CLIENT_CARGO: &str = include_str!("../../templates/client/Cargo.toml");
/// The client crate's README.
pub(crate) const CLIENT_README: &str = include_str!("../../templates/client/README.md");
/// The server crate's manifest.
pub(crate) const SERVER_CARGO: &str = include_str!("../../templates/server/Cargo.toml");
/// The server crate's README.
pub(crate) const SERVER_README: &str = include_str!("../../templates/server/README.md");
/// The runtime copied into every server crate.
pub(crate) const SERVER_RUNTIME: &str = include_str!("../../templates/server/runtime.rs");
/// Reading `multipart/form-data` bodies, copied into the server crates of APIs that take them.
pub(crate) const SERVER_MULTIPART: &str = include_str!("../../templates/server/multipart.rs");
/// The fake's machinery, copied into every server crate (compiled with its `fake` feature).
pub(crate) const SERVER_FAKE: &str = include_str!("../../templates/server/fake.rs");
/// The runtime support copied into every client crate.
pub(crate) const CLIENT_RUNTIME: &str = include_str!("../../templates/client/runtime.rs");

/// A module of the client runtime copied only into clients whose API needs it (`templates/client/<name>.rs`).
pub(crate) struct ClientModule {
    /// The module's (and its file's) name.
    pub name: &'static str,
    /// Its source.
    pub source: &'static str,
    /// What the client crate's root re-exports from it.
    pub exports: &'static [&'static str],
    /// Whether an API needs it.
    pub needed: fn(&Api) -> bool,
}

/// The client's optional modules: server-sent events, the parts of typed multipart forms, OAuth2 token grants.
pub(crate) const CLIENT_MODULES: [ClientModule; 3] = [
    ClientModule {
        name: "sse",
        source: include_str!("../../templates/client/sse.rs"),
        exports: &["Event", "EventStream"],
        needed: Api::has_event_streams,
    },
    ClientModule {
        name: "multipart",
        source: include_str!("../../templates/client/multipart.rs"),
        exports: &["FilePart"],
        needed: Api::has_typed_forms,
    },
    ClientModule {
        name: "oauth2",
        source: include_str!("../../templates/client/oauth2.rs"),
        exports: &["OAuth2Tokens"],
        needed: Api::has_oauth2_grants,
    },
];

/// The optional client modules `api` needs.
pub(crate) fn client_modules(api: &Api) -> impl Iterator<Item = &'static ClientModule> + Clone + '_ {
    CLIENT_MODULES.iter().filter(move |module| (module.needed)(api))
}
/// The methods of `Client` that are the same for every API, copied into every client crate.
pub(crate) const CLIENT_METHODS: &str = include_str!("../../templates/client/client.rs");

/// Validation for constrained strings and bounded maps (hand-written).
pub(crate) const CONSTRAINTS_SUPPORT: &str = include_str!("../../templates/models/support/constraints.rs");
/// The `constrained_string!` macro: the API and wire form of length-limited strings (hand-written).
pub(crate) const CONSTRAINED_STRING_SUPPORT: &str =
    include_str!("../../templates/models/support/constrained_string.rs");
/// The `bounded_map!` macro: the API and wire form of maps with size or key limits (hand-written).
pub(crate) const BOUNDED_MAP_SUPPORT: &str = include_str!("../../templates/models/support/bounded_map.rs");
/// The `string_enum!` macro that implements string enums' wire form (hand-written).
pub(crate) const STRING_ENUM_SUPPORT: &str = include_str!("../../templates/models/support/string_enum.rs");
/// The `integer_enum!` macro that implements integer enums' wire form (hand-written).
pub(crate) const INTEGER_ENUM_SUPPORT: &str = include_str!("../../templates/models/support/integer_enum.rs");
/// The `Nullable` type of fields that keep absent and `null` apart (hand-written).
pub(crate) const NULLABLE_SUPPORT: &str = include_str!("../../templates/models/support/nullable.rs");
/// The `object!` macro that implements structs' `Serialize` and `Deserialize` (hand-written).
pub(crate) const OBJECT_SUPPORT: &str = include_str!("../../templates/models/support/object.rs");
/// Decoding of tagged unions with a catch-all variant (hand-written).
pub(crate) const TAGGED_UNION_SUPPORT: &str = include_str!("../../templates/models/support/tagged_union.rs");
