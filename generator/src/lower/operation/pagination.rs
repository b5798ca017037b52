//! How an operation's pages are walked: specforge's `x-pagination`, Azure's `x-ms-pageable`, a `Link` header, or
//! what its names imply (a cursor, a next page's URL).

use super::*;
use crate::ir::{Field, Primitive};

impl<'a> OperationLowerer<'_, 'a> {
    /// How the operation's pages are walked, by the first convention the document states: specforge's
    /// `x-pagination`, Azure's `x-ms-pageable`, a `Link` header documented on a `GET`'s success (whose items are
    /// the page when the page is an array), or a walk a `GET`'s names imply ([`Self::implied_walk`];
    /// `x-pagination: false` turns that off). `x-pagination` is `{page-param: <query parameter>, next: <dotted
    /// path>}` (page numbers: the next page exists while the value at `next` is present) or `{cursor-param: <query
    /// parameter>, next: <dotted path>}` (the value at `next` is the next cursor). Anything that does not fit the
    /// operation is reported and ignored.
    pub(super) fn pagination(
        &mut self,
        extensions: &IndexMap<String, serde_json::Value>,
        method: &Method,
        params: &[Param],
        responses: &[Response],
        body: Option<&RequestBody>,
    ) -> Option<PageWalk> {
        // `x-pagination: false` says the operation is not paged, whatever its names suggest.
        if extensions.get("x-pagination") == Some(&serde_json::Value::Bool(false)) {
            return None;
        }
        let (key, spec) = match (extensions.get("x-pagination"), extensions.get("x-ms-pageable")) {
            (Some(spec), _) => ("x-pagination", Some(spec)),
            (None, Some(spec)) => ("x-ms-pageable", Some(spec)),
            (None, None) => ("", None),
        };
        let at = child(&self.pointer, key);
        let Some(success) = only(responses.iter().filter(|r| r.status.is_success())) else {
            if spec.is_some() {
                self.types.warn(&at, format!("`{key}` needs exactly one success response; ignored"));
            }
            return None;
        };
        // Each page is another request with the same body: only a borrowed one can be sent again.
        if body.is_some_and(|body| matches!(body.kind, RequestBodyKind::Multipart(_) | RequestBodyKind::Raw { .. })) {
            if spec.is_some() {
                self.types.warn(&at, format!("`{key}` on an operation that sends a multipart or raw body; ignored"));
            }
            return None;
        }
        let documents_link = success.headers.iter().any(|header| header.name == "link");
        let Some(spec) = spec else {
            let page = success.body.as_ref().filter(|_| *method == Method::Get)?;
            if !documents_link {
                return self.implied_walk(params, &page.ty);
            }
            let items = match &page.ty {
                TypeRef::Array(item) => Some(PageItems { path: Vec::new(), item: (**item).clone() }),
                _ => None,
            };
            return Some(PageWalk { style: PageStyle::LinkHeader, items });
        };
        let Some(page) = &success.body else {
            self.types.warn(&at, format!("`{key}` needs a success response with a body; ignored"));
            return None;
        };
        let text = |key: &str| spec.get(key).and_then(serde_json::Value::as_str);
        let (style, items) = if key == "x-ms-pageable" {
            // `nextLinkName: null` says there is one page only.
            let next = text("nextLinkName")?;
            let next = self.field_path(&page.ty, next, &at)?;
            (PageStyle::NextLink { next: next.0 }, Some(text("itemName").unwrap_or("value")))
        } else {
            let (paged, param_name) = match (text("page-param"), text("cursor-param")) {
                (Some(name), None) => (true, name),
                (None, Some(name)) => (false, name),
                _ => {
                    self.types
                        .warn(&at, "`x-pagination` needs exactly one of `page-param` and `cursor-param`; ignored");
                    return None;
                }
            };
            let Some(path) = text("next") else {
                self.types.warn(&at, "`x-pagination` needs `next` (a dotted path in the response); ignored");
                return None;
            };
            let Some(param) = params
                .iter()
                .position(|p| p.api_name == param_name && p.location == ParamLocation::Query && !p.required)
            else {
                self.types.warn(
                    &at,
                    format!("`x-pagination` names {param_name:?}, which is not an optional query parameter; ignored"),
                );
                return None;
            };
            let (next, ty) = self.field_path(&page.ty, path, &at)?;
            let param_ty = &params[param].ty;
            let fits = if paged { matches!(param_ty, TypeRef::I32 | TypeRef::I64) } else { *param_ty == ty };
            if !fits {
                self.types.warn(&at, "`x-pagination`: a page parameter must be an integer, and a cursor must have the type of the parameter; ignored");
                return None;
            }
            let param = ParamId(param);
            let style = if paged { PageStyle::PageNumber { param, next } } else { PageStyle::Cursor { param, next } };
            (style, text("items"))
        };
        let items = match items {
            Some(path) => {
                let (path, ty) = self.field_path(&page.ty, path, &child(&at, "items"))?;
                match ty {
                    TypeRef::Array(item) => Some(PageItems { path, item: *item }),
                    _ => {
                        self.types.warn(&at, format!("`{key}`: the items are not an array; only pages are walked"));
                        None
                    }
                }
            }
            None => None,
        };
        Some(PageWalk { style, items })
    }

    /// The walk a `GET` implies by its names when the document states no convention: a cursor
    /// ([`implied_cursor`]), else a next page's URL ([`implied_next_link`]), on a page with an array field. The
    /// items are the page's only array field, or its only array of objects (beside, say, a list of strings).
    fn implied_walk(&self, params: &[Param], page: &TypeRef) -> Option<PageWalk> {
        let top = self.types.struct_fields(page.direct_named()?)?;
        // Every name looked for has `next` in it: only such fields are candidates (most pages have none).
        let mut candidates = Vec::new();
        for field in top.iter().filter(|field| !field.is_flattened()) {
            candidates.extend(PageField::candidate(None, top, field));
            if let Some(inner) = field.ty.direct_named().and_then(|id| self.types.struct_fields(id)) {
                candidates.extend(inner.iter().filter_map(|f| PageField::candidate(Some(field), inner, f)));
            }
        }
        if candidates.is_empty() {
            return None;
        }
        let style = implied_cursor(params, &candidates).or_else(|| implied_next_link(&candidates))?;
        let arrays: Vec<PageItems> = top
            .iter()
            .filter(|field| !field.is_flattened())
            .filter_map(|field| match &field.ty {
                TypeRef::Array(item) => Some(PageItems { path: vec![step(field)], item: (**item).clone() }),
                _ => None,
            })
            .collect();
        let is_object =
            |items: &&PageItems| items.item.direct_named().and_then(|id| self.types.struct_fields(id)).is_some();
        let items = match arrays.as_slice() {
            // A page holds a list: without one, a `nextUrl` is more likely where a flow goes on.
            [] => return None,
            [items] => Some(items.clone()),
            // Beside, say, a list of the locations that did not answer.
            _ => only(arrays.iter().filter(is_object)).cloned(),
        };
        Some(PageWalk { style, items })
    }

    /// The fields along a dotted `path` through values of `ty`, and the type at its end; `None` (with a warning at
    /// `at`) when a step names no property.
    pub(super) fn field_path(&mut self, ty: &TypeRef, path: &str, at: &str) -> Option<(Vec<FieldStep>, TypeRef)> {
        let mut ty = ty.clone();
        let mut steps = Vec::new();
        for segment in path.split('.') {
            let Some((name, presence, field_ty)) =
                ty.direct_named().and_then(|id| self.types.struct_field(id, segment))
            else {
                self.types.warn(at, format!("the response has no property {segment:?} at that place; ignored"));
                return None;
            };
            steps.push(FieldStep { field: name, presence });
            ty = field_ty;
        }
        Some((steps, ty))
    }
}

