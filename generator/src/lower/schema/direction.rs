//! Which way a value travels, and which schemas read differently from how they are written.
//!
//! A `readOnly` property is sent by the server and never in a request; a `writeOnly` one (a password) is sent in
//! requests and never returned. A schema that has either, itself or in any schema it uses, gets two types: the
//! component's own name for what is received (without the write-only properties) and `…Request` for what is sent
//! (without the read-only ones), so a create call cannot carry a server-assigned `id` and a reply cannot be made to
//! hold a password. Schemas without such properties keep one type for both ways.

use std::collections::{HashMap, HashSet};

use openapiv3::{AdditionalProperties, Schema};

use super::{MAX_DEPTH, SchemaRef, TypeLowerer};
use crate::lower::shape::{AllOfShape, BesideUnion, ObjectShape, Shape, annotations, shape_of};

/// Which way the values of a type travel, which decides the properties the type has.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Direction {
    /// Received: responses, callbacks and every type not sent. `writeOnly` properties are left out.
    #[default]
    Response,
    /// Sent: request bodies and parameters. `readOnly` properties are left out.
    Request,
}

impl Direction {
    /// Whether a property whose schema is `property` travels this way.
    pub fn carries(self, property: Option<&Schema>) -> bool {
        property.is_none_or(|schema| match self {
            Direction::Response => !annotations(schema).any(|data| data.write_only),
            Direction::Request => !annotations(schema).any(|data| data.read_only),
        })
    }
}

/// What a walk over one schema found: whether a property in it is one-way, and the components it uses.
#[derive(Default)]
struct Uses<'a> {
    one_way: bool,
    components: Vec<&'a str>,
}

/// The components whose request type differs from their response type, and the answers for inline schemas.
#[derive(Default)]
pub struct TwoWay<'a> {
    components: HashSet<&'a str>,
    inline: HashMap<usize, bool>,
}

impl<'a> TypeLowerer<'a> {
    /// Finds the component schemas with a one-way property, then every component that uses one of them (linear:
    /// each schema is walked once, each use followed once backwards).
    pub(super) fn find_two_way_components(&mut self) {
        let Some(components) = &self.document.components else { return };
        let mut users: HashMap<&'a str, Vec<&'a str>> = HashMap::new();
        let mut queue = Vec::new();
        for (name, schema) in &components.schemas {
            let mut uses = Uses::default();
            self.walk(schema.into(), &mut uses, 0);
            if uses.one_way {
                queue.push(name.as_str());
            }
            for used in uses.components {
                users.entry(used).or_default().push(name.as_str());
            }
        }
        let mut found: HashSet<&'a str> = queue.iter().copied().collect();
        while let Some(name) = queue.pop() {
            for &user in users.get(name).into_iter().flatten() {
                if found.insert(user) {
                    queue.push(user);
                }
            }
        }
        self.two_way.components = found;
    }

    /// Whether the component `name` has a request type of its own.
    pub(super) fn is_two_way_component(&self, name: &str) -> bool {
        self.two_way.components.contains(name)
    }

    /// Whether an inline schema reads differently from how it is written (remembered by its address).
    pub(super) fn is_two_way_inline(&mut self, schema: &'a Schema) -> bool {
        let address = std::ptr::from_ref(schema) as usize;
        if let Some(&known) = self.two_way.inline.get(&address) {
            return known;
        }
        let mut uses = Uses::default();
        self.walk(SchemaRef::Inline(schema), &mut uses, 0);
        let two_way = uses.one_way || uses.components.iter().any(|name| self.two_way.components.contains(name));
        self.two_way.inline.insert(address, two_way);
        two_way
    }

    /// Walks `schema` and the inline schemas in it, noting one-way properties and the components referred to.
    fn walk(&self, schema: SchemaRef<'a>, uses: &mut Uses<'a>, depth: usize) {
        let schema = match schema {
            SchemaRef::Ref(reference) => {
                if let Some((name, _)) = self.component_schema(reference) {
                    uses.components.push(name);
                }
                return;
            }
            SchemaRef::Inline(schema) if depth < MAX_DEPTH => schema,
            SchemaRef::Inline(_) => return,
        };
        let object = |object: &ObjectShape<'a>, uses: &mut Uses<'a>| {
            for property in object.properties.values() {
                let property_schema = self.deref_schema(property.into());
                if property_schema.is_some_and(|s| annotations(s).any(|data| data.read_only || data.write_only)) {
                    uses.one_way = true;
                }
                self.walk(property.into(), uses, depth + 1);
            }
            if let Some(AdditionalProperties::Schema(value)) = object.additional {
                self.walk(value.as_ref().into(), uses, depth + 1);
            }
        };
        match shape_of(schema).0 {
            Shape::Object(shape) => object(&shape, uses),
            Shape::Array(Some(items)) => self.walk(items.into(), uses, depth + 1),
            Shape::OneOf(variants) | Shape::AnyOf(variants) => {
                variants.iter().for_each(|variant| self.walk(variant.into(), uses, depth + 1));
            }
            Shape::AllOf(AllOfShape { members, properties, union }) => {
                members.iter().for_each(|member| self.walk(member.into(), uses, depth + 1));
                if let Some(shape) = properties {
                    object(&shape, uses);
                }
                if let Some(BesideUnion { variants, .. }) = union {
                    variants.iter().for_each(|variant| self.walk(variant.into(), uses, depth + 1));
                }
            }
            _ => {}
        }
    }

    /// Lowers what `lower` lowers as it is sent: request bodies and parameters. The request types of components
    /// it meets are lowered before this returns (one after another, not nested in each other).
    pub fn in_requests<T>(&mut self, lower: impl FnOnce(&mut Self) -> T) -> T {
        if self.direction == Direction::Request {
            return lower(self);
        }
        self.direction = Direction::Request;
        let lowered = lower(self);
        while let Some((name, id)) = self.pending_requests.pop() {
            self.lower_component(name, id);
        }
        self.direction = Direction::Response;
        lowered
    }

    /// The request type of the two-way component `name`, reserved (to be lowered by [`Self::in_requests`]) the
    /// first time it is asked for.
    pub(super) fn request_type(&mut self, name: &'a str) -> crate::ir::TypeId {
        if let Some(&id) = self.request_types.get(name) {
            return id;
        }
        let response = self.name_of(self.components[name]);
        let id = self.reserve(&format!("{response}Request"), name, &component_pointer(name));
        self.request_types.insert(name, id);
        self.pending_requests.push((name, id));
        id
    }
}

/// Where the component schema `name` is.
pub(super) fn component_pointer(name: &str) -> String {
    format!("#/components/schemas/{}", crate::diagnostic::escape_pointer_token(name))
}
