//! Integration tests live in `tests/`; this crate holds what more than one of them reads.

/// The departures a spec's header lists for a mechanical check against the vendor's code: the
/// "#   - `<where>`: <why>" lines under the comment line that starts with "# Departures from the vendor's code",
/// up to the next empty comment line.
pub fn listed_departures(spec: &str) -> std::collections::BTreeSet<String> {
    spec.lines()
        .skip_while(|line| !line.starts_with("# Departures from the vendor's code"))
        .take_while(|line| line.starts_with('#') && line.trim() != "#")
        .filter_map(|line| line.trim_start_matches('#').trim_start().strip_prefix("- `"))
        .filter_map(|rest| rest.split_once("`: "))
        .map(|(at, _)| at.to_string())
        .collect()
}

/// Fails unless `differences` (place → what differs) and the `listed` departures are the same places.
pub fn assert_only_listed_departures(
    spec: &str,
    differences: &std::collections::BTreeMap<String, String>,
    listed: &std::collections::BTreeSet<String>,
) {
    let unlisted: Vec<String> = differences
        .iter()
        .filter(|(at, _)| !listed.contains(*at))
        .map(|(at, what)| format!("  - `{at}`: {what}"))
        .collect();
    let stale: Vec<&String> = listed.iter().filter(|at| !differences.contains_key(*at)).collect();
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "{spec} and the vendor's code differ where the header does not say why:\n{}\n\
         listed in the header but no longer a difference: {stale:?}",
        unlisted.join("\n"),
    );
}