/// How an operation's pages are walked, before its methods are named ([`Pagination`] once they are).
pub(super) struct PageWalk {
    pub(super) style: PageStyle,
    pub(super) items: Option<PageItems>,
}

/// A field of a page, at its top or one object down, whose name has `next` in it.
struct PageField<'t> {
    /// The object field it is in, when it is not at the top.
    parent: Option<&'t Field>,
    /// The fields of the object it is in, itself included.
    siblings: &'t [Field],
    field: &'t Field,
    /// Its JSON name, squashed (see [`squashed`]).
    name: String,
}

/// The step through `field` on a path from a page.
fn step(field: &Field) -> FieldStep {
    FieldStep { field: field.name.clone(), presence: field.presence }
}

impl<'t> PageField<'t> {
    /// `field`, of the object `siblings` (in `parent`), when its name has `next` in it.
    fn candidate(parent: Option<&'t Field>, siblings: &'t [Field], field: &'t Field) -> Option<Self> {
        let json_name = field.json_name()?;
        let has_next = json_name.as_bytes().windows(4).any(|window| window.eq_ignore_ascii_case(b"next"));
        has_next.then(|| PageField { parent, siblings, field, name: squashed(json_name) })
    }

    /// The fields from the page to this one.
    fn path(&self) -> Vec<FieldStep> {
        self.parent.into_iter().chain([self.field]).map(step).collect()
    }
}

