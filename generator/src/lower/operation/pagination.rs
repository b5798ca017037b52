//! How an operation's pages are walked: specforge's `x-pagination`, Azure's `x-ms-pageable`, or a `Link` header.

use super::*;

impl<'a> OperationLowerer<'_, 'a> {
    /// How the operation's pages are walked, by the first convention the document states: specforge's
    /// `x-pagination`, Azure's `x-ms-pageable`, or a `Link` header documented on a `GET`'s success (whose items are
    /// the page when the page is an array). `x-pagination` is `{page-param: <query parameter>, next: <dotted
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
        let (key, spec) = match (extensions.get("x-pagination"), extensions.get("x-ms-pageable")) {
            (Some(spec), _) => ("x-pagination", Some(spec)),
            (None, Some(spec)) => ("x-ms-pageable", Some(spec)),
            (None, None) => ("", None),
        };
        let at = child(&self.pointer, key);
        let mut successes = responses.iter().filter(|r| r.status.is_success());
        let (Some(success), None) = (successes.next(), successes.next()) else {
            if spec.is_some() {
                self.types.warn(&at, format!("`{key}` needs exactly one success response; ignored"));
            }
            return None;
        };
        let documents_link = success.headers.iter().any(|header| header.name == "link");
        let Some(spec) = spec else {
            let page = success.body.as_ref().filter(|_| documents_link && *method == Method::Get)?;
            let items = match &page.ty {
                TypeRef::Array(item) => Some(PageItems { path: Vec::new(), item: (**item).clone() }),
                _ => None,
            };
            return Some(PageWalk { style: PageStyle::LinkHeader, items });
        };
        // Each page is another request with the same body: only a borrowed one can be sent again.
        if body.is_some_and(|body| matches!(body.kind, RequestBodyKind::Multipart(_) | RequestBodyKind::Raw { .. })) {
            self.types.warn(&at, format!("`{key}` on an operation that sends a multipart or raw body; ignored"));
            return None;
        }
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
