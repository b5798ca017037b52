//! Layout prettyplease cannot know: it fills a macro's tokens into lines like prose, so a long
//! `support::object!(…)` broke in the middle of a field (`6\n query_priority nullable`), and a type among them
//! printed as `BTreeMap < String, T >`. Here each `object!` invocation that does not fit on one line is laid out one
//! field per line, as a struct is, and each `bounded_map!` one is written as code is:
//!
//! ```text
//! support::object!(BigQuerySink {
//!     0 auth required,
//!     1 dataset required,
//!     2 query_priority nullable,
//! } keep);
//! ```

use std::borrow::Cow;

/// How the invocations are found.
const OBJECT: &str = "support::object!(";

/// How the bounded-map invocations are found.
const BOUNDED_MAP: &str = "support::bounded_map!(";

/// The widest line prettyplease prints; an invocation that fits stays on one line.
const WIDTH: usize = 100;

/// `text` with the support macros' invocations laid out (see the module docs).
pub fn support_macros(text: &str) -> Cow<'_, str> {
    let objects = rewrite(text, OBJECT, lay_out);
    if !objects.contains(BOUNDED_MAP) {
        return objects;
    }
    Cow::Owned(rewrite(&objects, BOUNDED_MAP, lay_out_arguments).into_owned())
}

/// `text` with every invocation that starts with `opening` (`support::name!(`) rewritten by `lay_out` (given the
/// line's indentation, the opening and the text between the parentheses); one it cannot read is left as printed.
fn rewrite<'t>(text: &'t str, opening: &str, lay_out: fn(&str, &str, &str) -> Option<String>) -> Cow<'t, str> {
    if !text.contains(opening) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(opening) {
        let line_start = rest[..start].rfind('\n').map_or(0, |at| at + 1);
        let indent = &rest[line_start..start];
        let body_start = start + opening.len();
        let Some(laid_out) = invocation_end(&rest[body_start..])
            .and_then(|end| lay_out(indent, opening, &rest[body_start..body_start + end]).map(|text| (text, end)))
        else {
            // Not the form the emitter writes: left as printed.
            out.push_str(&rest[..body_start]);
            rest = &rest[body_start..];
            continue;
        };
        let (laid_out, end) = laid_out;
        out.push_str(&rest[..line_start]);
        out.push_str(&laid_out);
        // Past the closing `)` and its `;`.
        rest = &rest[body_start + end + 1..];
        rest = rest.strip_prefix(';').unwrap_or(rest);
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Where the invocation's closing `)` is in `body` (the text after `object!(`), string literals skipped.
fn invocation_end(body: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut chars = body.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => skip_string(&mut chars)?,
            '(' | '{' | '[' => depth += 1,
            ')' if depth == 0 => return Some(at),
            ')' | '}' | ']' => depth = depth.checked_sub(1)?,
            _ => {}
        }
    }
    None
}

/// Moves `chars` past the end of a string literal whose opening quote was just read.
fn skip_string(chars: &mut std::str::CharIndices<'_>) -> Option<()> {
    while let Some((_, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next()?;
            }
            '"' => return Some(()),
            _ => {}
        }
    }
    None
}

/// The `object!` invocation whose body (between the parentheses) is `body`, at `indent`: `Name { fields } mode`.
fn lay_out(indent: &str, opening: &str, body: &str) -> Option<String> {
    let open = body.find('{')?;
    let close = body.rfind('}')?;
    let name = body[..open].trim();
    let mode = body[close + 1..].trim();
    let fields = split_fields(&body[open + 1..close])?;
    let one_line = match fields.is_empty() {
        true => format!("{indent}{opening}{name} {{}} {mode});"),
        false => format!("{indent}{opening}{name} {{ {} }} {mode});", fields.join(", ")),
    };
    if one_line.len() <= WIDTH {
        return Some(one_line);
    }
    let mut text = format!("{indent}{opening}{name} {{\n");
    for field in &fields {
        text.push_str(&format!("{indent}    {field},\n"));
    }
    text.push_str(&format!("{indent}}} {mode});"));
    Some(text)
}

