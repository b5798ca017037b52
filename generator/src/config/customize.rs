//! `[types.<name>]`: the user's types in place of schemas, type and field names, and derives and attributes, applied
//! to the lowered types. Whatever cannot hold is an error at its line in the configuration, never code that does
//! not compile: a name taken twice, a property the schema does not have, `Hash` on a type that holds an `f64`.

use std::collections::BTreeSet;

use super::Config;
use crate::diagnostic::Diagnostic;
use crate::ir::{TypeDef, TypeId, TypeKind, TypeRef};

/// Applies `config`'s type settings to `types`; the errors say what could not be applied.
pub fn customize(types: &mut [TypeDef], config: &Config) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for settings in &config.types {
        let ids = matching(types, &settings.name);
        if ids.is_empty() {
            let message = format!("no schema or generated type is named {:?}", settings.name);
            diagnostics.push(config.error(&settings.at, message));
            continue;
        }
        if let Some((path, _)) = &settings.replace {
            for id in &ids {
                types[id.0].kind = TypeKind::External(path.clone());
            }
        }
        if let Some((name, at)) = &settings.rename {
            rename(types, &ids, name).unwrap_or_else(|message| diagnostics.push(config.error(at, message)));
        }
        for (property, field, at) in &settings.fields {
            rename_field(types, &ids, property, field)
                .unwrap_or_else(|message| diagnostics.push(config.error(at, message)));
        }
        // Every type, for `*`, is every type a derive can be put on.
        let derivable: Vec<TypeId> = ids
            .iter()
            .copied()
            .filter(|id| {
                settings.name != "*" || !matches!(types[id.0].kind, TypeKind::Alias(_) | TypeKind::External(_))
            })
            .collect();
        for (value, variant, at) in &settings.variants {
            rename_variant(types, &ids, value, variant)
                .unwrap_or_else(|message| diagnostics.push(config.error(at, message)));
        }
        for (derive, at) in &settings.derives {
            for &id in &derivable {
                if let Err(message) = add_derive(types, id, derive) {
                    diagnostics.push(config.error(at, message));
                    break;
                }
            }
        }
        for (attribute, _) in &settings.attributes {
            for id in &derivable {
                types[id.0].custom.attributes.push(attribute.clone());
            }
        }
    }
    diagnostics
}

/// The types `name` names: all for `*`; else the component schema of that name with the types made from it (its
/// request type), or the generated type of that Rust name.
fn matching(types: &[TypeDef], name: &str) -> Vec<TypeId> {
    let ids = (0..types.len()).map(TypeId);
    if name == "*" {
        return ids.collect();
    }
    let by_schema: Vec<TypeId> = ids.clone().filter(|id| types[id.0].spec_name == name).collect();
    if by_schema.is_empty() { ids.filter(|id| types[id.0].name == name).collect() } else { by_schema }
}

/// Renames the first of `ids` to `name` and the others (named after it: `PetRequest`) with it; every mention in
/// the types' docs follows.
fn rename(types: &mut [TypeDef], ids: &[TypeId], name: &str) -> Result<(), String> {
    let old = types[ids[0].0].name.clone();
    let renamed: Vec<(TypeId, String)> = ids
        .iter()
        .map(|id| {
            let current = &types[id.0].name;
            (*id, current.strip_prefix(old.as_str()).map_or_else(|| current.clone(), |rest| format!("{name}{rest}")))
        })
        .collect();
    for (id, new) in &renamed {
        let taken = types.iter().enumerate().any(|(other, def)| other != id.0 && def.name == *new);
        if taken || crate::lower::MODELS_ROOT_ITEMS.contains(&new.as_str()) {
            return Err(format!("the type name `{new}` is already taken"));
        }
    }
    for (id, new) in renamed {
        let before = format!("[`{}`]", types[id.0].name);
        let after = format!("[`{new}`]");
        for def in types.iter_mut() {
            if let Some(doc) = &mut def.doc
                && doc.contains(&before)
            {
                *doc = doc.replace(&before, &after);
            }
        }
        types[id.0].name = new;
    }
    Ok(())
}

