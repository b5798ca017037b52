//! An operation's parameters: path-level ones merged with its own, their types and styles, and the path's
//! segments.

use openapiv3::{BooleanType, IntegerType, SchemaKind, StringType, Type};

use super::*;

impl<'a> OperationLowerer<'_, 'a> {
    /// Path-level parameters overridden by operation-level ones with the same name and location; path
    /// parameters first, in the order the path names them. A name of the path (or `{name}` value of the path key's
    /// query string) that no parameter declares becomes a required string parameter, with a warning. Beside them,
    /// the required query and header parameters that can have one value only (see [`Self::only_value`]): the
    /// client sends those itself, so they are no arguments.
    pub(super) fn params(
        &mut self,
        path_level: &'a [ReferenceOr<Parameter>],
        op_level: &'a [ReferenceOr<Parameter>],
        path: &str,
        query: &[(&str, &str)],
    ) -> (Vec<Param>, Vec<FixedValue>) {
        let mut merged: IndexMap<(String, &'static str), DeclaredParam<'a>> = IndexMap::new();
        let sources = [
            (path_level, child(&pointer(["paths", path]), "parameters")),
            (op_level, child(&self.pointer, "parameters")),
        ];
        for (list, base) in sources {
            for (index, param) in list.iter().enumerate() {
                let param_pointer = child(&base, &index.to_string());
                let Some(param) = self.resolve(param, &param_pointer, "parameters", |c| &c.parameters) else {
                    continue;
                };
                let mut deep = false;
                let (data, location, explode, separator) = match param {
                    Parameter::Path { parameter_data, .. } => (parameter_data, ParamLocation::Path, false, ','),
                    Parameter::Query { parameter_data, style, .. } => {
                        let explode = parameter_data.explode.unwrap_or(matches!(style, QueryStyle::Form));
                        deep = matches!(style, QueryStyle::DeepObject);
                        let separator = match style {
                            QueryStyle::SpaceDelimited => ' ',
                            QueryStyle::PipeDelimited => '|',
                            QueryStyle::Form | QueryStyle::DeepObject => {
                                crate::load::extensions::separator(&parameter_data.extensions).unwrap_or(',')
                            }
                        };
                        (parameter_data, ParamLocation::Query, explode, separator)
                    }
                    Parameter::Header { parameter_data, .. } => {
                        (parameter_data, ParamLocation::Header, parameter_data.explode.unwrap_or(false), ',')
                    }
                    Parameter::Cookie { parameter_data, .. } => (parameter_data, ParamLocation::Cookie, false, ','),
                };
                let declared = DeclaredParam { data, location, explode, separator, deep, pointer: param_pointer };
                // An operation's parameter replaces the path item's of the same name and location.
                merged.insert((data.name.clone(), location.as_str()), declared);
            }
        }
        // Required parameters are the method's arguments, beside its body's locals; optional ones are fields of the
        // `Params` struct, which meet no local. All are distinct.
        let (mut names, mut locals) = (Namespace::default(), Namespace::default());
        for local in METHOD_LOCALS {
            locals.reserve(local);
        }
        let (mut fixed, mut declared) = (Vec::new(), Vec::new());
        for param in merged.into_values() {
            match self.only_value(&param) {
                Some(value) => {
                    fixed.push(FixedValue { location: param.location, name: param.data.name.clone(), value })
                }
                None => declared.push(param),
            }
        }
        let mut params: Vec<Param> = declared
            .into_iter()
            .map(|DeclaredParam { data, location, explode, separator, deep, pointer: param_pointer }| {
                let hint = format!("{}{}", self.prefix, type_name(&data.name));
                let objects = matches!(location, ParamLocation::Query | ParamLocation::Header);
                let ty = self.param_type(data, &param_pointer, &hint, objects);
                let object = self.is_object(&ty).then_some(match (deep, explode) {
                    (true, _) => ObjectStyle::DeepObject,
                    (false, true) => ObjectStyle::Exploded,
                    (false, false) => ObjectStyle::Joined,
                });
                let required = data.required || location == ParamLocation::Path;
                // Azure's `x-ms-client-name` asks for another Rust name; the wire name stays.
                let asked = data.extensions.get("x-ms-client-name").and_then(serde_json::Value::as_str);
                let wanted = value_name(asked.unwrap_or(&data.name));
                let name =
                    if required { names.claim_unless_taken_in(&wanted, &locals) } else { names.claim(&wanted).0 };
                Param {
                    name,
                    api_name: data.name.clone(),
                    location,
                    required,
                    explode,
                    separator,
                    object,
                    doc: data.description.as_deref().map(crate::rustdoc::rustdoc_safe),
                    ty,
                }
            })
            .collect();
        // A path key's query pair whose value is `{name}` stands for a query parameter of that key.
        let route = split_path_key(path).0;
        // Where a path parameter's `{name}` is in the path; `usize::MAX` when it is not there.
        let position = |p: &Param| route.find(&format!("{{{}}}", p.api_name)).unwrap_or(usize::MAX);
        for (key, value) in query.iter().filter(|(_, value)| is_template(value)) {
            let taken = params.iter().any(|p| p.location == ParamLocation::Query && p.api_name == *key)
                || fixed.iter().any(|f| f.location == ParamLocation::Query && f.name == *key);
            if taken {
                continue;
            }
            let name = &value[1..value.len() - 1];
            // A path parameter of that name that the path itself does not name fills the query pair.
            if let Some(filling) = params
                .iter_mut()
                .find(|p| p.location == ParamLocation::Path && p.api_name == name && position(p) == usize::MAX)
            {
                filling.location = ParamLocation::Query;
                filling.api_name = key.to_string();
                continue;
            }
            self.types.warn(
                &self.pointer,
                format!("the path key's query names {{{name}}} for {key:?}, which is not declared; it is taken as a required string"),
            );
            params.push(Param {
                name: names.claim_unless_taken_in(&value_name(name), &locals),
                api_name: key.to_string(),
                location: ParamLocation::Query,
                required: true,
                explode: false,
                separator: ',',
                object: None,
                doc: None,
                ty: TypeRef::String,
            });
        }
        for name in template_names(route) {
            if params.iter().any(|p| p.location == ParamLocation::Path && p.api_name == name) {
                continue;
            }
            self.types.warn(
                &self.pointer,
                format!(
                    "the path names {{{name}}} but no path parameter {name:?} is declared; it is taken as a string"
                ),
            );
            params.push(Param {
                name: names.claim_unless_taken_in(&value_name(name), &locals),
                api_name: name.to_string(),
                location: ParamLocation::Path,
                required: true,
                explode: false,
                separator: ',',
                object: None,
                doc: None,
                ty: TypeRef::String,
            });
        }
        params.sort_by_key(|p| if p.location == ParamLocation::Path { (0, position(p)) } else { (1, 0) });
        // A path parameter the path does not name has nowhere to go in the request.
        params.retain(|p| {
            let nowhere = p.location == ParamLocation::Path && position(p) == usize::MAX;
            if nowhere {
                self.types.warn(
                    &self.pointer,
                    format!("path parameter {:?} does not appear in the path {path:?}; it is left out", p.api_name),
                );
            }
            !nowhere
        });
        (params, fixed)
    }

    /// The one value a declared parameter can have, as sent, when it is a required query or header parameter whose
    /// schema (through `$ref`s) is a string, integer or boolean with a one-value `enum` (a 3.1 `const`): AWS's
    /// `X-Amz-Target`, an API version, S3's `acl: true`. A path parameter stays an argument (its value is part of
    /// the path the server routes).
    fn only_value(&self, declared: &DeclaredParam<'a>) -> Option<String> {
        if !declared.data.required || !matches!(declared.location, ParamLocation::Query | ParamLocation::Header) {
            return None;
        }
        // What a client negotiates or signs with: sent as declared, never something a server routes on.
        let negotiated = ["accept", "content-type", "authorization"];
        if declared.location == ParamLocation::Header
            && negotiated.iter().any(|name| name.eq_ignore_ascii_case(&declared.data.name))
        {
            return None;
        }
        let ParameterSchemaOrContent::Schema(schema) = &declared.data.format else { return None };
        let schema = self.types.deref_schema(SchemaRef::from(schema))?;
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(StringType { enumeration, .. })) => one_value(enumeration),
            SchemaKind::Type(Type::Integer(IntegerType { enumeration, .. })) => one_value(enumeration),
            SchemaKind::Type(Type::Boolean(BooleanType { enumeration })) => one_value(enumeration),
            _ => None,
        }
    }

    /// A parameter's type; one that cannot be written into a URL or header falls back to `String` with a warning.
    pub(super) fn param_type(&mut self, data: &'a ParameterData, at: &str, hint: &str, objects: bool) -> TypeRef {
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            self.types.warn(at, "parameters with `content` are sent as strings");
            return TypeRef::String;
        };
        let ty = self.types.in_requests(|types| types.type_ref(SchemaRef::from(schema), &child(at, "schema"), hint)).ty;
        let ok = match &ty {
            TypeRef::Array(item) => self.is_text(item),
            other => self.is_text(other) || (objects && self.is_object(other)),
        };
        if ok {
            ty
        } else {
            let what =
                if objects { "a scalar, an object or an array of scalars" } else { "a scalar or an array of scalars" };
            self.types.warn(at, format!("parameter {:?} is not {what}; it is sent as a string", data.name));
            TypeRef::String
        }
    }

    pub(super) fn path_segments(&mut self, path: &str, params: &[Param]) -> Vec<Vec<PathPiece>> {
        let mut segments = Vec::new();
        for segment in path.split('/').filter(|s| !s.is_empty()) {
            let mut pieces = Vec::new();
            let mut rest = segment;
            while let Some(open) = rest.find('{') {
                let Some(close) = rest[open..].find('}').map(|c| c + open) else { break };
                if open > 0 {
                    pieces.push(PathPiece::Literal(rest[..open].to_string()));
                }
                let name = &rest[open + 1..close];
                match params.iter().position(|p| p.location == ParamLocation::Path && p.api_name == name) {
                    Some(index) => pieces.push(PathPiece::Param(ParamId(index))),
                    // `params` declares every name the path has (undeclared ones as strings).
                    None => pieces.push(PathPiece::Literal(rest[open..=close].to_string())),
                }
                rest = &rest[close + 1..];
            }
            if !rest.is_empty() {
                pieces.push(PathPiece::Literal(rest.to_string()));
            }
            segments.push(pieces);
        }
        segments
    }
}

/// The one value of a one-value `enum` (none when it has more, or `null`), as text.
fn one_value<T: ToString>(enumeration: &[Option<T>]) -> Option<String> {
    only(enumeration.iter())?.as_ref().map(ToString::to_string)
}

/// A query pair or header an operation always sends, from a parameter with one possible value.
pub(super) struct FixedValue {
    /// Query or header.
    pub(super) location: ParamLocation,
    /// Name on the wire.
    pub(super) name: String,
    /// The value.
    pub(super) value: String,
}

/// A parameter as declared (on the path item or the operation), before it is lowered.
pub(super) struct DeclaredParam<'a> {
    data: &'a ParameterData,
    location: ParamLocation,
    /// `explode`, with OpenAPI's default for the style.
    explode: bool,
    /// What joins an array's items in one value.
    separator: char,
    /// `style: deepObject`.
    deep: bool,
    /// Where it is declared.
    pointer: String,
}