/// The cursor a `GET`'s names imply: an optional query parameter `P` and a field of the page named `next` + `P`
/// (`pageToken` → `nextPageToken`, `cursor` → `next_cursor`, `marker` → `NextMarker`), or `P` itself when `P`
/// starts with `next` (`NextToken`), of `P`'s type (a string or an integer), at the top of the page or in one of its
/// objects (`response_metadata.next_cursor`). Names are compared by their letters and digits, case aside. Only
/// when exactly one pair fits.
fn implied_cursor(params: &[Param], fields: &[PageField<'_>]) -> Option<PageStyle> {
    let pairs = params.iter().enumerate().filter(|(_, p)| p.location == ParamLocation::Query && !p.required).flat_map(
        |(index, param)| {
            let wanted = squashed(&param.api_name);
            let cursor_like = !wanted.is_empty() && matches!(param.ty, TypeRef::String | TypeRef::I32 | TypeRef::I64);
            fields
                .iter()
                .filter(move |page_field| {
                    let name = &page_field.name;
                    let named = name.strip_prefix("next") == Some(wanted.as_str())
                        || (wanted.starts_with("next") && *name == wanted);
                    cursor_like && named && page_field.field.ty == param.ty
                })
                .map(move |page_field| (index, page_field))
        },
    );
    let (param, next) = only(pairs)?;
    Some(PageStyle::Cursor { param: ParamId(param), next: next.path() })
}

/// The next page's URL a `GET`'s page names: a string or URL field called `nextLink`, `@odata.nextLink`,
/// `nextUrl`, `nextPageUrl`, `nextPageLink` or `nextHref` (names compared as in [`implied_cursor`]), or `next`
/// when it is a URL (`format: uri`), inside `links` (JSON:API) or beside `previous` (Django REST framework). At
/// the top of the page or one object down; only when exactly one field fits.
fn implied_next_link(fields: &[PageField<'_>]) -> Option<PageStyle> {
    const LINK_NAMES: [&str; 6] = ["nextlink", "odatanextlink", "nexturl", "nextpageurl", "nextpagelink", "nexthref"];
    let named =
        |field: &Field, names: &[&str]| names.contains(&squashed(field.json_name().unwrap_or_default()).as_str());
    let links = fields.iter().filter(|page_field| {
        let is_url = page_field.field.ty == TypeRef::Primitive(Primitive::Url);
        if !is_url && page_field.field.ty != TypeRef::String {
            return false;
        }
        LINK_NAMES.contains(&page_field.name.as_str())
            || (page_field.name == "next"
                && (is_url
                    || page_field.parent.is_some_and(|parent| named(parent, &["links"]))
                    || page_field.siblings.iter().any(|sibling| named(sibling, &["previous", "prev"]))))
    });
    Some(PageStyle::NextLink { next: only(links)?.path() })
}

/// A name's ASCII letters and digits, lower-cased: `next_page_token`, `nextPageToken` and `NextPageToken` alike.
fn squashed(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}