/// Names the field of property `property` `field` in each struct of `ids` that has it.
fn rename_field(types: &mut [TypeDef], ids: &[TypeId], property: &str, field: &str) -> Result<(), String> {
    let mut found = false;
    for id in ids {
        let TypeKind::Struct(s) = &mut types[id.0].kind else { continue };
        let Some(index) = s.fields.iter().position(|f| f.json_name() == Some(property)) else { continue };
        let additional = s.unknown.kept().map(|_| "additional_properties");
        if s.fields.iter().enumerate().any(|(other, f)| other != index && f.name == field) || additional == Some(field)
        {
            return Err(format!("the field name `{field}` is already taken"));
        }
        s.fields[index].name = field.to_string();
        found = true;
    }
    if found { Ok(()) } else { Err(format!("no property {property:?} in the type")) }
}

/// Names the variant of `value` (an enum's value on the wire, a tagged union's tag, or the variant's current name)
/// `variant` in each enum or union of `ids` that has it.
fn rename_variant(types: &mut [TypeDef], ids: &[TypeId], value: &str, variant: &str) -> Result<(), String> {
    let mut found = false;
    for id in ids {
        let (names, index, unknown): (Vec<&mut String>, usize, Option<&String>) = match &mut types[id.0].kind {
            TypeKind::Enum(e) => {
                let by_value = e.variants.iter().position(|v| v.value.to_string() == value);
                let Some(index) = by_value.or_else(|| e.variants.iter().position(|v| v.name == value)) else {
                    continue;
                };
                (e.variants.iter_mut().map(|v| &mut v.name).collect(), index, Some(&e.unknown_variant))
            }
            TypeKind::Union(u) => {
                let by_tag = u.variants.iter().position(|v| v.tags().any(|tag| tag == value));
                let Some(index) = by_tag.or_else(|| u.variants.iter().position(|v| v.name == value)) else {
                    continue;
                };
                (u.variants.iter_mut().map(|v| &mut v.name).collect(), index, u.unknown_variant.as_ref())
            }
            _ => continue,
        };
        let taken = names.iter().enumerate().any(|(other, name)| other != index && name.as_str() == variant);
        if taken || unknown.is_some_and(|name| name == variant) {
            return Err(format!("the variant name `{variant}` is already taken"));
        }
        if let Some(name) = names.into_iter().nth(index) {
            *name = variant.to_string();
        }
        found = true;
    }
    if found { Ok(()) } else { Err(format!("no variant {value:?} in the type")) }
}

/// What a derive asks of the types it goes to.
enum Derive {
    /// A standard trait that the types held must allow (no float for `Eq`, …): these traits, derived together.
    Checked(&'static [&'static str]),
    /// A standard trait a type has only where its own derives give it (`Default`, `Copy`).
    OwnOnly(&'static str),
    /// What every generated type has or writes itself (`Clone`, `Debug`, serde's traits): nothing to add.
    Had,
    /// Anything else (`schemars::JsonSchema`): added as written.
    Other,
}

/// What `derive` is, by its path (`Eq`, `std::cmp::Eq` and `::core::cmp::Eq` are one trait).
fn classify(derive: &str) -> Derive {
    let path = derive.strip_prefix("::").unwrap_or(derive);
    let prefixes = ["std::cmp::", "core::cmp::", "std::hash::", "core::hash::", "std::default::", "core::default::"];
    let name = prefixes.iter().find_map(|prefix| path.strip_prefix(prefix)).unwrap_or(path);
    match name {
        "Eq" => Derive::Checked(&["Eq"]),
        "Hash" => Derive::Checked(&["Hash"]),
        "PartialOrd" => Derive::Checked(&["PartialOrd"]),
        "Ord" => Derive::Checked(&["PartialOrd", "Eq", "Ord"]),
        "Default" => Derive::OwnOnly("Default"),
        "Copy" => Derive::OwnOnly("Copy"),
        "Clone" | "PartialEq" | "Debug" | "Serialize" | "Deserialize" | "serde::Serialize" | "serde::Deserialize" => {
            Derive::Had
        }
        _ => Derive::Other,
    }
}