/// A `bounded_map!` invocation (`Name(map type), min, max, key min, key max`) with its type written as code is
/// (`BTreeMap<String, T>`): on one line when it fits, else one argument per line.
fn lay_out_arguments(indent: &str, opening: &str, body: &str) -> Option<String> {
    let arguments: Vec<String> = split_fields(body)?.iter().map(|argument| tight_generics(argument)).collect();
    let one_line = format!("{indent}{opening}{});", arguments.join(", "));
    if one_line.len() <= WIDTH {
        return Some(one_line);
    }
    let mut text = format!("{indent}{opening}\n");
    for argument in &arguments {
        text.push_str(&format!("{indent}    {argument},\n"));
    }
    text.push_str(&format!("{indent});"));
    Some(text)
}

/// `argument` (no string literals in it) without the spaces prettyplease puts around `<` and `>`.
fn tight_generics(argument: &str) -> String {
    argument.replace(" < ", "<").replace("< ", "<").replace(" <", "<").replace(" >", ">")
}

/// The fields (or arguments) of an invocation, split at the commas outside brackets and string literals, each with
/// its whitespace made single spaces (string literals kept as written).
fn split_fields(fields: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut chars = fields.char_indices();
    let mut space = false;
    let mut depth = 0usize;
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => {
                let mut end = chars.clone();
                skip_string(&mut end)?;
                let stop = end.clone().next().map_or(fields.len(), |(next, _)| next);
                if space && !field.is_empty() {
                    field.push(' ');
                }
                space = false;
                field.push_str(&fields[at..stop]);
                chars = end;
            }
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut field));
                space = false;
            }
            c if c.is_whitespace() => space = true,
            c => {
                if space && !field.is_empty() {
                    field.push(' ');
                }
                space = false;
                match c {
                    '(' | '[' | '{' | '<' => depth += 1,
                    ')' | ']' | '}' | '>' => depth = depth.saturating_sub(1),
                    _ => {}
                }
                field.push(c);
            }
        }
    }
    if !field.is_empty() {
        out.push(field);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_invocation_gets_one_field_per_line_and_a_short_one_one_line() {
        let printed = "/// doc\nsupport::object!(\n    BigQuerySink { 0 auth required, 1 dataset_name = \"dataset, \\\"name\\\"\" \
                       required, 2 disable_schema_prefix optional,\n    3 history_mode optional, 4 migration_strategy \
                       optional, 5 project_id required, 6\n    query_priority nullable } keep\n);\n\nsupport::object!(Tag \
                       { 0 label optional } ignore);\n";
        assert_eq!(
            support_macros(printed),
            "/// doc\nsupport::object!(BigQuerySink {\n    0 auth required,\n    1 dataset_name = \"dataset, \\\"name\\\"\" \
             required,\n    2 disable_schema_prefix optional,\n    3 history_mode optional,\n    4 migration_strategy \
             optional,\n    5 project_id required,\n    6 query_priority nullable,\n} keep);\n\nsupport::object!(Tag { 0 \
             label optional } ignore);\n"
        );
    }

    #[test]
    fn a_bounded_map_invocation_reads_as_code() {
        let printed = "support::bounded_map!(\n    Metadata(::std::collections::BTreeMap < String, Vec < Option < i64 > > >), \
                       None, Some(16),\n    None, Some(64)\n);\n";
        assert_eq!(
            support_macros(printed),
            "support::bounded_map!(\n    Metadata(::std::collections::BTreeMap<String, Vec<Option<i64>>>),\n    None,\n    \
             Some(16),\n    None,\n    Some(64),\n);\n"
        );
        let short = "support::bounded_map!(\n    Tags(BTreeMap < String, Tag >), None, Some(16), None, None\n);\n";
        assert_eq!(
            support_macros(short),
            "support::bounded_map!(Tags(BTreeMap<String, Tag>), None, Some(16), None, None);\n"
        );
    }

    #[test]
    fn an_invocation_inside_a_module_keeps_its_indentation_and_text_without_one_is_untouched() {
        let printed = "mod m {\n    support::object!(\n        Empty {} deny\n    );\n}\n";
        assert_eq!(support_macros(printed), "mod m {\n    support::object!(Empty {} deny);\n}\n");
        assert_eq!(support_macros("fn main() {}\n"), "fn main() {}\n");
        assert_eq!(support_macros("support::object!(unclosed"), "support::object!(unclosed");
    }
}