/// Derives `derive` for `id` and every type it holds (a derive needs it of each field), unless a type has it
/// already; refuses what cannot hold.
fn add_derive(types: &mut [TypeDef], id: TypeId, derive: &str) -> Result<(), String> {
    let def = &types[id.0];
    if matches!(def.kind, TypeKind::Alias(_) | TypeKind::External(_)) {
        return Err(format!("`{}` is an alias of another type: derive on that type", def.name));
    }
    let wanted: &[&str] = match classify(derive) {
        Derive::Checked(traits) => traits,
        Derive::OwnOnly(name) if crate::emit::own_derives(&def.kind).contains(&name) => &[],
        Derive::OwnOnly(_) => {
            return Err(format!(
                "`{derive}` cannot be derived for `{}` (it has values with no default, or that are not Copy)",
                def.name
            ));
        }
        Derive::Had => &[],
        Derive::Other => &[derive],
    };
    let held = held_types(types, id);
    for &name in wanted {
        if let Some(blocker) = held.iter().find_map(|held| blocker(&types[held.0], name)) {
            return Err(format!("`{name}` cannot be derived for `{}`: it holds {blocker}", types[id.0].name));
        }
    }
    for held in held {
        let def = &mut types[held.0];
        if matches!(def.kind, TypeKind::Alias(_) | TypeKind::External(_)) {
            continue;
        }
        let own = crate::emit::own_derives(&def.kind);
        for &name in wanted {
            if !own.contains(&name) && !def.custom.derives.iter().any(|d| d == name) {
                def.custom.derives.push(name.to_string());
            }
        }
    }
    Ok(())
}

/// `id` and the named types its values hold, through fields, variants, aliases, maps and arrays.
fn held_types(types: &[TypeDef], id: TypeId) -> Vec<TypeId> {
    let mut seen = BTreeSet::from([id]);
    let mut order = vec![id];
    let mut next = 0;
    while let Some(&current) = order.get(next) {
        next += 1;
        types[current.0].visit_uses(&mut |ty| {
            ty.visit(&mut |ty| {
                if let TypeRef::Named(held) = ty
                    && seen.insert(*held)
                {
                    order.push(*held);
                }
            })
        });
    }
    order
}

/// What in `def` itself (not in the named types it holds) keeps `name` from being derived, if anything.
fn blocker(def: &TypeDef, name: &str) -> Option<String> {
    let float = matches!(name, "Eq" | "Hash" | "Ord");
    let json = matches!(name, "Hash" | "PartialOrd" | "Ord");
    let mut found = None;
    let mut check = |ty: &TypeRef| {
        ty.visit(&mut |ty| {
            let what = match ty {
                TypeRef::F32 | TypeRef::F64 if float => "a floating-point number",
                TypeRef::Any | TypeRef::Object if json => "any JSON value (`serde_json::Value`)",
                _ => return,
            };
            found.get_or_insert_with(|| format!("{what} (in `{}`)", def.name));
        })
    };
    def.visit_uses(&mut check);
    if json
        && let TypeKind::Union(u) = &def.kind
        && u.unknown_variant.is_some()
    {
        found.get_or_insert_with(|| format!("any JSON value (the catch-all variant of `{}`)", def.name));
    }
    found
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::lower::test_support::{HEAD, lower_yaml};

    const DOCUMENT: &str = "paths:
  /pets:
    post:
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
      responses: {'204': {description: made}}
components:
  schemas:
    Pet:
      type: object
      required: [id, petName]
      properties:
        id: {type: string, readOnly: true}
        petName: {type: string}
        owner: {$ref: '#/components/schemas/Owner'}
    Owner:
      type: object
      properties:
        name: {type: string}
        kind: {type: string, enum: [person, shop]}
    Measure:
      type: object
      properties:
        weight: {type: number}
    Bag:
      type: object
      properties:
        anything: {}
";

    /// The document's types customized by `config`, and the errors' messages.
    fn customized(config: &str) -> (Vec<TypeDef>, Vec<String>) {
        let (api, _) = lower_yaml(&format!("{HEAD}{DOCUMENT}"));
        let config = Config::parse(config, Path::new("specforge.toml")).expect("a valid configuration");
        let mut types = api.types;
        let errors = customize(&mut types, &config).into_iter().map(|d| d.message).collect();
        (types, errors)
    }

    fn def<'a>(types: &'a [TypeDef], name: &str) -> &'a TypeDef {
        types.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no type {name}"))
    }

    #[test]
    fn a_renamed_schema_renames_its_request_type_and_the_docs_that_link_to_them() {
        let (types, errors) = customized("[types.Pet]\nrename = \"Animal\"\nfields = { petName = \"name\" }\n");
        assert!(errors.is_empty(), "{errors:?}");
        let names: Vec<&str> = types.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Animal", "Owner", "Measure", "Bag", "OwnerKind", "AnimalRequest"]);
        assert_eq!(
            def(&types, "AnimalRequest").doc.as_deref(),
            Some("[`Animal`] as it is sent in requests: without the read-only properties, with the write-only ones.")
        );
        for name in ["Animal", "AnimalRequest"] {
            let TypeKind::Struct(s) = &def(&types, name).kind else { panic!("a struct") };
            let field = s.fields.iter().find(|f| f.json_name() == Some("petName")).expect("the property");
            assert_eq!(field.name, "name", "in {name}");
        }
    }

    #[test]
    fn names_that_clash_or_name_nothing_are_errors() {
        let (_, errors) = customized(
            "[types.Pet]\nrename = \"Owner\"\nfields = { petName = \"id\", nickname = \"nick\" }\n[types.Cat]\nderives = \
             [\"Hash\"]\n",
        );
        assert_eq!(
            errors,
            [
                "the type name `Owner` is already taken",
                "the field name `id` is already taken",
                "no property \"nickname\" in the type",
                "no schema or generated type is named \"Cat\"",
            ]
        );
    }

    #[test]
    fn a_derive_goes_to_every_type_held_that_lacks_it_and_is_refused_where_it_cannot_hold() {
        let (types, errors) = customized("[types.Pet]\nderives = [\"Ord\", \"schemars::JsonSchema\"]\n");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(def(&types, "Pet").custom.derives, ["PartialOrd", "Eq", "Ord", "schemars::JsonSchema"]);
        assert_eq!(def(&types, "Owner").custom.derives, ["PartialOrd", "Eq", "Ord", "schemars::JsonSchema"]);
        // The enum has `Eq` of its own: added once is an error in Rust.
        assert_eq!(def(&types, "OwnerKind").custom.derives, ["PartialOrd", "Ord", "schemars::JsonSchema"]);
        assert!(def(&types, "Measure").custom.derives.is_empty(), "not held by `Pet`");

        let (_, errors) = customized(
            "[types.Measure]\nderives = [\"Eq\"]\n[types.Bag]\nderives = [\"Hash\"]\n[types.Owner]\nderives = \
             [\"Default\", \"Copy\"]\n",
        );
        assert_eq!(
            errors,
            [
                "`Eq` cannot be derived for `Measure`: it holds a floating-point number (in `Measure`)",
                "`Hash` cannot be derived for `Bag`: it holds any JSON value (`serde_json::Value`) (in `Bag`)",
                "`Copy` cannot be derived for `Owner` (it has values with no default, or that are not Copy)",
            ],
            "`Default` is `Owner`'s own (every field is optional): asking for it again is no error"
        );
    }

    #[test]
    fn variants_are_renamed_by_their_value_on_the_wire() {
        let (types, errors) = customized("[types.OwnerKind]\nvariants = { shop = \"Store\" }\n");
        assert!(errors.is_empty(), "{errors:?}");
        let TypeKind::Enum(kind) = &def(&types, "OwnerKind").kind else { panic!("an enum") };
        let names: Vec<&str> = kind.variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["Person", "Store"]);

        let (_, errors) = customized(
            "[types.OwnerKind]\nvariants = { shop = \"Person\", person = \"Unknown\" }\n[types.Owner]\nvariants = \
             { x = \"Y\" }\n",
        );
        assert_eq!(
            errors,
            [
                "the variant name `Person` is already taken",
                "the variant name `Unknown` is already taken",
                "no variant \"x\" in the type",
            ]
        );
    }

    #[test]
    fn a_replaced_schema_is_the_users_type_for_both_ways() {
        let (types, errors) = customized("[types.Pet]\nreplace = \"acme::Pet\"\n");
        assert!(errors.is_empty(), "{errors:?}");
        for name in ["Pet", "PetRequest"] {
            assert!(matches!(&def(&types, name).kind, TypeKind::External(path) if path == "acme::Pet"), "{name}");
        }
    }
}
